"""What the app shows, as plain values read from the workbench: no widget ever touches the session itself.

A :class:`Frame` is everything on screen for the step under the cursor; a
:class:`TimelineRow` is one line of the trace. Changes come from
:func:`ahvlab.checker.values.deep_changes` over the spec's variables (the AHV
model's picture), so the TUI names a field exactly as reports, the shell and
checkpoints do: ``host[2].cvm_up``, ``vm.VM1.copies``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ahvlab.checker.session import Choice, InvariantStatus
from ahvlab.checker.values import Change, deep_changes, show, show_time
from ahvlab.model.picture import Picture
from ahvlab.workbench import Workbench


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
    cluster: Picture | None
    """The AHV model's picture of the state, or None for another spec."""
    variables: Mapping[str, str]
    """Every variable as text (the generic view when ``cluster`` is None)."""
    choices: tuple[Choice, ...]
    mutations: tuple[str, ...] = field(default=())
    """The what-ifs switched on."""
    timings: Mapping[str, float] = field(default_factory=dict)
    """The timings a what-if changed, in seconds."""

    @property
    def violated(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.invariants if not s.holds)


def timeline(wb: Workbench) -> Timeline:
    """The whole trace as rows, plus the branches the user created."""
    s = wb.session
    checks = [i.fn for i in s.invariants()]
    rows = tuple(
        TimelineRow(i, show_time(s.time(i)), s.label(i), any(not ok(st.state) for ok in checks), i in s.narration)
        for i, st in enumerate(s.steps)
    )
    branches = tuple(
        BranchRow(b.at, len(b.steps), s.spec.format_step(b.steps[0].action or "init", b.steps[0].params))
        for b in s.branches
        if b.steps
    )
    return Timeline(rows, branches)


def step_changes(wb: Workbench, index: int) -> list[Change]:
    """What step ``index`` changed, as the deepest parts that differ (every variable for the initial state)."""
    s = wb.session
    after = s.variables(index)
    if index == 0:
        return [Change(name, None, value) for name, value in after.items()]
    before = s.variables(index - 1)
    return [c for name, value in after.items() for c in deep_changes(name, before.get(name), value)]


def frame(wb: Workbench) -> Frame:
    """The step under the cursor as plain values."""
    s = wb.session
    i = s.cursor
    picture = wb.picture(i)
    return Frame(
        index=i,
        total=len(s.steps),
        time=show_time(s.time(i)),
        label=s.label(i),
        # The cluster view shows the whole initial state; a list of every variable would only repeat it.
        changes=() if i == 0 and picture is not None else tuple(step_changes(wb, i)),
        narration=s.narration.get(i),
        invariants=tuple(s.invariant_status(i)),
        cluster=picture,
        variables={k: show(v, quote=False) for k, v in s.variables(i).items()},
        choices=tuple(s.enabled()),
        mutations=tuple(wb.active_mutations()),
        timings=wb.changed_timings(),
    )
