"""`ahvlab shell --script` and piped stdin: the transcript and the exit codes CI relies on."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from ahvlab.cli import main
from tests.shell.conftest import TOY_TARGET

PHANTOM = """\
# a host fails, a new leader restarts its VM elsewhere
do crash_host 1
do elect 2
do restart_vm vm=vm1 host=3
inv
"""


def script(tmp_path: Path, text: str) -> str:
    path = tmp_path / "lesson.txt"
    path.write_text(text)
    return str(path)


def test_a_clean_script_exits_0_and_prints_the_transcript(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["shell", TOY_TARGET, "--script", script(tmp_path, PHANTOM)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[:4] == [
        "# Toy",
        "# a host fails, a new leader restarts its VM elsewhere",
        "ahvlab> do crash_host 1",
        "step 1/1  T+0  crash_host(host=1)",
    ]
    assert out[-3:] == ["ahvlab> inv", "  ok    no_phantom_vm  no VM runs twice", out[-1]]


def test_a_script_that_reaches_a_violation_exits_12(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["shell", TOY_TARGET, "--set", "fencing=False", "--script", script(tmp_path, PHANTOM)])
    out = capsys.readouterr().out.splitlines()
    assert code == 12
    assert "  !! invariant no_phantom_vm violated: no VM runs twice" in out
    assert out[-1] == "# invariant violated at step 3: no_phantom_vm"


def test_a_violation_anywhere_in_the_final_trace_counts_even_after_going_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["shell", TOY_TARGET, "--set", "fencing=False", "--script", script(tmp_path, PHANTOM + "goto 0\n")])
    assert code == 12
    assert capsys.readouterr().out.splitlines()[-1] == "# invariant violated at step 3: no_phantom_vm"


def test_a_counterexample_loaded_by_check_makes_the_script_exit_12(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["shell", TOY_TARGET, "--set", "fencing=False", "--script", script(tmp_path, "check\n")])
    out = capsys.readouterr().out
    assert code == 12
    assert "Counterexample loaded as steps 1..2" in out
    assert "Finished in" not in out  # no timing line: a transcript reads the same on every run


def test_a_failed_command_stops_the_script_with_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = "do crash_host 1\ndo elect 7\ndo elect 2\n"
    code = main(["shell", TOY_TARGET, "--script", script(tmp_path, lines)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[-3:] == [
        "ahvlab> do elect 7",
        "error: elect(host=7) is not enabled here; enabled: elect(host=2); elect(host=3)",
        "# script stopped: line 2 failed",
    ]


def test_keep_going_runs_every_line_and_still_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = "do crash_host 1\ndo elect 7\ndo elect 2\n"
    code = main(["shell", TOY_TARGET, "--keep-going", "--script", script(tmp_path, lines)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert "step 2/2  T+20  elect(host=2)" in out
    assert out[-1] == "# 1 command(s) failed"


def test_commands_piped_on_stdin_run_as_a_script(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("do crash_host 2\nquit\ndo crash_host 1\n"))
    assert main(["shell", TOY_TARGET]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "# Toy",
        "ahvlab> do crash_host 2",
        "step 1/1  T+0  crash_host(host=2)",
        "  up[1] = False    (was True)",
        "ahvlab> quit",
    ]


def test_an_unreadable_script_exits_150_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "nope.txt")
    assert main(["shell", TOY_TARGET, "--script", missing]) == 150
    assert capsys.readouterr().err == f"ahvlab: error: {missing}: cannot read script: No such file or directory\n"
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00")
    assert main(["shell", TOY_TARGET, "--script", str(binary)]) == 150
    assert capsys.readouterr().err.startswith(f"ahvlab: error: {binary}:1: byte 0xff is not UTF-8 text")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # read, it would block the shell forever
    assert main(["shell", TOY_TARGET, "--script", str(fifo)]) == 150
    assert capsys.readouterr().err == f"ahvlab: error: {fifo}: cannot read script: it is a FIFO (expected a file)\n"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["shell", "--script"]) == 2
    assert main(["shell", "--frobnicate"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(line.startswith("ahvlab: error: ") for line in err)
