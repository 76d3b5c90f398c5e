"""docs/shell.md stays true: its command list is the registry's `help`, its scripted walk replays exactly."""

from __future__ import annotations

import io
import re
from pathlib import Path

from ahvlab.shell import PROMPT, Shell
from ahvlab.workbench import open_workbench
from tests.shell.conftest import Recorded, toy_bench

DOC = Path(__file__).resolve().parents[2] / "docs" / "shell.md"


def blocks() -> list[str]:
    return re.findall(r"```\n(.*?)```", DOC.read_text(), re.S)


def test_the_command_list_in_the_docs_is_what_help_prints() -> None:
    sh = Recorded(toy_bench())
    help_text = sh.run("help").rsplit("\n", 2)[0] + "\n"  # without the closing hint line
    assert help_text in blocks()


def test_the_scripted_walk_in_the_docs_replays_line_for_line() -> None:
    walk = next(b for b in blocks() if b.startswith("# Host lost"))
    commands = [line[len(PROMPT) :] for line in walk.splitlines() if line.startswith(PROMPT)]
    comments = [line for line in walk.splitlines()[2:] if line.startswith("# ")]
    out = io.StringIO()
    code = Shell(open_workbench("host-lost"), out, script=True).run_script([*comments[:1], *commands])
    assert code == 0
    assert out.getvalue() == walk


def test_the_timing_what_if_in_the_docs_replays_line_for_line() -> None:
    text = next(b for b in blocks() if "timing restart_after 90" in b and b.startswith("# AHV cluster"))
    lines = text.splitlines()
    script = [line for line in lines[1:] if line.startswith("# restart_after")]
    script += [line[len(PROMPT) :] for line in lines if line.startswith(PROMPT)]
    out = io.StringIO()
    code = Shell(open_workbench(None), out, script=True).run_script(script)
    assert code == 12
    assert out.getvalue() == text
