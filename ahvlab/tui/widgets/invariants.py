"""Invariants at this step: each one holds (green) or fails (red, with its one-line explanation)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ahvlab.tui.view import Frame
from ahvlab.tui.widgets.panel import FramePanel


class InvariantsPanel(FramePanel):
    TITLE = "Invariants"

    def watch_frame(self, frame: Frame | None) -> None:
        super().watch_frame(frame)
        self.set_class(bool(frame and frame.violated), "-violated")
        if frame is not None:
            held = sum(s.holds for s in frame.invariants)
            self.border_subtitle = f"{held}/{len(frame.invariants)} hold"

    def render_frame(self, frame: Frame) -> RenderableType:
        text = Text()
        if not frame.invariants:
            text.append("this spec has no invariants", "dim")
        # Failing invariants first: in a small panel they are what must stay visible.
        ordered = sorted(frame.invariants, key=lambda s: s.holds)
        for n, s in enumerate(ordered):
            if n:
                text.append("\n")
            if s.holds:
                text.append("✓ ", "green")
                text.append(s.name)
            else:
                text.append("✗ ", "bold red")
                text.append(s.name, "bold red")
                if s.doc:
                    text.append(f"\n  {s.doc}", "red")
                if s.blame:
                    text.append(f"\n  why: {s.blame}", "bold red")
        return text
