"""The real prompt-toolkit loop, fed through a pipe with a dummy output: keys in, transcript and history out."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from ahvlab.shell import Shell, history_path
from tests.shell.conftest import Recorded, toy_bench


def drive(shell: Recorded, keys: str) -> int:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # end of input: the prompt sees EOF, as with Ctrl-D
        return shell.run_interactive(input=pipe, output=DummyOutput())


@pytest.fixture(autouse=True)
def history_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "history"
    monkeypatch.setenv("AHVLAB_HISTORY", str(path))
    return path


def test_typed_lines_run_in_order_until_quit(make_shell) -> None:
    sh = make_shell(script=False)
    assert drive(sh, "do crash_host 1\rdo elect 2\rquit\rdo crash_host 3\r") == 0
    assert sh.done
    assert [sh.session.label(i) for i in range(len(sh.session))] == ["init", "crash_host(host=1)", "elect(host=2)"]
    lines = sh.text.splitlines()
    assert lines[0] == "toy cluster. Type `help` for the commands, Tab to complete, Ctrl-D to leave."
    assert "step 2/2  T+20  elect(host=2)" in lines


def test_bad_input_prints_an_error_and_the_loop_goes_on_to_end_of_input(make_shell) -> None:
    sh = make_shell(script=False)
    assert drive(sh, "frobnicate\rdo 99\rshow vms.9\rdo crash_host 2\r") == 0
    assert sh.failures == [
        "unknown command 'frobnicate'; type `help` for the commands",
        "no choice 99: 3 actions are enabled (0..2)",
        "vms has items 0..1, not 9",
    ]
    assert sh.session.state.up == (True, False, True)


def test_ctrl_c_drops_the_line_being_typed_and_ctrl_d_leaves(make_shell) -> None:
    sh = make_shell(script=False)
    assert drive(sh, "do crash_host 1\x03do crash_host 3\r\x04do crash_host 2\r") == 0
    assert [sh.session.label(i) for i in range(len(sh.session))] == ["init", "crash_host(host=3)"]


def test_history_is_written_to_the_file_the_environment_names(make_shell, history_file: Path) -> None:
    assert history_path() == history_file
    drive(make_shell(script=False), "actions\rdo crash_host 1\r")
    saved = history_file.read_text()
    assert "+actions" in saved and "+do crash_host 1" in saved


def test_the_history_defaults_to_the_xdg_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AHVLAB_HISTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert history_path() == tmp_path / "ahvlab" / "shell_history"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert history_path() == tmp_path / ".local" / "share" / "ahvlab" / "shell_history"


def test_the_toolbar_shows_time_step_leader_and_violations(make_shell) -> None:
    sh = make_shell(fencing=False)
    assert sh.status() == [("time", "T+0"), ("step", "step 0/0"), ("leader", "leader 1")]
    for line in ("do crash_host 1", "do elect 3", "do restart_vm vm1 2"):
        sh.run(line)
    assert sh.status() == [
        ("time", "T+120"),
        ("step", "step 3/3"),
        ("leader", "leader 3"),
        ("bad", "VIOLATED no_phantom_vm"),
    ]
    sh.run("back 2")
    assert ("leader", "leader none") in sh.status()
    text = "".join(t for _style, t in sh.toolbar())
    assert "step 1/3" in text and "leader none" in text


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_errors_and_violations_are_coloured_and_no_color_turns_it_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    sh = Shell(toy_bench(fencing=False), _Tty())
    for line in ("frobnicate", "do crash_host 1", "do elect 2", "do restart_vm vm1 3"):
        sh.execute(line)
    text = sh.out.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[31merror: unknown command 'frobnicate'; type `help` for the commands\x1b[0m\n" in text
    assert "\x1b[1;31m  !! invariant no_phantom_vm violated: no VM runs twice\x1b[0m\n" in text
    monkeypatch.setenv("NO_COLOR", "1")
    assert not Shell(toy_bench(), _Tty()).color
    assert not Shell(toy_bench(), _Tty(), script=True).color
