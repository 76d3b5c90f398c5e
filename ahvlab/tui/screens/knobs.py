"""What-ifs: switch the AHV model's mutations and change its timings, then replay (and re-check)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection


@dataclass(frozen=True)
class KnobChanges:
    """What the user changed: mutations switched, timings set, and whether to re-run the check."""

    mutations: Mapping[str, bool]
    timings: Mapping[str, float]
    check: bool


def mutation_prompt(name: str, doc: str, on: bool) -> Text:
    """``[on ] no_fencing  the leader restarts...``: the state in words, not only the checkbox's colour."""
    return Text.assemble(
        ("[on ] " if on else "[off] ", "bold green" if on else "dim"), (name, "bold"), (f"  {doc}", "dim")
    )


def timing_id(name: str) -> str:
    return "timing-" + "".join(ch if ch.isalnum() else "-" for ch in name)


class KnobsScreen(ModalScreen[KnobChanges | None]):
    """``mutations`` is ``{name: (doc, on)}``, ``timings`` ``{name: seconds}``; dismisses with what changed."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, mutations: Mapping[str, tuple[str, bool]], timings: Mapping[str, float]) -> None:
        super().__init__()
        self.mutations = dict(mutations)
        self.timings = dict(timings)

    def compose(self) -> ComposeResult:
        # The buttons sit outside the scrolling part, so they stay visible however long the lists are.
        with Vertical(id="knobs-body") as body:
            body.border_title = "What-ifs: mutations and timings"
            body.border_subtitle = "space toggles · escape cancels"
            with VerticalScroll(id="knobs-scroll"):
                yield Label(Text("Mutations (each breaks one mechanism on purpose)", "bold"))
                yield SelectionList[str](
                    *(
                        Selection(mutation_prompt(name, doc, on), name, on)
                        for name, (doc, on) in self.mutations.items()
                    ),
                    id="knobs-mutations",
                )
                yield Static(id="knobs-doc")
                if self.timings:
                    yield Label(Text("Timings (seconds)", "bold"))
                for name, seconds in self.timings.items():
                    with Horizontal(classes="timing"):
                        yield Label(name, classes="timing-name")
                        yield Input(f"{seconds:g}", type="number", id=timing_id(name), classes="timing-value")
            yield Static(id="knobs-error")
            with Horizontal(id="knobs-buttons"):
                yield Button("Apply", id="knobs-apply", variant="primary")
                yield Button("Apply and check", id="knobs-check", variant="success")
                yield Button("Cancel", id="knobs-cancel")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def on_selection_list_selection_highlighted(self, event: SelectionList.SelectionHighlighted[str]) -> None:
        name = event.selection.value
        doc, _ = self.mutations[name]
        self.query_one("#knobs-doc", Static).update(Text.assemble((name, "bold"), ": ", doc))

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        name = event.selection.value
        on = name in event.selection_list.selected
        event.selection_list.replace_option_prompt_at_index(
            event.selection_index, mutation_prompt(name, self.mutations[name][0], on)
        )

    def changes(self, check: bool) -> KnobChanges | None:
        """What differs from the current settings; None (with the reason on screen) if a timing is not a number."""
        chosen = set(self.query_one(SelectionList).selected)
        muts = {n: n in chosen for n, (_, on) in self.mutations.items() if (n in chosen) != on}
        times: dict[str, float] = {}
        for name, old in self.timings.items():
            raw = self.query_one(f"#{timing_id(name)}", Input).value.strip()
            try:
                value = float(raw)
            except ValueError:
                self.query_one("#knobs-error", Static).update(f"{name}: {raw!r} is not a number of seconds")
                return None
            if value < 0:
                self.query_one("#knobs-error", Static).update(f"{name}: a timing cannot be negative")
                return None
            if value != old:
                times[name] = value
        return KnobChanges(muts, times, check)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "knobs-cancel":
            self.dismiss(None)
            return
        found = self.changes(check=event.button.id == "knobs-check")
        if found is not None:
            self.dismiss(found)

    def action_cancel(self) -> None:
        self.dismiss(None)
