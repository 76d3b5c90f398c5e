"""Invariants at this step: each one holds (green) or fails (red, with its one-line explanation)."""

from __future__ import annotations

from rich.console import Group, RenderableType
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
        if not frame.invariants:
            return Text("this spec has no invariants", "dim")
        lines: list[Text] = []
        # Failing invariants first: in a small panel they are what must stay visible.
        for s in sorted(frame.invariants, key=lambda s: s.holds):
            # A name is cut rather than wrapped, so each invariant stays one line in a narrow panel.
            if s.holds:
                line = Text.assemble(("✓ ", "green"), s.name, no_wrap=True, overflow="ellipsis")
            else:
                line = Text.assemble(("✗ ", "bold red"), (s.name, "bold red"), no_wrap=True, overflow="ellipsis")
            lines.append(line)
            if not s.holds and s.doc:
                lines.append(Text(f"  {s.doc}", "red"))
            if not s.holds and s.blame:
                lines.append(Text(f"  why: {s.blame}", "bold red"))
        return Group(*lines)
