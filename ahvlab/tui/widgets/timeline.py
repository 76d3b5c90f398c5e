"""The timeline: every step of the trace with its T+seconds and action; the branches the user cut off."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import DataTable, Tree

from ahvlab.tui.messages import GotoStep, RestoreBranch
from ahvlab.tui.view import Frame, Timeline


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
        table.add_columns("#", "T+", "step")
        yield table
        tree: BranchTree = BranchTree("this trace", id="branches")
        tree.show_root = True
        tree.guide_depth = 2
        yield tree

    def on_mount(self) -> None:
        self.border_title = "Timeline"

    def watch_timeline(self, timeline: Timeline | None) -> None:
        if timeline is None:
            return
        table = self.query_one(TimelineTable)
        with self.app.batch_update():
            table.clear()
            for row in timeline.rows:
                mark = Text("✗", "bold red") if row.violated else Text("•" if row.narrated else " ", "cyan")
                label = Text(row.label, "red" if row.violated else "")
                table.add_row(Text.assemble(mark, f"{row.index:>3}"), Text(row.time), label, key=str(row.index))
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
