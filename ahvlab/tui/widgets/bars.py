"""The one-line bars: what is open and where the cursor is (top), what just happened (bottom)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from ahvlab.tui.view import Frame


class TopBar(Static):
    """Title, step and model time; the failing invariants' names when there are any."""

    frame: reactive[Frame | None] = reactive(None)
    """The step under the cursor."""

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title

    def watch_frame(self, frame: Frame | None) -> None:
        self.set_class(bool(frame and frame.violated), "-violated")
        self.set_class(bool(frame and (frame.mutations or frame.timings)), "-what-if")
        # Where the cursor is comes first, so a narrow terminal cuts the title rather than the step.
        line = Text()
        if frame is not None:
            line.append(f"step {frame.index}/{frame.total - 1}", "bold")
            if frame.time:
                line.append(f"  {frame.time}")
            if frame.violated:
                line.append(f"  ✗ {', '.join(frame.violated)}", "bold")
            whatifs = [*frame.mutations, *(f"{k}={v:g}" for k, v in frame.timings.items())]
            if whatifs:
                line.append(f"  what-if: {', '.join(whatifs)}", "bold yellow")
            if frame.rewritten:
                line.append("  (narration as written for the unchanged model)", "italic")
            line.append("  │ ")
        line.append(self.title_text)
        self.update(line)


class StatusLine(Static):
    """The latest notice: what the last command did, a refusal, or a running check's figures."""

    notice: reactive[str] = reactive("")
    """The text shown."""
    notice_error: reactive[bool] = reactive(False)
    """Whether the notice is an error (shown in red by the stylesheet)."""

    def watch_notice(self, notice: str) -> None:
        self.update(Text(notice))

    def watch_notice_error(self, error: bool) -> None:
        self.set_class(error, "-error")
