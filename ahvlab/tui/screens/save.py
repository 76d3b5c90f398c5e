"""Save the trace as ITF: a file name, and the one-line reason when it cannot be written."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ahvlab.checker.errors import UserError


class SaveScreen(ModalScreen[str | None]):
    """Asks for a path and calls ``save(path)``; dismisses with the path written, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default: str, save: Callable[[str], None]) -> None:
        super().__init__()
        self.default = default
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="save-body") as body:
            body.border_title = "Save the trace as ITF (.itf.json)"
            body.border_subtitle = "enter saves · escape cancels"
            yield Input(self.default, id="save-path")
            yield Static(id="save-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        error = self.query_one("#save-error", Static)
        if not path:
            error.update("give a file name, e.g. trace.itf.json")
            return
        try:
            self.save(path)
        except UserError as exc:
            error.update(str(exc))
            return
        except OSError as exc:
            error.update(f"{path}: {exc.strerror or exc}")
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
