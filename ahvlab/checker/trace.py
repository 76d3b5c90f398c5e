"""Traces: a behaviour of a spec as the list of its states and the steps between them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ahvlab.checker.spec import Action, Params, Spec


class ReplayError(Exception):
    """A trace does not replay against its spec (a checker bug or a stale trace file)."""


@dataclass(frozen=True)
class Step:
    """One state of a trace and the step that reached it (``action`` is None for an initial state)."""

    state: Any
    action: str | None = None
    params: Params = field(default_factory=dict)


@dataclass(frozen=True)
class Trace:
    """A finite behaviour; ``loop`` is the index where a lasso's repeated part starts."""

    steps: tuple[Step, ...]
    loop: int | None = None

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def states(self) -> list[Any]:
        return [s.state for s in self.steps]

    @property
    def last(self) -> Any:
        return self.steps[-1].state


def changed_vars(spec: Spec, before: Any | None, after: Any) -> dict[str, tuple[Any, Any]]:
    """The variables whose value differs between two states: ``{name: (old, new)}``."""
    new = spec.format_state(after)
    if before is None:
        return {k: (None, v) for k, v in new.items()}
    old = spec.format_state(before)
    return {k: (old.get(k), v) for k, v in new.items() if old.get(k) != v}


def fingerprint_key(spec: Spec) -> Callable[[Any], Any] | None:
    """The function that maps a state to what the checker fingerprints (symmetry, then view); None: the state."""
    sym = spec.symmetry if spec.overrides("symmetry") else None
    view = spec.view if spec.overrides("view") else None
    if sym is None:
        return view
    if view is None:
        return sym
    return lambda s: view(sym(s))


def reaching(key: Callable[[Any], Any], want: Any) -> Callable[[Any], bool]:
    """A ``reaches`` test for :func:`find_step`: the successor's fingerprint is ``want``."""

    def reaches(state: Any) -> bool:
        return bool(key(state) == want)

    return reaches


def find_step(
    actions: Iterable[Action],
    state: Any,
    *,
    action: str | None = None,
    params: Params | None = None,
    reaches: Callable[[Any], bool] | None = None,
) -> Step | None:
    """The first step from ``state`` by one of ``actions`` that matches: the named action, those
    parameters, a successor for which ``reaches`` is true. None when no step matches.

    Every replay goes through here: rebuilding a counterexample from fingerprints,
    reading a trace file back, replaying a trace on a changed spec, following a script.
    """
    want = dict(params) if params is not None else None
    for act in actions:
        if action is not None and act.name != action:
            continue
        for p, nxt in act.fn(state) or ():
            if want is not None and dict(p) != want:
                continue
            if reaches is not None and not reaches(nxt):
                continue
            return Step(nxt, act.name, dict(p))
    return None


def replay(
    spec: Spec,
    states: Sequence[Any],
    hints: Sequence[tuple[str | None, Params | None]] = (),
    inits: Sequence[Any] | None = None,
) -> Trace:
    """Re-run a sequence of states against the spec and return it as a trace.

    Each state after the first must be a successor of its predecessor, under the
    spec's fingerprint (view and symmetry): the returned trace holds the states the
    spec really produces, with the action and parameters that produce them. ``hints``
    (action name, params) pick among several matching steps; a hint that matches
    nothing is dropped for that step.
    """
    if not states:
        raise ReplayError("the trace has no states")
    key = fingerprint_key(spec) or (lambda s: s)
    if inits is None:
        inits = list(spec.init())
    first = key(states[0])
    start = next((s for s in inits if key(s) == first), None)
    if start is None:
        raise ReplayError("state 1 of the trace is not an initial state of the spec")
    steps = [Step(start)]
    actions = spec.actions()
    for i, target in enumerate(states[1:], start=1):
        reaches = reaching(key, key(target))
        hint_action, hint_params = hints[i] if i < len(hints) else (None, None)
        found = find_step(actions, steps[-1].state, action=hint_action, params=hint_params, reaches=reaches)
        if found is None and (hint_action is not None or hint_params is not None):
            found = find_step(actions, steps[-1].state, reaches=reaches)
        if found is None:
            raise ReplayError(f"state {i + 1} of the trace is not reachable in one step from state {i}")
        steps.append(found)
    return Trace(tuple(steps))


def follow(spec: Spec, start: Any, picks: Iterable[tuple[str | None, Mapping[str, Any]]]) -> tuple[list[Step], int]:
    """Take the (action, params) picks one by one from ``start``; stops at the first that is not enabled.

    Returns the steps taken (the start first) and the number of picks that were taken.
    """
    steps = [Step(start)]
    actions = spec.actions()
    taken = 0
    for name, params in picks:
        step = find_step(actions, steps[-1].state, action=name or "", params=params)
        if step is None:
            break
        steps.append(step)
        taken += 1
    return steps, taken


def replay_actions(spec: Spec, init_index: int, picks: Sequence[tuple[str, Mapping[str, Any]]]) -> Trace:
    """Build a trace from an initial state and a list of (action, params) picks."""
    inits = list(spec.init())
    steps, taken = follow(spec, inits[init_index], picks)
    if taken < len(picks):
        name, params = picks[taken]
        names = {a.name for a in spec.actions()}
        if name not in names:
            raise ReplayError(f"step {taken + 1}: the spec has no action {name!r}")
        raise ReplayError(f"step {taken + 1}: {spec.format_step(name, params)} is not enabled")
    return Trace(tuple(steps))
