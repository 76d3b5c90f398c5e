"""The action picker: the actions enabled at the cursor, filtered as you type; the pick branches the trace."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ahvlab.checker.session import Choice
from ahvlab.tui.widgets.actions import choice_options


def ranked(choices: Sequence[Choice], typed: str) -> list[Choice]:
    """The choices that match every typed word: those whose action and parameters match first, then by description.

    Typing ``heal`` puts ``heal_partition(...)`` above ``nop_probe(...)`` (whose description mentions a health table).
    """
    words = typed.lower().split()
    by_name = [c for c in choices if all(w in c.label.lower() for w in words)]
    named = {c.index for c in by_name}
    by_doc = [c for c in choices if c.index not in named and all(w in f"{c.label} {c.doc}".lower() for w in words)]
    return by_name + by_doc


class PickScreen(ModalScreen[int | None]):
    """Dismisses with the picked choice's index, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "focus_list", "List", show=False),
    ]

    def __init__(self, choices: Sequence[Choice], where: str) -> None:
        super().__init__()
        self.choices = list(choices)
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-body") as body:
            body.border_title = f"Take an action at {self.where}"
            body.border_subtitle = "type to filter · enter picks · escape cancels"
            yield Input(placeholder="filter, e.g. crash", id="pick-filter")
            yield OptionList(*choice_options(self.choices), id="pick-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        shown = ranked(self.choices, event.value)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(choice_options(shown))
        if shown:
            options.highlighted = 0
        else:
            options.add_option(Option(Text(f"no enabled action matches {event.value!r}", "italic"), disabled=True))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            if option.id is not None:
                self.dismiss(int(option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
