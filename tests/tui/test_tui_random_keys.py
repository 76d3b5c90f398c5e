"""A person pressing keys at random never crashes the app, whatever screen the keys open."""

from __future__ import annotations

import asyncio
import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ahvlab.tui.app import AhvlabApp
from tests.tui import helpers

# Every binding of the app and its dialogs, plus keys that move, pick, type and close. `q` is left out:
# it ends the run (its own test checks the exit status).
KEYS = [
    "right", "left", "up", "down", "home", "end", "n", "p", "g", "G", "a", "b", "c", "v", "m", "s",
    "question_mark", "f1", "enter", "escape", "tab", "shift+tab", "space", "x", "1", "backspace",
]  # fmt: skip


async def press_all(app: AhvlabApp, keys: list[str]) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        for key in keys:
            await pilot.press(key)
            if app.checking:
                await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        session = app.wb.session
        assert 0 <= session.cursor < len(session)
        frame = app.frame
        assert frame is not None and frame.index == session.cursor


@settings(max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.sampled_from(["lamps", "mini"]),
    keys=st.lists(st.sampled_from(KEYS), min_size=5, max_size=25),
)
def test_random_keys_never_crash_the_app(which: str, keys: list[str]) -> None:
    workbench = helpers.workbench() if which == "lamps" else helpers.mini()
    here = os.getcwd()
    # `s` then enter saves a trace: keep whatever it writes out of the work tree.
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            asyncio.run(press_all(AhvlabApp(workbench), keys))
        finally:
            os.chdir(here)
