"""Step detail: the step's action, the scenario's narration, and only what changed (old -> new)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ahvlab.tui.view import Frame
from ahvlab.tui.widgets.panel import FramePanel


def changes_table(frame: Frame) -> Table:
    """What changed at this step, one row per value: removed values red, new ones green."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for c in frame.changes:
        line = Text()
        if c.old:
            line.append(c.old, "red strike" if frame.index else "red")
        if c.old and c.new:
            line.append(" → ")
        if c.new:
            line.append(c.new, "bold green")
        table.add_row(c.path, line)
    return table


class StepDetail(FramePanel):
    TITLE = "Step detail"

    def render_frame(self, frame: Frame) -> RenderableType:
        head = Text.assemble((f"{frame.index}", "bold"), "  ")
        if frame.time:
            head.append(f"{frame.time}  ", "cyan")
        head.append(frame.label, "bold")
        parts: list[RenderableType] = [head]
        if frame.narration:
            parts.append(Text(frame.narration, "italic yellow"))
        if frame.index == 0:
            parts.append(Text("the initial state" + (" (the cluster view shows it)" if frame.cluster else ":"), "dim"))
        elif not frame.changes and not frame.changed_variables:
            parts.append(Text("nothing changed (a stuttering step)", "dim"))
        parts.append(changes_table(frame))
        if frame.changed_variables:
            parts.append(Text(f"variables changed: {', '.join(frame.changed_variables)}", "dim"))
        return Group(*parts)
