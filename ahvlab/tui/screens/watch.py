"""The watch list: expressions of the checkpoint language, their value at every step of the trace.

A separate screen, so the main panels stay as they are: its table is the timeline
with a column per expression, the cursor's step highlighted, and under it the
values at that step (the step detail). Typing an expression that is watched
already removes it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from ahvlab.checker.errors import UsageError
from ahvlab.checker.watch import Value, compile_expr, evaluate
from ahvlab.workbench import Workbench


def watch_values(wb: Workbench, texts: list[str]) -> list[list[Value]]:
    """Every watched expression's value at every step of the trace."""
    s = wb.session
    exprs = [compile_expr(t) for t in texts]
    return [evaluate(s.spec, st.state, exprs) for st in s.steps]


def detail_lines(wb: Workbench, texts: list[str], index: int) -> list[str]:
    """``vm.VM1.copies = (1, 3)`` for each watched expression at step ``index``."""
    if not texts:
        return ["nothing is watched: type an expression (e.g. vm.VM1.copies) and press enter"]
    values = watch_values(wb, texts)[index]
    return [f"{t} = {v.text}" for t, v in zip(texts, values, strict=True)]


class WatchScreen(ModalScreen[list[str]]):
    """Edits the app's watch list (dismissed with it) and shows its values along the trace."""

    DEFAULT_CSS = """
    WatchScreen { align: center middle; background: $background 60%; }
    #watch-body { border: thick $accent; background: $surface; padding: 0 1; width: 90%; height: 80%; }
    #watch-table { height: 1fr; }
    #watch-detail { height: auto; max-height: 8; }
    #watch-error { color: $text-error; height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close")]

    def __init__(self, wb: Workbench, watches: list[str]) -> None:
        super().__init__()
        self.wb = wb
        self.watches = list(watches)

    def compose(self) -> ComposeResult:
        with Vertical(id="watch-body") as body:
            body.border_title = "Watch list"
            body.border_subtitle = "enter adds (or removes a watched one) · escape closes"
            yield Input(placeholder="an expression: vm.VM1.copies, len(leaders), host[1].up", id="watch-input")
            yield Static(id="watch-error")
            yield DataTable(id="watch-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="watch-detail")

    def on_mount(self) -> None:
        self.refresh_values()
        self.query_one(Input).focus()

    def refresh_values(self) -> None:
        s = self.wb.session
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns("step", "T", "action", *self.watches)
        values = watch_values(self.wb, self.watches)
        for i in range(len(s)):
            table.add_row(
                str(i), str(s.time(i) if s.time(i) is not None else ""), s.label(i), *(v.text for v in values[i])
            )
        table.move_cursor(row=s.cursor)
        lines = detail_lines(self.wb, self.watches, s.cursor)
        self.query_one("#watch-detail", Static).update(f"step {s.cursor}:\n" + "\n".join(lines))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        error = self.query_one("#watch-error", Static)
        if not text:
            return
        if text in self.watches:
            self.watches.remove(text)
        else:
            try:
                compile_expr(text)
            except UsageError as exc:
                error.update(exc.message)
                return
            self.watches.append(text)
        error.update("")
        event.input.value = ""
        self.refresh_values()

    def action_close(self) -> None:
        self.dismiss(self.watches)
