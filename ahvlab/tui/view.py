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
from ahvlab.model import AHVSpec
from ahvlab.model.picture import Picture, deadlines
from ahvlab.tui.facts import facts
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
    index: int = 0
    """Its position in the session's branches (what ``Session.restore`` takes)."""


@dataclass(frozen=True)
class DeadlineRow:
    """One pending timer as the deadlines panel lists it: ``T+60  host 2  HA timeout ends: fence``."""

    time: str
    subject: str
    event: str

    def line(self) -> str:
        return f"{self.time:<6} {self.subject:<7} {self.event}"


@dataclass(frozen=True)
class Baseline:
    """The what-ifs as the trace was opened: a narration is written for these."""

    mutations: tuple[str, ...]
    timings: Mapping[str, float]

    @classmethod
    def of(cls, wb: Workbench) -> Baseline:
        return cls(tuple(wb.active_mutations()), dict(wb.changed_timings()))


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
    deadlines: tuple[DeadlineRow, ...] = ()
    """Every pending timer of the state, soonest first (the AHV model only)."""
    facts: tuple[str, ...] = ()
    """What the step changed, in words (derived from the pictures before and after it)."""
    rewritten: bool = False
    """A what-if changed the model since the trace was opened: its narration was written for the unchanged one."""

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
        BranchRow(b.at, len(b.steps), s.spec.format_step(b.steps[0].action or "init", b.steps[0].params), k)
        for k, b in enumerate(s.branches)
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


def deadline_rows(wb: Workbench, picture: Picture | None) -> tuple[DeadlineRow, ...]:
    """The picture's pending timers as rows (none for a spec that is not the AHV model)."""
    spec = wb.spec
    if picture is None or not isinstance(spec, AHVSpec):
        return ()
    rows = [DeadlineRow(show_time(d.at), d.subject, d.event) for d in deadlines(spec.cluster, picture)]
    # Waiting for block acks has no timer, but it is what holds the restart back: list it last.
    for h in picture.host.values():
        if h.ha_phase == "fencing" and h.acks_pending:
            waiting = ", ".join(f"S{t}" for t in h.acks_pending)
            rows.append(DeadlineRow("—", f"host {h.id}", f"no timer: waits for the block acks of {waiting}"))
    return tuple(rows)


def frame(wb: Workbench, baseline: Baseline | None = None) -> Frame:
    """The step under the cursor as plain values; ``baseline`` is the what-ifs the narration was written for."""
    s = wb.session
    i = s.cursor
    picture = wb.picture(i)
    before = wb.picture(i - 1) if i > 0 and picture is not None else None
    mutations = tuple(wb.active_mutations())
    timings = wb.changed_timings()
    rewritten = baseline is not None and (set(baseline.mutations) != set(mutations) or baseline.timings != timings)
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
        mutations=mutations,
        timings=timings,
        deadlines=deadline_rows(wb, picture),
        facts=tuple(facts(before, picture)) if before is not None and picture is not None else (),
        rewritten=rewritten,
    )
