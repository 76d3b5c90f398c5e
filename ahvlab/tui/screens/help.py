"""The help screen: every key binding, generated from the app's bindings, and what the panels show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

PANELS = (
    ("Timeline", "every step: number, T+seconds, action; ✗ marks a failing invariant, • a narrated step"),
    ("Cluster / State", "the state at the cursor: hosts, CVMs, Stargates, leader, VMs (or the spec's variables)"),
    ("", "★ marks the Acropolis leader; S2✓ / S2✗: this host's iSCSI redirector believes Stargate 2 healthy / down"),
    ("", "disk0→S1: a VM's iSCSI session (one per disk, or one per Frodo queue) and the Stargate it reaches"),
    ("Step detail", "the step's narration and only what changed: old (red) → new (green)"),
    ("Invariants", "each invariant at this step; a failing one in red with its explanation"),
    ("Enabled actions", "what can happen next; picking one branches the trace at the cursor"),
)


class HelpScreen(ModalScreen[None]):
    """Lists ``rows`` of (keys, what they do); any of escape, ? or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1", "dismiss", "Close", show=False),
    ]

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold cyan", no_wrap=True)
        keys.add_column()
        for key, what in self.rows:
            keys.add_row(key, what)
        keys.add_row("mouse", "click a step, an action, a footer key or a button")
        panels = Table.grid(padding=(0, 2))
        panels.add_column(style="bold", no_wrap=True)
        panels.add_column()
        for name, what in PANELS:
            panels.add_row(name, what)
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Help"
            body.border_subtitle = "escape closes"
            yield Static(Text("Keys", "bold underline"))
            yield Static(keys)
            yield Static(Text("\nPanels", "bold underline"))
            yield Static(panels)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
