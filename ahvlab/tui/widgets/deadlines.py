"""Every pending timer of the state, soonest first: ``T+60  host 2  HA timeout ends: fence``."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ahvlab.tui.view import Frame
from ahvlab.tui.widgets.panel import FramePanel


def deadline_text(frame: Frame) -> Text:
    """One line per timer; the soonest one bold, since it is what the next tick jumps to."""
    text = Text()
    if not frame.deadlines:
        text.append("no timer pending", "dim")
    for k, d in enumerate(frame.deadlines):
        if k:
            text.append("\n")
        soonest = d.time == frame.deadlines[0].time
        text.append(f"{d.time:<6}", "bold cyan" if soonest else "cyan")
        text.append(f" {d.subject:<7} ", "bold")
        text.append(d.event, "bold" if soonest else "")
    return text


class DeadlinesPanel(FramePanel):
    TITLE = "Deadlines"

    def watch_frame(self, frame: Frame | None) -> None:
        super().watch_frame(frame)
        if frame is not None:
            self.set_class(not frame.deadlines, "-none")
            self.border_subtitle = f"{len(frame.deadlines)} pending" if frame.deadlines else ""

    def render_frame(self, frame: Frame) -> RenderableType:
        return deadline_text(frame)
