"""The TUI's watch list: `w` opens it, an expression typed there is watched at every step."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from ahvlab.tui.app import AhvlabApp
from ahvlab.tui.screens.watch import WatchScreen, detail_lines
from ahvlab.workbench import open_workbench
from tests.tui.helpers import Recorder

SIZE = (120, 40)


async def test_w_adds_an_expression_whose_value_shows_at_every_step(lamps_app: AhvlabApp, recorder: Recorder) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("right", "right")
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(lamps_app.screen, WatchScreen)
        lamps_app.screen.query_one(Input).value = "on[0] and clock >= 0"
        await pilot.press("enter")
        await pilot.pause()
        table = lamps_app.screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["step", "T", "action", "on[0] and clock >= 0"]
        assert table.row_count == len(lamps_app.wb.session) and table.cursor_row == 2
        detail = str(lamps_app.screen.query_one("#watch-detail", Static).render())
        assert detail.startswith("step 2:")
        await pilot.press("escape")
        await pilot.pause()
        assert lamps_app.watches == ["on[0] and clock >= 0"]
        await pilot.press("left")
        await pilot.pause()
        assert lamps_app.notice == detail_lines(lamps_app.wb, lamps_app.watches, 1)[0]


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
        assert lamps_app.watches == []


def test_on_the_ahv_model_the_watch_list_reads_the_checkpoint_names() -> None:
    wb = open_workbench(None)
    wb.session.do(wb.session.resolve("partition_host", [("host", "1")]))
    assert detail_lines(wb, ["host[1].partitioned", "vm.VM1.copies", "len(leaders)"], 1) == [
        "host[1].partitioned = True",
        "vm.VM1.copies = (1,)",
        "len(leaders) = 1",
    ]
