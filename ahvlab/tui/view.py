"""What the app shows, as plain values read from the workbench: no widget ever touches the session itself.

A :class:`Frame` is everything on screen for the step under the cursor; a
:class:`TimelineRow` is one line of the trace. Values are turned into short,
deterministic text here (sets sorted, records by field) so that what a
person sees does not depend on hash order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ahvlab.checker.session import Choice, InvariantStatus
from ahvlab.tui.workbench import Workbench


def show(value: Any) -> str:
    """A value as short text: records as ``Name(a=1)``, sets sorted, strings bare."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    fields = getattr(value, "_fields", None)
    if isinstance(value, tuple) and fields is not None:
        inner = ", ".join(f"{f}={show(v)}" for f, v in zip(fields, value, strict=False))
        return f"{type(value).__name__}({inner})"
    if isinstance(value, (frozenset, set)):
        return "{" + ", ".join(sorted(show(v) for v in value)) + "}"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def show_time(t: float | None) -> str:
    """Model time as ``T+20`` (empty for an untimed spec)."""
    if t is None:
        return ""
    return f"T+{int(t)}" if float(t).is_integer() else f"T+{t:g}"


@dataclass(frozen=True)
class Change:
    """One value that changed at a step: ``path`` names it (``hosts[2].cvm``)."""

    path: str
    old: str
    new: str


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, (tuple, list, Mapping, frozenset, set))


def _item_label(item: Any, i: int) -> str:
    """How a list element is named in a path: a record's ``name`` or ``id`` when it has one, else its index."""
    if isinstance(item, Mapping):
        for key in ("name", "id"):
            if key in item:
                return show(item[key])
    return str(i)


def _join(path: str, key: Any) -> str:
    if isinstance(key, str) and key.isidentifier():
        return f"{path}.{key}" if path else key
    return f"{path}[{show(key)}]"


def changes(path: str, old: Any, new: Any) -> list[Change]:
    """The leaves that differ between two values, so a change deep in a record shows as one line.

    Records and mappings are followed field by field, lists of records by their
    ``name``/``id``; a tuple of plain values changes as a whole; sets show what
    left (``-x``) and what came (``+x``).
    """
    if old == new:
        return []
    if isinstance(old, (frozenset, set)) and isinstance(new, (frozenset, set)):
        gone = sorted(show(v) for v in old - new)
        came = sorted(show(v) for v in new - old)
        return [Change(path, f"−{v}", "") for v in gone] + [Change(path, "", f"+{v}") for v in came]
    fields = getattr(old, "_fields", None)
    if fields is not None and type(old) is type(new):
        return [c for f in fields for c in changes(_join(path, f), getattr(old, f), getattr(new, f))]
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        keys = list(dict.fromkeys([*old, *new]))
        return [c for k in keys for c in changes(_join(path, k), old.get(k), new.get(k))]
    if (
        isinstance(old, (tuple, list))
        and isinstance(new, (tuple, list))
        and len(old) == len(new)
        and not all(_is_leaf(v) for v in (*old, *new))
    ):
        return [
            c
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for c in changes(f"{path}[{_item_label(b, i)}]", a, b)
        ]
    return [Change(path, "—" if old is None else show(old), "—" if new is None else show(new))]


@dataclass(frozen=True)
class TimelineRow:
    """One step of the trace as the timeline lists it."""

    index: int
    time: str
    label: str
    violated: bool
    narrated: bool


@dataclass(frozen=True)
class BranchRow:
    """Steps the user cut off by branching: where, how many, and the first one."""

    at: int
    count: int
    first: str


@dataclass(frozen=True)
class Timeline:
    rows: tuple[TimelineRow, ...]
    branches: tuple[BranchRow, ...]


@dataclass(frozen=True, eq=False)
class Frame:
    """Everything shown for the step under the cursor."""

    index: int
    total: int
    time: str
    label: str
    changes: tuple[Change, ...]
    narration: str | None
    invariants: tuple[InvariantStatus, ...]
    cluster: Mapping[str, Any] | None
    """The AHV model's description of the state, or None for another spec."""
    variables: Mapping[str, str]
    """Every variable as text (the generic view when ``cluster`` is None)."""
    choices: tuple[Choice, ...]
    mutations: tuple[str, ...] = field(default=())
    """The what-ifs switched on."""
    changed_variables: tuple[str, ...] = field(default=())
    """The spec's variables that changed, by name (when ``changes`` comes from the description)."""

    @property
    def violated(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.invariants if not s.holds)


def timeline(wb: Workbench) -> Timeline:
    """The whole trace as rows, plus the branches the user created."""
    s = wb.session
    names = [i.fn for i in s.invariants()]
    rows = tuple(
        TimelineRow(
            i,
            show_time(s.time(i)),
            s.label(i),
            any(not ok(st.state) for ok in names),
            i in s.narration,
        )
        for i, st in enumerate(s.steps)
    )
    branches = tuple(
        BranchRow(b.at, len(b.steps), s.spec.format_step(b.steps[0].action or "init", b.steps[0].params))
        for b in s.branches
        if b.steps
    )
    return Timeline(rows, branches)


def frame(wb: Workbench) -> Frame:
    """The step under the cursor as plain values.

    With a description (the AHV model), what changed is read from the descriptions
    of this step and the one before, so paths use its names (``hosts[2].cvm_up``);
    the raw variables that changed are listed by name only.
    """
    s = wb.session
    i = s.cursor
    desc = wb.describe(i)
    diff = s.diff(i)
    raw: tuple[str, ...] = ()
    if i == 0:
        found = [] if desc is not None else [Change(name, "", show(new)) for name, (_, new) in diff.items()]
    elif desc is not None:
        found = changes("", wb.describe(i - 1), desc)
        raw = tuple(diff)
    else:
        found = [c for name, (old, new) in diff.items() for c in changes(name, old, new)]
    muts = tuple(name for name, (_, on) in wb.mutations().items() if on)
    return Frame(
        index=i,
        total=len(s.steps),
        time=show_time(s.time(i)),
        label=s.label(i),
        changes=tuple(found),
        narration=s.narration.get(i),
        invariants=tuple(s.invariant_status(i)),
        cluster=desc,
        variables={k: show(v) for k, v in s.variables(i).items()},
        choices=tuple(s.enabled()),
        mutations=muts,
        changed_variables=raw,
    )
