"""Step detail: the step's action, the watched expressions, the scenario's narration, what changed in words, then
the raw diff (old -> new)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ahvlab.checker.values import Change, show
from ahvlab.tui.view import Frame, Watched
from ahvlab.tui.widgets.panel import FramePanel


def change_text(c: Change, initial: bool) -> Text:
    """Old value struck through in red, new value in green; a set says what left and what came."""
    line = Text()
    if c.added or c.removed:
        for x in sorted(c.removed, key=show):
            line.append(f"−{show(x, quote=False)} ", "red strike")
        for x in sorted(c.added, key=show):
            line.append(f"+{show(x, quote=False)} ", "bold green")
        return line
    if c.old is not None or not initial:
        line.append("—" if c.old is None else show(c.old, quote=False), "red" if initial else "red strike")
        line.append(" → ")
    line.append("—" if c.new is None else show(c.new, quote=False), "bold green")
    return line


def changes_table(frame: Frame) -> Table:
    """What changed at this step, one row per value: removed values red, new ones green."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for c in frame.changes:
        table.add_row(c.path, change_text(c, frame.index == 0))
    return table


def watched_text(w: Watched) -> Text:
    """A watched value at this step: ``old → new`` where it changed (as the diff shows it), red for an error."""
    if w.error:
        return Text(w.text, "red")
    if w.was is not None:
        return Text.assemble((w.was, "red strike"), " → ", (w.text, "bold green"))
    return Text(w.text)


def watched_table(frame: Frame) -> Table:
    """``watch vm.VM1.copies  (1,) → (1, 3)``: each watched expression and its value at this step."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for w in frame.watched:
        table.add_row("watch", w.expr, watched_text(w))
    return table


class StepDetail(FramePanel):
    TITLE = "Step detail"

    def render_frame(self, frame: Frame) -> RenderableType:
        head = Text.assemble((f"{frame.index}", "bold"), "  ")
        if frame.time:
            head.append(f"{frame.time}  ", "cyan")
        head.append(frame.label, "bold")
        parts: list[RenderableType] = [head]
        if frame.watched:
            parts.append(watched_table(frame))
        if frame.narration:
            said = Text(frame.narration, "italic yellow")
            if frame.rewritten:
                said.append("  (as written for the unchanged model)", "dim italic")
            parts.append(said)
        for fact in frame.facts:
            parts.append(Text.assemble(("• ", "bold cyan"), (fact, "bold")))
        if frame.index == 0:
            parts.append(Text("the initial state" + (" (the cluster view shows it)" if frame.cluster else ":"), "dim"))
        elif not frame.changes:
            parts.append(Text("nothing changed (a stuttering step)", "dim"))
        parts.append(changes_table(frame))
        return Group(*parts)
