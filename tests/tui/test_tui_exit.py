"""How the app ends: q (0), Ctrl-C (130), SIGTERM (143, the terminal put back), and no terminal at all (2)."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ahvlab.cli import main
from ahvlab.tui.app import AhvlabApp

ROOT = Path(__file__).resolve().parents[2]
SIZE = (100, 30)


async def test_ctrl_c_quits_with_130(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert lamps_app.return_value == 130


def test_tui_without_a_terminal_says_so_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tui"]) == 2  # pytest's stdin and stdout are no terminal
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["ahvlab: error: ahvlab tui needs a terminal (expected a terminal, or `ahvlab shell --script FILE`)"]


def _read_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    seen = b""
    end = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_sigterm_ends_the_app_with_143_and_leaves_the_alternate_screen() -> None:
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ahvlab.cli", "tui", "tests.toys:FuseBox"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    try:
        shown = _read_until(leader, b"\x1b[?1049h", 60)  # Textual switched to the alternate screen
        assert b"\x1b[?1049h" in shown
        time.sleep(1.0)  # let the app mount (its SIGTERM handler is set in on_mount)
        proc.send_signal(signal.SIGTERM)
        rest = _read_until(leader, b"\x1b[?1049l", 30)
        assert proc.wait(timeout=30) == 143
        assert b"\x1b[?1049l" in rest  # and back to the normal screen
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(leader)
