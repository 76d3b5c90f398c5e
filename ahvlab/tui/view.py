"""What the app shows, as plain values read from the workbench: no widget ever touches the session itself.

A :class:`Frame` is everything on screen for the step under the cursor; a
:class:`TimelineRow` is one line of the trace. Changes come from
:func:`ahvlab.checker.values.deep_changes` over the spec's variables (the AHV
model's picture), so the TUI names a field exactly as reports, the shell and
checkpoints do: ``host[2].cvm_up``, ``vm.VM1.copies``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ahvlab.checker.errors import UsageError
from ahvlab.checker.session import Choice, InvariantStatus
from ahvlab.checker.values import Change, deep_changes, show, show_time
from ahvlab.checker.watch import Value, compile_expr, evaluate
from ahvlab.model import AHVSpec
from ahvlab.model.picture import Picture, deadlines
from ahvlab.tui.facts import facts
from ahvlab.workbench import Workbench


@dataclass(frozen=True)
class Watched:
    """A watched expression at one step: its value as text, and the previous step's when it differs."""

    expr: str
    text: str
    error: bool = False
    """The expression has no value here (``text`` says why)."""
    was: str | None = None
    """The value at the step before, when it was different (None: unchanged, or the initial state)."""

    @property
    def changed(self) -> bool:
        return self.was is not None


@dataclass(frozen=True)
class TimelineRow:
    """One step of the trace as the timeline lists it."""

    index: int
    time: str
    label: str
    violated: bool
    narrated: bool
    watched: tuple[Watched, ...] = ()
    """The watch list's values at this step, in the order of the list."""


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
    watches: tuple[str, ...] = ()
    """The watched expressions (a column each in the timeline)."""


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
    watched: tuple[Watched, ...] = ()
    """The watch list's expressions and their values at this step."""

    @property
    def violated(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.invariants if not s.holds)


def _shown(v: Value) -> str:
    return f"error: {v.error}" if v.error is not None else show(v.value, quote=False)


def _marked(watches: Sequence[str], values: list[Value], before: list[Value] | None) -> tuple[Watched, ...]:
    """The values at one step, each with the one before when it differs (``before`` None: the initial state)."""
    return tuple(
        Watched(t, _shown(v), v.error is not None, None if before is None or _shown(b) == _shown(v) else _shown(b))
        for t, v, b in zip(watches, values, before or values, strict=True)
    )


def watch_values(wb: Workbench, watches: Sequence[str]) -> list[tuple[Watched, ...]]:
    """Every watched expression at every step of the trace, each marked where it differs from the step before.

    A watch list holds expressions that parsed when they were added (:func:`check_watch`).
    """
    s = wb.session
    exprs = [compile_expr(t) for t in watches]
    out: list[tuple[Watched, ...]] = []
    before: list[Value] | None = None
    for st in s.steps:
        values = evaluate(s.spec, st.state, exprs)
        out.append(_marked(watches, values, before))
        before = values
    return out


def watched_at(wb: Workbench, watches: Sequence[str], index: int) -> tuple[Watched, ...]:
    """The watched expressions at step ``index`` (and their values at the step before, where they differ)."""
    if not watches:
        return ()
    s = wb.session
    exprs = [compile_expr(t) for t in watches]
    before = evaluate(s.spec, s.steps[index - 1].state, exprs) if index > 0 else None
    return _marked(watches, evaluate(s.spec, s.steps[index].state, exprs), before)


def check_watch(text: str) -> str | None:
    """Why ``text`` cannot be watched (one line, with the column), or None when it parses."""
    try:
        compile_expr(text)
    except UsageError as exc:
        return exc.message
    return None


def timeline(wb: Workbench, watches: Sequence[str] = ()) -> Timeline:
    """The whole trace as rows (with the watched expressions' values), plus the branches the user created."""
    s = wb.session
    checks = [i.fn for i in s.invariants()]
    values = watch_values(wb, watches) if watches else [()] * len(s.steps)
    rows = tuple(
        TimelineRow(
            i, show_time(s.time(i)), s.label(i), any(not ok(st.state) for ok in checks), i in s.narration, values[i]
        )
        for i, st in enumerate(s.steps)
    )
    branches = tuple(
        BranchRow(b.at, len(b.steps), s.spec.format_step(b.steps[0].action or "init", b.steps[0].params), k)
        for k, b in enumerate(s.branches)
        if b.steps
    )
    return Timeline(rows, branches, tuple(watches))


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


def frame(wb: Workbench, baseline: Baseline | None = None, watches: Sequence[str] = ()) -> Frame:
    """The step under the cursor as plain values; ``baseline`` is the what-ifs the narration was written for;
    ``watches`` the watch list."""
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
        watched=watched_at(wb, watches, i),
    )
