"""README's exit-code table has every code ahvlab can exit with, and no other."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ahvlab.checker import result
from ahvlab.shell import app as shell_app

README = Path(__file__).resolve().parent.parent / "README.md"


def documented_codes() -> set[int]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Exit codes") :].split("\n## ", 1)[0]
    return {int(m) for m in re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)}


def test_readme_lists_every_exit_code():
    codes = {v for k, v in vars(result).items() if k.startswith("EXIT_") and isinstance(v, int)}
    codes |= {v for k, v in vars(shell_app).items() if k.startswith("EXIT_") and isinstance(v, int)}
    assert documented_codes() == codes


def _with_reader_gone(*argv: str) -> tuple[int, str]:
    """Run ahvlab with its stdout a pipe whose reader is closed before it writes (``ahvlab ... | head -0``)."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ahvlab.cli", *argv], stdout=write, stderr=subprocess.PIPE, text=True
    )
    os.close(write)
    os.close(read)
    _out, err = proc.communicate(timeout=300)
    return proc.returncode, err


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_a_reader_that_goes_away_leaves_the_verdict_in_the_exit_code(json_flag):
    """``ahvlab check | head``: the check still answers with its exit code, and no error about the pipe."""
    code, err = _with_reader_gone("check", "--mutate", "no_fencing", "--no-liveness", *json_flag)
    assert (code, err) == (12, "")
    code, err = _with_reader_gone("check", "--no-liveness", "--max-states", "200", *json_flag)
    assert (code, err) == (0, "")


def test_a_shell_script_cut_short_still_exits_with_its_answer(tmp_path):
    script = tmp_path / "s.txt"
    script.write_text("check\nno_such_command\n")
    assert _with_reader_gone("shell", "--script", str(script)) == (1, "")
    script.write_text("check\n")
    assert _with_reader_gone("shell", "--script", str(script)) == (0, "")
