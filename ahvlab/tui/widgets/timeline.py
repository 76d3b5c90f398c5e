"""The timeline: every step of the trace with its T+seconds, the watched values and the action; the branches.

Each watched expression (``w``) is a column between the time and the action, as
wide as the panel allows (a value that does not fit ends in ``…``; the watch
screen shows it whole). A value that differs from the step before is marked
``*`` and drawn bold; one that cannot be computed there reads ``error``.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import DataTable, Tree

from ahvlab.tui.messages import GotoStep, RestoreBranch
from ahvlab.tui.view import Frame, Timeline, Watched

STEP_ROOM = 6
"""Columns kept for the action when the watched values share the panel with it."""
CELL_PADDING = 2
"""What a DataTable column adds around its content (one column each side)."""
NARROW = 30
"""Under this many columns (the 80-column layout) a timeline that watches leaves the time out: the top bar and
the step detail show it for the cursor's step, and the values get its room."""


def fit(text: str, width: int, *, tail: bool = False) -> str:
    """``text`` cut to ``width`` columns with ``…`` (its end kept when ``tail``: ``…ha_phase``)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    return "…" + text[-(width - 1) :] if tail else text[: width - 1] + "…"


def wanted_width(expr: str, values: list[Watched]) -> int:
    """The width a watch column wants: its header, its longest value (a changed one with its ``*``; ``error``
    for an error)."""
    return max(len(expr), *(5 if w.error else len(w.text) + w.changed for w in values))


def watch_widths(wants: list[int], room: int, *, with_time: bool = True) -> list[int]:
    """How wide each watch column is in a table ``room`` columns wide, each wanting ``wants[i]``: the number,
    the time and ``STEP_ROOM`` for the action come first; the narrowest columns are served first, so what they
    leave goes to the wider ones; never under 4, never over 24."""
    left = room - ((4 + CELL_PADDING) + STEP_ROOM + 1)  # number, action, scrollbar
    if with_time:
        left -= 5 + CELL_PADDING
    out = [0] * len(wants)
    order = sorted(range(len(wants)), key=wants.__getitem__)
    for k, i in enumerate(order):
        share = left // (len(wants) - k) - CELL_PADDING
        out[i] = max(4, min(24, wants[i], share))
        left -= out[i] + CELL_PADDING
    return out


def watched_cell(w: Watched, width: int) -> Text:
    """One value in its column: ``*`` and bold yellow where it changed, red where it has no value."""
    if w.error:
        return Text(fit("error", width), "red")
    if w.changed:
        return Text(fit("*" + w.text, width), "bold yellow")
    return Text(fit(w.text, width))


class TimelineTable(DataTable[Text]):
    """The steps as rows; moving the row cursor moves the app to that step."""

    # left/right/home/end step the trace, as they do everywhere else in the app.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "app.previous", "Previous", show=False),
        Binding("right", "app.next", "Next", show=False),
        Binding("home", "app.first", "First", show=False),
        Binding("end", "app.last", "Last", show=False),
    ]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        # Rebuilding the table moves the cursor on its own; only the highlight that is still current counts.
        if event.cursor_row == self.cursor_row:
            self.post_message(GotoStep(event.cursor_row))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(GotoStep(event.cursor_row))


class BranchTree(Tree[int]):
    """The trace and every branch cut off it, as a tree by branch point; Enter or a click brings a branch back."""

    def show(self, timeline: Timeline) -> None:
        self.clear()
        self.root.set_label(Text.assemble(("this trace", "bold"), (f" ({len(timeline.rows)} states)", "dim")))
        by_point: dict[int, list[int]] = {}
        for k, b in enumerate(timeline.branches):
            by_point.setdefault(b.at, []).append(k)
        for at in sorted(by_point):
            point = self.root.add(Text.assemble(("⎇ ", "cyan"), f"at step {at}"), expand=True)
            for k in by_point[at]:
                b = timeline.branches[k]
                steps = f"{b.count} step{'s' if b.count != 1 else ''}"
                point.add_leaf(
                    Text.assemble(f"{b.first} ", ("…" if b.count > 1 else "", "dim"), (f" {steps}", "dim")), b.index
                )
        self.root.expand()

    def on_tree_node_selected(self, event: Tree.NodeSelected[int]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(RestoreBranch(event.node.data))


class TimelinePanel(Vertical):
    """The timeline table and, under it, the tree of branches."""

    timeline: reactive[Timeline | None] = reactive(None)
    """The rows of the trace and its branches."""
    frame: reactive[Frame | None] = reactive(None)
    """The step under the cursor (its row is highlighted)."""

    def compose(self) -> ComposeResult:
        table: TimelineTable = TimelineTable(cursor_type="row", zebra_stripes=False, id="timeline-table")
        yield table
        tree: BranchTree = BranchTree("this trace", id="branches")
        tree.show_root = True
        tree.guide_depth = 2
        yield tree

    def on_mount(self) -> None:
        self.border_title = "Timeline"

    def on_resize(self) -> None:
        # The watch columns take their width from the panel's.
        if self.timeline is not None and self.timeline.watches:
            self.watch_timeline(self.timeline)

    def watch_timeline(self, timeline: Timeline | None) -> None:
        if timeline is None:
            return
        table = self.query_one(TimelineTable)
        room = self.content_size.width
        with_time = not timeline.watches or room >= NARROW
        wants = [wanted_width(e, [r.watched[k] for r in timeline.rows]) for k, e in enumerate(timeline.watches)]
        widths = watch_widths(wants, room, with_time=with_time)
        with self.app.batch_update():
            table.clear(columns=True)
            table.add_column(Text("#"))
            if with_time:
                table.add_column(Text("T+"))
            for expr, width in zip(timeline.watches, widths, strict=True):
                table.add_column(Text(fit(expr, width, tail=True)), width=width)
            table.add_column(Text("step"))
            for row in timeline.rows:
                mark = Text("✗", "bold red") if row.violated else Text("•" if row.narrated else " ", "cyan")
                label = Text(row.label, "red" if row.violated else "")
                values = [watched_cell(w, width) for w, width in zip(row.watched, widths, strict=True)]
                time = [Text(row.time)] if with_time else []
                table.add_row(Text.assemble(mark, f"{row.index:>3}"), *time, *values, label, key=str(row.index))
            self._place_cursor()
        branches = self.query_one(BranchTree)
        branches.display = bool(timeline.branches)
        branches.border_title = "branches (b cycles, enter picks)"
        branches.show(timeline)

    def watch_frame(self, frame: Frame | None) -> None:
        self._place_cursor()

    def _place_cursor(self) -> None:
        table = self.query_one(TimelineTable)
        if self.frame is not None and self.frame.index < table.row_count and table.cursor_row != self.frame.index:
            table.move_cursor(row=self.frame.index, animate=False)
