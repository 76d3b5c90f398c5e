"""The watch list editor (``w``): add and remove expressions of the checkpoint language, read their whole values.

The main screen shows the watched values already: a column each in the timeline
(cut to the panel's width) and, for the cursor's step, in the step detail. This
screen is where the list is edited, and where a long value (``vm.VM1.sessions``)
is read whole: a table of every step with a full-width column per expression, the
cursor's step highlighted, and under it the values at that step. Typing an
expression that is watched already removes it; one that does not parse is one
line with its column, and is not added.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from ahvlab.tui.view import Watched, check_watch, watch_values
from ahvlab.workbench import Workbench


def detail_line(w: Watched) -> str:
    """``vm.VM1.copies = (1, 3)  (was (1,))``: a watched expression at one step."""
    was = f"  (was {w.was})" if w.was is not None else ""
    return f"{w.expr} = {w.text}{was}"


def detail_lines(wb: Workbench, texts: list[str], index: int) -> list[str]:
    """Each watched expression at step ``index``, or how to add one when nothing is watched."""
    if not texts:
        return ["nothing is watched: type an expression (e.g. vm.VM1.copies) and press enter"]
    return [detail_line(w) for w in watch_values(wb, texts)[index]]


def full_cell(w: Watched) -> Text:
    """A whole value in the editor's table: ``*`` and bold yellow where it changed, red for an error."""
    if w.error:
        return Text(w.text, "red")
    return Text("*" + w.text, "bold yellow") if w.changed else Text(w.text)


class WatchScreen(ModalScreen[list[str]]):
    """Edits the app's watch list (dismissed with it) and shows its whole values along the trace."""

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
            body.border_subtitle = "enter adds (or removes a watched one) · escape closes: the timeline shows them"
            yield Input(placeholder="an expression: vm.VM1.copies, len(leaders), host[1].up", id="watch-input")
            yield Static(id="watch-error")
            yield DataTable(id="watch-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="watch-detail")

    def on_mount(self) -> None:
        self.refresh_values()
        self.query_one(Input).focus()

    def refresh_values(self) -> None:
        s = self.wb.session
        table: DataTable[Text] = self.query_one(DataTable)
        table.clear(columns=True)
        # Text labels: a plain string would be read as markup, and `a[b]` would lose its `[b]`.
        table.add_columns(Text("step"), Text("T"), Text("action"), *(Text(w) for w in self.watches))
        values = watch_values(self.wb, self.watches)
        for i in range(len(s)):
            t = s.time(i)
            table.add_row(
                Text(str(i)), Text("" if t is None else str(t)), Text(s.label(i)), *(full_cell(w) for w in values[i])
            )
        table.move_cursor(row=s.cursor)
        lines = detail_lines(self.wb, self.watches, s.cursor)
        self.query_one("#watch-detail", Static).update(Text(f"step {s.cursor}:\n" + "\n".join(lines)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        error = self.query_one("#watch-error", Static)
        if not text:
            return
        if text in self.watches:
            self.watches.remove(text)
        else:
            problem = check_watch(text)
            if problem is not None:
                error.update(Text(problem))
                return
            self.watches.append(text)
        error.update("")
        event.input.value = ""
        self.refresh_values()

    def action_close(self) -> None:
        self.dismiss(self.watches)
