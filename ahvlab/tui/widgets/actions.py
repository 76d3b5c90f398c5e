"""The actions enabled at the cursor; picking one takes it there (branching the trace)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ahvlab.checker.session import Choice
from ahvlab.tui.messages import ChoicePicked
from ahvlab.tui.view import Frame


def choice_options(choices: Sequence[Choice], *, docs: bool = True) -> list[Option]:
    """One option per enabled choice: its label, and (with ``docs``) the action's doc dimmed."""
    out = []
    for c in choices:
        text = Text(c.label, "bold")
        if docs and c.doc:
            text.append(f"  {c.doc}", "dim")
        out.append(Option(text, id=str(c.index)))
    return out


class ActionList(OptionList):
    """The enabled actions as a list; Enter or a click picks one."""

    frame: reactive[Frame | None] = reactive(None)
    """The step under the cursor (its enabled choices are listed)."""

    def on_mount(self) -> None:
        self.border_title = "Enabled actions"

    def watch_frame(self, frame: Frame | None) -> None:
        self.clear_options()
        if frame is None:
            return
        if frame.choices:
            self.add_options(choice_options(frame.choices, docs=False))
            self.highlighted = 0
        else:
            self.add_option(Option(Text("nothing is enabled here (a deadlock)", "italic"), disabled=True))
        self.border_subtitle = f"{len(frame.choices)} enabled"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(ChoicePicked(int(event.option.id)))
