"""The check screen: a running check's figures as they come, then its verdict."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button, LoadingIndicator, Static

from ahvlab.checker.report import verdict_lines
from ahvlab.checker.result import Result
from ahvlab.tui.messages import CheckFinished, CheckProgress


def figures_line(generated: int, distinct: int, queue: int, depth: int) -> str:
    """TLC's figures in TLC's words."""
    return (
        f"{generated:,} states generated, {distinct:,} distinct states found, "
        f"{queue:,} states left on queue; depth {depth}"
    )


def verdict_text(result: Result) -> Text:
    """What a finished check found, in the words every front end uses (:func:`verdict_lines`), then the figures."""
    f = result.figures
    lines = verdict_lines(result)
    found = result.violation is not None
    style = "bold red" if found else "bold green" if result.complete else "bold yellow"
    text = Text(("✗ " if found else "✓ " if result.complete else "") + lines[0], style)
    for line in lines[1:]:
        text.append("\n  " + line, "red" if found else "")
    if found:
        text.append("\nenter opens it, after the cursor")
    text.append("\n" + figures_line(f.generated, f.distinct, f.queue, f.depth))
    return text


class CheckScreen(ModalScreen[Result | None]):
    """Shown while the app's check worker runs; ``stop`` asks it to stop. Dismisses with the result."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop_or_close", "Stop/close"),
    ]

    running: reactive[bool] = reactive(True)
    """True until the check finished."""

    def __init__(self, where: str, stop: Callable[[], None]) -> None:
        super().__init__()
        self.where = where
        self.stop = stop
        self.result: Result | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="check-body") as body:
            body.border_title = f"Checking every behaviour from {self.where}"
            yield LoadingIndicator(id="check-spinner")
            yield Static("starting...", id="check-figures")
            yield Static(id="check-verdict")
            with Horizontal(id="check-buttons"):
                yield Button("Stop", id="check-stop", variant="warning")
                yield Button("Open counterexample", id="check-open", variant="primary")
                yield Button("Close", id="check-close")

    def watch_running(self, running: bool) -> None:
        self.set_class(running, "-running")
        self.set_class(not running, "-done")

    def show_progress(self, message: CheckProgress) -> None:
        """The newest figures of the running check."""
        self.query_one("#check-figures", Static).update(
            figures_line(message.generated, message.distinct, message.queue, message.depth)
            + f"  ({message.seconds:.0f} s)"
        )

    def show_result(self, message: CheckFinished) -> None:
        """The verdict; the buttons change from Stop to Open/Close."""
        self.running = False
        self.result = message.result
        verdict = self.query_one("#check-verdict", Static)
        figures = self.query_one("#check-figures", Static)
        if message.result is None:
            figures.update("")
            verdict.update(Text(f"the check stopped on an error: {message.error}", "bold red"))
        else:
            figures.update(f"finished in {message.result.figures.seconds:.1f} s")
            verdict.update(verdict_text(message.result))
        found = message.result is not None and message.result.violation is not None
        self.set_class(found, "-found")
        (self.query_one("#check-open", Button) if found else self.query_one("#check-close", Button)).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "check-stop":
            self.action_stop_or_close()
        elif event.button.id == "check-open":
            self.dismiss(self.result)
        else:
            self.dismiss(None)

    def action_stop_or_close(self) -> None:
        if self.running:
            self.stop()
        else:
            self.dismiss(None)
