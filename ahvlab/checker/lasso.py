"""Temporal properties on random walks: every lasso a walk closes, checked as the liveness checker checks one.

A walk of ``simulate`` is finite; it shows an infinite behaviour of the spec in two ways:

- it may stop at any state it visits and stutter there forever, a fair behaviour when
  no fair action (under the property's fairness) has a step out of that state;
- when it comes back to a state it visited before (the same fingerprint), the steps in
  between are a loop that may repeat forever, fair when every weakly fair action
  enabled in all of its states is taken on it, and every strongly fair action enabled
  in any of them is (per-instance fairness, ``"Loop[self]"``, class by class).

Each such lasso is checked against the temporal properties as :mod:`ahvlab.checker.liveness`
reads them: ``<>P`` fails when P never holds, ``[]<>P`` when P never holds on the loop,
``P ~> Q`` when some P-state is followed by no Q-state, the loop included. The first
lasso that violates a property is replayed against the spec and re-checked by
:func:`~ahvlab.checker.liveness.verify_lasso` before it is reported, as the liveness
checker's are. A walk that finds none proves nothing; ``ahvlab check`` decides.

The bookkeeping is incremental: each state of the walk is looked at once (its
non-stuttering steps, which action makes the step the walk took, P and Q), so the
lassos a walk closes cost no more successors than the walk itself.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ahvlab.checker.engine import spec_error
from ahvlab.checker.liveness import Fairness, FairnessMap, _hashable, fairness_of, temporal_properties, verify_lasso
from ahvlab.checker.result import Violation
from ahvlab.checker.spec import Action, Property, Spec
from ahvlab.checker.trace import Step, Trace, fingerprint_key, replay

Successors = Sequence[tuple[int, Mapping[str, Any], Any]]
"""A state's steps as a walk enumerates them: ``(action index, parameters, successor)``, stutters included."""


@dataclass
class _Position:
    """One state of the walk: its fingerprint, its non-stuttering steps, and what the walk's next step was."""

    key: Any
    index: int
    """Where in the walk the state is (a stutter step to the same fingerprint adds no position)."""
    enabled: int
    """Bit mask of the actions with a non-stuttering step (within the constraint) out of this state."""
    moves: list[tuple[Any, int, Mapping[str, Any]]]
    """Each such step: the successor's fingerprint, the action index, the parameters."""
    doing: int = 0
    """The actions that make the walk's next step (set when the walk takes it; 0 for a stutter)."""
    next_key: Any = None


@dataclass
class _Watched:
    """One temporal property, its fairness, and P and Q along the walk as running counts."""

    prop: Property
    fair: Fairness
    instances: dict[int, tuple[str, ...]]
    """Actions under per-instance fairness: their index -> the parameters that name an instance."""
    kinds: dict[int, str]
    p_count: list[int] = field(default_factory=lambda: [0])
    """``p_count[i]``: how many of the first ``i`` states satisfy P."""
    last_q: list[int] = field(default_factory=list)
    """``last_q[i]``: the last position up to ``i`` where Q holds (-1: none)."""

    @property
    def fair_any(self) -> int:
        return self.fair.any | sum(1 << ai for ai in self.instances)

    def reset(self) -> None:
        self.p_count = [0]
        self.last_q = []

    def add(self, state: Any) -> None:
        p = _holds(self.prop, self.prop.p, state)
        self.p_count.append(self.p_count[-1] + p)
        if self.prop.kind == "leads_to":
            assert self.prop.q is not None
            q = _holds(self.prop, self.prop.q, state)
            self.last_q.append(len(self.last_q) if q else (self.last_q[-1] if self.last_q else -1))

    def violated(self, end: int, loop: int) -> bool:
        """Whether the lasso of positions ``0..end`` looping back to ``loop`` violates the property."""
        p = self.p_count
        if self.prop.kind == "eventually":
            return p[end + 1] == 0
        if self.prop.kind == "always_eventually":
            return p[end + 1] == p[loop]
        last_q = self.last_q[end]
        # Q never holds on the loop, and some P-state comes after the last Q-state.
        return last_q < loop and p[end + 1] > p[last_q + 1]

    def classes(self, pos: _Position, taken: bool) -> set[tuple[int, tuple[Any, ...]]]:
        """The per-instance classes enabled at ``pos`` (or, ``taken``, those its next step counts for)."""
        return {
            (ai, tuple(_hashable(params.get(p)) for p in self.instances[ai]))
            for k, ai, params in pos.moves
            if ai in self.instances and (not taken or k == pos.next_key)
        }

    def fair_loop(self, cycle: Sequence[_Position]) -> bool:
        """Whether repeating ``cycle`` (two states or more) forever is fair."""
        always, ever, taken = -1, 0, 0
        for pos in cycle:
            always &= pos.enabled
            ever |= pos.enabled
            taken |= pos.doing
        if self.fair.weak & always & ~taken or self.fair.strong & ever & ~taken:
            return False
        if not self.instances:
            return True
        enabled = [self.classes(pos, False) for pos in cycle]
        done = set().union(*(self.classes(pos, True) for pos in cycle))
        starved = (set.intersection(*enabled) - done, "weak"), (set.union(*enabled) - done, "strong")
        return not any(self.kinds[ai] == kind for left, kind in starved for ai, _ in left)


def _holds(prop: Property, fn: Any, state: Any) -> bool:
    try:
        return bool(fn(state))
    except Exception as exc:
        raise spec_error(exc, f"property {prop.name!r}", None, fn) from exc


class WalkLassos:
    """Called at every state of a walk (:func:`~ahvlab.checker.engine.simulate`'s ``lassos``); returns the
    violation of a temporal property a lasso of the walk so far shows, or None.

    ``properties`` picks the temporal properties by name (default: all of the spec's);
    ``fairness`` replaces every action's and property's fairness, as in :func:`ahvlab.checker.run.check`.
    """

    def __init__(
        self,
        spec: Spec,
        properties: Sequence[str] | None = None,
        fairness: FairnessMap | None = None,
        inits: Sequence[Any] | None = None,
    ) -> None:
        self.spec = spec
        self.actions: list[Action] = list(spec.actions())
        self.key = fingerprint_key(spec) or (lambda s: s)
        self.constraint = spec.constraint if spec.overrides("constraint") else None
        self.inits = list(inits) if inits is not None else None
        self.watched: list[_Watched] = []
        for prop in temporal_properties(spec, properties):
            fair = fairness_of(self.actions, prop, fairness)
            self.watched.append(
                _Watched(
                    prop,
                    fair,
                    {ai: params for ai, params, _k in fair.instances},
                    {ai: kind for ai, _p, kind in fair.instances},
                )
            )
        self.seconds = 0.0
        """Time spent looking at lassos, over every walk."""
        self.positions: list[_Position] = []
        self.visits: dict[Any, list[int]] = {}

    def __bool__(self) -> bool:
        return bool(self.watched)

    @property
    def names(self) -> list[str]:
        return [w.prop.name for w in self.watched]

    def __call__(self, trace: Sequence[Step], succ: Successors | None) -> Violation | None:
        """``trace`` is the walk up to the state just reached; ``succ`` its steps (None: not enumerated yet)."""
        start = time.monotonic()
        try:
            return self._visit(trace, succ)
        finally:
            self.seconds += time.monotonic() - start

    def _visit(self, trace: Sequence[Step], succ: Successors | None) -> Violation | None:
        n = len(trace) - 1
        if n == 0:
            self.positions = []
            self.visits = {}
            for w in self.watched:
                w.reset()
        state = trace[-1].state
        k = self.key(state)
        if self.positions and self.positions[-1].key == k:
            return None  # a stutter: the same state for the checker, looked at already
        if succ is None:
            succ = [(ai, p, t) for ai, a in enumerate(self.actions) for p, t in a.fn(state) or ()]
        moves = [
            (kt, ai, params)
            for ai, params, t in succ
            if (kt := self.key(t)) != k and (self.constraint is None or self.constraint(t))
        ]
        enabled = 0
        for _kt, ai, _p in moves:
            enabled |= 1 << ai
        m = len(self.positions)
        if m:
            before = self.positions[-1]
            before.next_key = k
            before.doing = 0
            for kt, ai, _p in before.moves:
                if kt == k:
                    before.doing |= 1 << ai
        for w in self.watched:
            w.add(state)
        # A loop closes: the walk is back at a state it saw.
        loops = self.visits.setdefault(k, [])
        for loop in reversed(loops):
            for w in self.watched:
                if w.violated(m - 1, loop) and w.fair_loop(self.positions[loop:]):
                    return self._violation(w, trace, m - 1, loop)
        self.positions.append(_Position(k, n, enabled, moves))
        loops.append(m)
        # The walk may stop here and stutter forever, when no fair action has a step out of this state.
        for w in self.watched:
            if not enabled & w.fair_any and w.violated(m, m):
                return self._violation(w, trace, m, m)
        return None

    def _violation(self, w: _Watched, trace: Sequence[Step], end: int, loop: int) -> Violation:
        """The lasso of positions ``0..end`` back to ``loop``, replayed and re-checked (stutter steps left out)."""
        spec = self.spec
        steps = [trace[pos.index] for pos in self.positions[: end + 1]]
        walked = replay(spec, [s.state for s in steps], [(s.action, s.params) for s in steps], self.inits)
        lasso = Trace(walked.steps, loop)
        verify_lasso(spec, self.actions, w.prop, w.fair, lasso)
        return Violation("liveness", w.prop.name, w.prop.doc, lasso)
