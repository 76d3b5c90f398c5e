"""A titled, scrollable panel whose body is one rich renderable rebuilt from the current frame."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from ahvlab.tui.view import Frame


class FramePanel(VerticalScroll):
    """Subclasses say how a frame looks (:meth:`render_frame`); the panel shows and scrolls it."""

    TITLE = ""
    frame: reactive[Frame | None] = reactive(None)
    """The step under the cursor."""

    def compose(self) -> ComposeResult:
        yield Static(classes="body")

    def on_mount(self) -> None:
        self.border_title = self.TITLE

    def watch_frame(self, frame: Frame | None) -> None:
        if frame is not None:
            self.query_one(".body", Static).update(self.render_frame(frame))

    def render_frame(self, frame: Frame) -> RenderableType:
        """The body for ``frame``; each panel overrides this."""
        return Text(frame.label)
