"""Traces: a behaviour of a spec as the list of its states and the steps between them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ahvlab.checker.spec import Params, Spec


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


def fingerprint_key(spec: Spec) -> Any:
    """The function that maps a state to what the checker fingerprints (symmetry, then view)."""
    sym = getattr(spec, "symmetry", None)
    view = getattr(spec, "view", None)
    if sym is None and view is None:
        return None
    if sym is None:
        return view
    if view is None:
        return sym
    return lambda s: view(sym(s))


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
    (action name, params) pick among several matching steps.
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
        want = key(target)
        hint_action, hint_params = hints[i] if i < len(hints) else (None, None)
        found: Step | None = None
        for act in actions:
            if hint_action is not None and act.name != hint_action:
                continue
            for params, nxt in act.fn(steps[-1].state):
                if key(nxt) == want and (hint_params is None or dict(params) == dict(hint_params)):
                    found = Step(nxt, act.name, dict(params))
                    break
            if found:
                break
        if found is None and hint_action is not None:
            return replay(spec, states, [(None, None)] * len(states), inits)
        if found is None:
            raise ReplayError(f"state {i + 1} of the trace is not reachable in one step from state {i}")
        steps.append(found)
    return Trace(tuple(steps))


def replay_actions(spec: Spec, init_index: int, picks: Sequence[tuple[str, Mapping[str, Any]]]) -> Trace:
    """Build a trace from an initial state and a list of (action, params) picks."""
    inits = list(spec.init())
    steps = [Step(inits[init_index])]
    by_name = {a.name: a for a in spec.actions()}
    for n, (name, params) in enumerate(picks, start=1):
        act = by_name.get(name)
        if act is None:
            raise ReplayError(f"step {n}: the spec has no action {name!r}")
        for p, nxt in act.fn(steps[-1].state):
            if dict(p) == dict(params):
                steps.append(Step(nxt, name, dict(p)))
                break
        else:
            raise ReplayError(f"step {n}: {spec.format_step(name, params)} is not enabled")
    return Trace(tuple(steps))
