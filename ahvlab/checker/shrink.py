"""``simulate --shrink``: a random walk's violation, shrunk by hypothesis to a locally minimal counterexample.

The seeded random walks of :func:`~ahvlab.checker.engine.simulate` find a
violation. The walk is then a hypothesis test case whose draws are its choices:
at every state, which enabled action, then which of its successors. Hypothesis
replays it from a one-example database (what it replays from there, it shrinks)
and shrinks the draws: it deletes runs of them, lowers them towards the first
enabled action and successor, and runs every candidate walk against the spec;
a candidate counts when it reaches a violation of the same property. Two passes
of our own follow, because hypothesis cannot see the states: a walk that comes
back to a state it visited loses the loop, and each remaining step is dropped in
turn, then runs of two to four, each also replaced by any one step enabled
there (the rest replayed by action and parameters), while the walk still reaches
the violation. The result is locally minimal: no step can be removed, and no run
of up to four steps can be removed or replaced by a single step.

Hypothesis runs with the run's seed and stores nothing, so ``--seed`` repeats a
run exactly.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.database import ExampleDatabase, choices_to_bytes

from ahvlab.checker.engine import Options, SpecError, _Search, blame_of, lint, simulate, spec_error
from ahvlab.checker.result import Result, Violation
from ahvlab.checker.spec import Invariant
from ahvlab.checker.trace import ReplayError, Step, find_step, replay

Choose = Callable[[int], int]
"""Given how many options there are, the index of the one taken."""


class _Found(Exception):
    """A walk reached the violation (raised out of the hypothesis example)."""

    def __init__(self, steps: list[Step], name: str) -> None:
        super().__init__(name)
        self.steps = steps
        self.name = name


@dataclass
class _Walker:
    """Runs one walk from choices and says whether and where it violates; counts TLC's figures on the way."""

    search: _Search
    steps: int
    target: str | None = None
    """The violation a walk must reach (shrinking keeps the name of the one the random walk found)."""
    seen: set[Any] = field(default_factory=set)

    def violated(self, state: Any) -> str | None:
        for inv in self.search.invariants:
            try:
                ok = inv.fn(state)
            except Exception as exc:
                raise spec_error(exc, f"invariant {inv.name!r}") from exc
            if not ok and self.target in (None, inv.name):
                return inv.name
        return None

    def walk(self, choose: Choose) -> None:
        """One behaviour of at most ``steps`` steps; raises :class:`_Found` at the violation."""
        search = self.search
        f = search.figures
        key = search.key or (lambda s: s)
        s = search.inits[choose(len(search.inits))]
        trace = [Step(s)]
        f.generated += 1
        for depth in range(1, self.steps + 1):
            k = key(s)
            if k not in self.seen:
                self.seen.add(k)
                f.distinct += 1
            f.depth = max(f.depth, depth)
            name = self.violated(s)
            if name is not None:
                self.found(trace, name)
            if depth == self.steps or (search.constraint is not None and not search.constraint(s)):
                return
            enabled: list[tuple[int, list[tuple[Any, Any]]]] = []
            for ai, act in enumerate(search.actions):
                try:
                    succ = [(p, t) for p, t in act.fn(s) or ()]
                except Exception as exc:
                    raise search.wrap(exc, ai) from exc
                if succ:
                    enabled.append((ai, succ))
                    c = f.coverage[act.name]
                    c.enabled += 1
                    c.generated += len(succ)
                    f.generated += len(succ)
            if not enabled:
                if search.opts.deadlock and self.target in (None, "deadlock"):
                    self.found(trace, "deadlock")
                return
            ai, succ = enabled[choose(len(enabled))]
            params, s = succ[choose(len(succ))]
            trace.append(Step(s, search.actions[ai].name, dict(params)))

    def found(self, trace: list[Step], name: str) -> None:
        raise _Found(list(trace), name)


class _Seed(ExampleDatabase):
    """An example database holding one failing example, the random walk's choices, under every key.

    Hypothesis shrinks what it replays from its database (an ``@example`` it would
    only report), so this is how the walk our random simulation found becomes the
    start of its shrinking. Nothing is ever stored.
    """

    def __init__(self, choices: Sequence[int]) -> None:
        super().__init__()
        self.value = choices_to_bytes(choices)

    def fetch(self, key: bytes) -> Iterable[bytes]:
        yield self.value

    def save(self, key: bytes, value: bytes) -> None:
        pass

    def delete(self, key: bytes, value: bytes) -> None:
        pass


def _choices_of(walker: _Walker, steps: Sequence[Step]) -> list[int]:
    """The draws that make :meth:`_Walker.walk` take ``steps``: per state, which enabled action, which successor."""
    search = walker.search
    out: list[int] = []
    if len(search.inits) > 1:
        out.append(search.inits.index(steps[0].state))
    for before, step in itertools.pairwise(steps):
        enabled = [(a, [(dict(p), t) for p, t in a.fn(before.state) or ()]) for a in search.actions]
        enabled = [(a, succ) for a, succ in enabled if succ]
        ai = next(i for i, (a, _) in enumerate(enabled) if a.name == step.action)
        succ = enabled[ai][1]
        si = next(i for i, (p, t) in enumerate(succ) if p == step.params and t == step.state)
        out.extend(x for x, n in ((ai, len(enabled)), (si, len(succ))) if n > 1)
    return out


def _hypothesis_shrink(walker: _Walker, start: Sequence[Step], seed: int) -> _Found:
    """Hypothesis' shrinker run on the walk ``start``; the smallest violating walk it finds."""

    # @seed under @settings: on top, it would switch the database off. One spare draw after the walk's own,
    # or hypothesis takes the replayed example for one it already shrank and reports it as it is.
    @settings(
        database=_Seed([*_choices_of(walker, start), 0]),
        phases=(Phase.reuse, Phase.shrink),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        print_blob=False,
    )
    @hypothesis_seed(seed)
    @given(st.data())
    def walks(data: st.DataObject) -> None:
        walker.walk(lambda n: 0 if n == 1 else data.draw(st.integers(0, n - 1)))

    try:
        walks()
    except _Found as found:
        return found
    # Hypothesis found the seeded walk not failing: the spec is not deterministic.
    raise ReplayError("the random walk's violation does not happen again when the walk is replayed")


def _without_loops(steps: list[Step], key: Callable[[Any], Any]) -> list[Step]:
    """The walk with every return to an earlier state cut out (the first visit is kept)."""
    out: list[Step] = []
    at: dict[Any, int] = {}
    for step in steps:
        k = key(step.state)
        if k in at:
            del out[at[k] + 1 :]
            at = {kk: i for kk, i in at.items() if i <= at[k]}
            continue
        at[k] = len(out)
        out.append(step)
    return out


def _rerun(walker: _Walker, start: Any, picks: Sequence[Step]) -> list[Step] | None:
    """Replay ``picks`` (action and parameters) from ``start``; the walk up to the target violation, or None."""
    actions = walker.search.actions
    steps = [Step(start)]
    for pick in picks:
        if _reached(walker, steps[-1].state):
            return steps
        nxt = find_step(actions, steps[-1].state, action=pick.action, params=pick.params)
        if nxt is None:
            return None
        steps.append(nxt)
    return steps if _reached(walker, steps[-1].state) else None


def _reached(walker: _Walker, state: Any) -> bool:
    if walker.target == "deadlock":
        return not any(True for a in walker.search.actions for _ in a.fn(state) or ())
    return walker.violated(state) is not None


def _drop_steps(walker: _Walker, steps: list[Step], widest: int = 4) -> list[Step]:
    """Remove runs of up to ``widest`` steps, or put one other step in their place, while the walk still
    reaches the violation; until no such change shortens it."""
    width = 1
    while width <= min(widest, len(steps) - 1):
        shorter = _shorter(walker, steps, width)
        if shorter is not None:
            steps, width = shorter, 1  # start again from single steps: the shorter walk may lose more
        else:
            width += 1
    return steps


def _shorter(walker: _Walker, steps: list[Step], width: int) -> list[Step] | None:
    """A shorter walk with ``width`` steps removed, or replaced by one other step; None if there is none."""
    start = steps[0].state
    for i in range(len(steps) - width, 0, -1):
        rest = steps[i + width :]
        shorter = _rerun(walker, start, steps[1:i] + rest)
        if shorter is not None and len(shorter) < len(steps):
            return shorter
        if width == 1:
            continue  # one step for one step is no shorter
        # Re-choose: any one step from the state before the run, then the rest of the walk.
        before = steps[i - 1].state
        for act in walker.search.actions:
            for params, _t in act.fn(before) or ():
                other = Step(before, act.name, dict(params))
                shorter = _rerun(walker, start, [*steps[1:i], other, *rest])
                if shorter is not None and len(shorter) < len(steps):
                    return shorter
    return None


def simulate_shrinking(spec: Any, runs: int, steps: int, seed: int, opts: Options | None = None) -> Result:
    """:func:`simulate`, then hypothesis shrinks the violation it found to a locally minimal one.

    ``violation.shrunk_from`` is the length (in states) of the walk first found.
    """
    opts = opts or Options()
    search = _Search(spec, opts, "simulate")
    if not search.invariants and not opts.deadlock:
        raise SpecError(f"--shrink has nothing to shrink: {spec.name} checks no invariant and deadlock is off")
    lint(spec, search.inits[:1])
    found = simulate(spec, runs, steps, seed, opts)
    v = found.violation
    if v is None:
        return found
    walker = _Walker(search, len(v.trace), target=v.name)
    try:
        shrunk = _hypothesis_shrink(walker, v.trace.steps, seed).steps
    except KeyboardInterrupt:
        shrunk = list(v.trace.steps)  # the walk as found: Ctrl-C during shrinking keeps what the walks found
    shrunk = _without_loops(shrunk, search.key or (lambda s: s))
    shrunk = _drop_steps(walker, _rerun(walker, shrunk[0].state, shrunk[1:]) or shrunk)
    found.violation = _violation(search, shrunk, v.name, len(v.trace))
    found.violations = [found.violation]
    found.figures.seconds = time.monotonic() - search.start
    return found


def _violation(search: _Search, steps: list[Step], name: str, first: int) -> Violation:
    spec = search.spec
    try:
        trace = replay(spec, [s.state for s in steps], [(s.action, s.params) for s in steps], search.inits)
    except ReplayError as exc:
        raise ReplayError(f"the shrunk counterexample does not replay: {exc}") from exc
    if name == "deadlock":
        return Violation("deadlock", "deadlock", "no action is enabled", trace, shrunk_from=first)
    inv: Invariant = next(i for i in search.invariants if i.name == name)
    return Violation("invariant", name, inv.doc, trace, blame_of(spec, name, trace.last), first)
