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

from ahvlab.checker.result import Result
from ahvlab.tui.messages import CheckFinished, CheckProgress


def figures_line(generated: int, distinct: int, queue: int, depth: int) -> str:
    """TLC's figures in TLC's words."""
    return (
        f"{generated:,} states generated, {distinct:,} distinct states found, "
        f"{queue:,} states left on queue; depth {depth}"
    )


def verdict_text(result: Result) -> Text:
    """What a finished check found, for a person: the violation, or that nothing was found and how far it looked."""
    f = result.figures
    v = result.violation
    text = Text()
    if v is not None:
        what = {"invariant": f"invariant {v.name} is violated", "deadlock": "a deadlock is reachable"}.get(
            v.kind, f"property {v.name} is violated"
        )
        text.append(f"✗ {what}", "bold red")
        if v.doc and v.kind != "deadlock":
            text.append(f"\n  {v.doc}", "red")
        text.append(f"\nthe counterexample has {len(v.trace) - 1} steps from the cursor; enter opens it")
    elif result.complete:
        text.append("✓ no violation found: every reachable state was explored", "bold green")
    else:
        why = {
            "max_seconds": "the time bound",
            "interrupted": "you stopped it",
            "cancelled": "you stopped it",
            "max_states": "the state bound",
        }
        text.append(
            f"no violation found, but the search stopped early ({why.get(f.stopped or '', f.stopped)})", "bold yellow"
        )
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
