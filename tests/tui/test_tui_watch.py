"""The TUI's watch list: `w` adds an expression; its values show in the timeline and the step detail."""

from __future__ import annotations

import io

from rich.console import Console
from textual.widgets import DataTable, Input, Static

from ahvlab.tui.app import AhvlabApp
from ahvlab.tui.screens.watch import WatchScreen, detail_lines
from ahvlab.tui.view import watch_values
from ahvlab.tui.widgets.detail import StepDetail
from ahvlab.tui.widgets.timeline import TimelineTable, fit, watch_widths
from ahvlab.workbench import open_workbench
from tests.tui.helpers import Recorder

SIZE = (120, 40)
NARROW = (80, 24)


async def _watch(app: AhvlabApp, pilot, *texts: str) -> None:
    """Open the watch list, type each expression and Enter, close it."""
    await pilot.press("w")
    await pilot.pause()
    assert isinstance(app.screen, WatchScreen)
    for text in texts:
        app.screen.query_one(Input).value = text
        await pilot.press("enter")
        await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()


def _columns(app: AhvlabApp) -> list[str]:
    return [str(c.label) for c in app.query_one(TimelineTable).columns.values()]


def _column(app: AhvlabApp, name: str) -> list[str]:
    """Every row's cell in the timeline column headed ``name``."""
    table = app.query_one(TimelineTable)
    k = _columns(app).index(name)
    return [str(table.get_row_at(i)[k]) for i in range(table.row_count)]


def _detail(app: AhvlabApp) -> list[str]:
    """The step detail's lines as the screen shows them (no styles)."""
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(app.query_one(StepDetail).query_one(".body", Static).content)
    return [line.rstrip() for line in console.file.getvalue().splitlines()]


async def test_an_expression_added_with_w_gets_a_timeline_column_with_its_value_at_every_step(
    lamps_app: AhvlabApp, recorder: Recorder
) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("right", "right")
        await _watch(lamps_app, pilot, "on[0]", "clock")
        assert lamps_app.watches == ["on[0]", "clock"]
        assert _columns(lamps_app) == ["#", "T+", "on[0]", "clock", "step"]
        # A value that differs from the step before is marked `*`.
        assert _column(lamps_app, "on[0]") == ["False", "*True", "True", "True", "True"]
        assert _column(lamps_app, "clock") == ["0", "0", "0", "0", "*20"]
        assert lamps_app.query_one("#left").has_class("-watching")
        assert lamps_app.notice == "watching on[0], clock (a column each in the timeline; the step detail)"
        # The cursor stays where it was.
        assert lamps_app.query_one(TimelineTable).cursor_row == 2 and lamps_app.wb.session.cursor == 2


async def test_the_step_detail_shows_each_watched_value_and_the_one_before_it_changed(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await _watch(lamps_app, pilot, "on[0]", "len(broken)")
        assert _detail(lamps_app)[1:3] == ["watch on[0]       False", "watch len(broken) 0"]
        await pilot.press("right")
        await pilot.pause()
        assert _detail(lamps_app)[0].startswith("1  T+0  switch(lamp=0)")
        assert _detail(lamps_app)[1:3] == ["watch on[0]       False → True", "watch len(broken) 0"]
        await pilot.press("right")
        await pilot.pause()
        assert _detail(lamps_app)[1:3] == ["watch on[0]       True", "watch len(broken) 0"]
        # Back: the values are those of step 1 again.
        await pilot.press("left")
        await pilot.pause()
        assert lamps_app.wb.session.cursor == 1
        assert _detail(lamps_app)[1:3] == ["watch on[0]       False → True", "watch len(broken) 0"]
        assert [(w.expr, w.text, w.was) for w in lamps_app.frame.watched] == [
            ("on[0]", "True", "False"),
            ("len(broken)", "0", None),
        ]


async def test_a_step_taken_after_watching_gets_its_row_and_values(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await pilot.press("end")
        await _watch(lamps_app, pilot, "len(broken)")
        fuse = next(i for i, c in enumerate(lamps_app.wb.session.enabled()) if c.action == "fuse")
        lamps_app.take(fuse)
        await pilot.pause()
        assert _column(lamps_app, "len(broken)") == ["0", "0", "0", "0", "0", "*1"]
        assert _detail(lamps_app)[1] == "watch len(broken) 0 → 1"


async def test_an_expression_with_no_value_at_a_step_reads_error_there(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await _watch(lamps_app, pilot, "on[5]")
        assert set(_column(lamps_app, "on[5]")) == {"error"}
        assert _detail(lamps_app)[1].startswith("watch on[5] error: ")


async def test_a_bad_expression_is_one_line_with_its_column_and_is_not_added(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await pilot.press("w")
        await pilot.pause()
        lamps_app.screen.query_one(Input).value = "on[0] +"
        await pilot.press("enter")
        await pilot.pause()
        error = str(lamps_app.screen.query_one("#watch-error", Static).render())
        assert error == "cannot parse 'on[0] +': the expression ends too early (at column 8)"
        await pilot.press("escape")
        await pilot.pause()
        assert lamps_app.watches == [] and _columns(lamps_app) == ["#", "T+", "step"]


async def test_entering_a_watched_expression_again_removes_its_column(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await _watch(lamps_app, pilot, "clock")
        await _watch(lamps_app, pilot, "clock")
        assert lamps_app.watches == [] and _columns(lamps_app) == ["#", "T+", "step"]
        assert not lamps_app.query_one("#left").has_class("-watching")
        assert lamps_app.notice == "nothing is watched now"
        assert _detail(lamps_app)[1] != "watch clock 0"


async def test_the_watch_screen_shows_whole_values_and_names_with_brackets(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        await pilot.press("w")
        await pilot.pause()
        lamps_app.screen.query_one(Input).value = "on[0] and clock >= 0"
        await pilot.press("enter")
        await pilot.pause()
        table = lamps_app.screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["step", "T", "action", "on[0] and clock >= 0"]
        assert table.row_count == len(lamps_app.wb.session) and table.cursor_row == 2
        assert (
            str(lamps_app.screen.query_one("#watch-detail", Static).render()) == "step 2:\non[0] and clock >= 0 = True"
        )


async def test_at_80_columns_the_timeline_gives_the_time_column_to_the_values(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=NARROW) as pilot:
        await _watch(lamps_app, pilot, "on[0]")
        assert _columns(lamps_app) == ["#", "on[0]", "step"]
        assert _column(lamps_app, "on[0]") == ["False", "*True", "True", "True", "True"]


def test_watch_columns_share_the_room_the_narrowest_first():
    # 52 columns: 6 for the number, 7 for the time, 6 for the action, 1 scrollbar; 32 left for two columns.
    assert watch_widths([3, 30], 52) == [4, 24]
    assert watch_widths([10, 30], 52) == [10, 18]
    assert watch_widths([10, 30], 24, with_time=False) == [4, 4]
    assert fit("host[2].ha_phase", 10, tail=True) == "….ha_phase" and fit("restarted", 5) == "rest…"


def test_on_the_ahv_model_the_watch_list_reads_the_checkpoint_names() -> None:
    wb = open_workbench(None)
    wb.session.do(wb.session.resolve("partition_host", [("host", "1")]))
    assert detail_lines(wb, ["host[1].partitioned", "vm.VM1.copies", "len(leaders)"], 1) == [
        "host[1].partitioned = True  (was False)",
        "vm.VM1.copies = (1,)",
        "len(leaders) = 1",
    ]
    values = watch_values(wb, ["host[1].partitioned"])
    assert [(w.text, w.changed) for (w,) in values] == [("False", False), ("True", True)]
