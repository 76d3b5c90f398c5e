"""The cluster view: the AHV model's description of the state, or every variable for any other spec."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ahvlab.tui.view import Frame, show
from ahvlab.tui.widgets.panel import FramePanel

# Words a description uses for a thing that is not working; they are shown in red so a failure stands out.
BAD_WORDS = frozenset({"down", "unhealthy", "fenced", "crashed", "dead", "lost", "partitioned", "failed", "blocked"})
GOOD_WORDS = frozenset({"up", "healthy", "running", "ok"})


def styled(value: Any) -> Text:
    """A value as text, red when it says something is broken, green when it says it works."""
    text = show(value)
    if value is False or text.lower() in BAD_WORDS:
        return Text(text, "bold red")
    if value is True or text.lower() in GOOD_WORDS:
        return Text(text, "green")
    return Text(text)


def records_table(title: str, rows: Sequence[Mapping[str, Any]]) -> Table:
    """A list of records as a table, one column per key (in first-seen order)."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    table = Table(title=title, title_justify="left", title_style="bold", expand=False, padding=(0, 1))
    for k in keys:
        table.add_column(k, overflow="fold")
    for r in rows:
        table.add_row(*(styled(r.get(k, "")) for k in keys))
    return table


def describe_renderable(desc: Mapping[str, Any]) -> RenderableType:
    """A plain description (records, mappings, scalars) as tables and lines, in its own key order."""
    parts: list[RenderableType] = []
    line = Text()
    for key, value in desc.items():
        if (
            isinstance(value, Sequence)
            and not isinstance(value, str)
            and value
            and all(isinstance(v, Mapping) for v in value)
        ):
            parts.append(records_table(key, value))
        elif isinstance(value, Mapping) and value and all(isinstance(v, Mapping) for v in value.values()):
            parts.append(records_table(key, [{"": k, **v} for k, v in value.items()]))
        else:
            if line:
                line.append("\n")
            line.append(f"{key}: ", "bold")
            line.append_text(styled(value))
    if line:
        parts.insert(0, line)
    return Group(*parts)


def variables_table(variables: Mapping[str, str]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for name, value in variables.items():
        table.add_row(name, value)
    return table


class ClusterView(FramePanel):
    TITLE = "State"

    def watch_frame(self, frame: Frame | None) -> None:
        super().watch_frame(frame)
        if frame is not None:
            self.border_title = "Cluster" if frame.cluster is not None else "State"

    def render_frame(self, frame: Frame) -> RenderableType:
        if frame.cluster is not None:
            return describe_renderable(frame.cluster)
        return variables_table(frame.variables)
