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
from dataclasses import dataclass, field, replace
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.database import ExampleDatabase, choices_to_bytes

from ahvlab.checker.engine import Options, SpecError, _Search, blame_of, lint, spec_error
from ahvlab.checker.lasso import WalkLassos
from ahvlab.checker.liveness import FairnessMap, verify_lasso
from ahvlab.checker.result import Result, Violation
from ahvlab.checker.run import simulate, walk_lassos
from ahvlab.checker.spec import Invariant
from ahvlab.checker.trace import ReplayError, Step, Trace, find_step, reaching, replay

Choose = Callable[[int], int]
"""Given how many options there are, the index of the one taken."""


class _Found(Exception):
    """A walk reached the violation (raised out of the hypothesis example); ``loop`` where a lasso loops back."""

    def __init__(self, steps: list[Step], name: str, loop: int | None = None) -> None:
        super().__init__(name)
        self.steps = steps
        self.name = name
        self.loop = loop


@dataclass
class _Walker:
    """Runs one walk from choices and says whether and where it violates; counts TLC's figures on the way."""

    search: _Search
    steps: int
    target: str | None = None
    """The violation a walk must reach (shrinking keeps the name of the one the random walk found)."""
    lassos: WalkLassos | None = None
    """For a temporal property: what finds the lassos of a walk that violate it."""
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
            if search.constraint is not None and not search.constraint(s):
                return
            if depth == self.steps:
                self.lasso(trace, None)
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
            if not enabled and search.opts.deadlock and self.target in (None, "deadlock"):
                self.found(trace, "deadlock")
            self.lasso(trace, [(ai, p, t) for ai, succ in enabled for p, t in succ])
            if not enabled:
                return
            ai, succ = enabled[choose(len(enabled))]
            params, s = succ[choose(len(succ))]
            trace.append(Step(s, search.actions[ai].name, dict(params)))

    def found(self, trace: list[Step], name: str) -> None:
        raise _Found(list(trace), name)

    def lasso(self, trace: list[Step], succ: list[tuple[int, Any, Any]] | None) -> None:
        """Raise :class:`_Found` if the walk so far shows a lasso that violates the target property."""
        if self.lassos is None:
            return
        v = self.lassos(trace, succ)
        if v is not None:
            raise _Found(list(v.trace.steps), v.name, v.trace.loop)


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


def _lasso_path(walker: _Walker, steps: Sequence[Step], loop: int) -> list[Step]:
    """The walk that shows the lasso: its steps, then the step back to the loop's first state (none if it
    stutters at the end)."""
    path = list(steps)
    if loop < len(path) - 1:
        key = walker.search.key or (lambda s: s)
        back = find_step(walker.search.actions, path[-1].state, reaches=reaching(key, key(path[loop].state)))
        if back is None:
            raise ReplayError("the lasso's loop does not close when it is replayed")
        path.append(back)
    return path


def _earliest_lasso(walker: _Walker, steps: Sequence[Step], loop: int) -> Trace:
    """The first lasso along the walk ``steps`` (then back to ``loop``) that violates the target: it may end
    earlier, where the walk could already stutter forever or close a loop."""
    assert walker.lassos is not None
    path = _lasso_path(walker, steps, loop)
    for i in range(len(path)):
        v = walker.lassos(path[: i + 1], None)
        if v is not None:
            return v.trace
    raise ReplayError("the lasso does not violate its property when it is walked again")


def _lasso_rerun(walker: _Walker, start: Any, picks: Sequence[Step], loop: int | None) -> Trace | None:
    """Replay ``picks`` (action and parameters) from ``start`` as a lasso back to ``loop``; the lasso if it is one
    that violates the target property, re-checked against the spec, else None."""
    lassos = walker.lassos
    assert lassos is not None
    if loop is None or not 0 <= loop <= len(picks):
        return None
    steps = [Step(start)]
    for pick in picks:
        nxt = find_step(walker.search.actions, steps[-1].state, action=pick.action, params=pick.params)
        if nxt is None:
            return None
        steps.append(nxt)
    lasso = Trace(tuple(steps), loop)
    w = lassos.watched[0]
    try:
        verify_lasso(walker.search.spec, lassos.actions, w.prop, w.fair, lasso)
    except ReplayError:
        return None
    return lasso


def _moved_loop(loop: int, n: int, i: int, width: int, added: int) -> int | None:
    """Where the loop starts once ``width`` steps at ``i`` give way to ``added`` ones (None: the loop's first
    state went); a lasso that stutters at its end still does."""
    if loop == n - 1:
        return n - 1 - width + added
    if i + width - 1 < loop:
        return loop - width + added
    return loop if i > loop else None


def _lasso_candidates(walker: _Walker, lasso: Trace) -> Iterable[tuple[list[Step], int | None]]:
    """Shorter lassos to try, as (picks after the initial state, loop): a return to an earlier state cut out of
    the part before the loop, then runs of one to four steps removed or replaced by one step enabled there."""
    steps = list(lasso.steps)
    loop = lasso.loop
    assert loop is not None
    n = len(steps)
    key = walker.search.key or (lambda s: s)
    keys = [key(st.state) for st in steps]
    for b in range(loop, 0, -1):
        for a in range(b):
            if keys[a] == keys[b]:
                yield steps[1 : a + 1] + steps[b + 1 :], loop - (b - a)
    for width in range(1, min(4, n - 1) + 1):
        for i in range(n - width, 0, -1):
            rest = steps[i + width :]
            yield steps[1:i] + rest, _moved_loop(loop, n, i, width, 0)
            if width == 1:
                continue
            before = steps[i - 1].state
            for act in walker.search.actions:
                for params, _t in act.fn(before) or ():
                    other = Step(before, act.name, dict(params))
                    yield [*steps[1:i], other, *rest], _moved_loop(loop, n, i, width, 1)


def _shrink_lasso(walker: _Walker, steps: Sequence[Step], loop: int) -> Trace:
    """Cut loops and runs of steps out of a lasso (or re-choose them) while it still violates the target
    property, every candidate replayed and re-checked; until no candidate is shorter."""
    best = _earliest_lasso(walker, steps, loop)
    improved = True
    while improved:
        improved = False
        for picks, at in _lasso_candidates(walker, best):
            if len(picks) + 1 >= len(best):
                continue
            found = _lasso_rerun(walker, best.steps[0].state, picks, at)
            if found is not None:
                assert found.loop is not None
                best = _earliest_lasso(walker, found.steps, found.loop)
                improved = True
                break
    return best


def simulate_shrinking(
    spec: Any,
    runs: int,
    steps: int,
    seed: int,
    opts: Options | None = None,
    *,
    liveness: bool | None = None,
    properties: Sequence[str] | None = None,
    fairness: FairnessMap | None = None,
) -> Result:
    """:func:`ahvlab.checker.run.simulate`, then hypothesis shrinks the violation it found to a locally minimal one.

    An invariant's or a deadlock's counterexample is a walk; a temporal property's is a lasso, shrunk as one:
    its candidates are lassos replayed against the spec and re-checked as the liveness checker re-checks its own.
    ``violation.shrunk_from`` is the length (in states) of the walk first found.
    """
    opts = opts or Options()
    search = _Search(spec, opts, "simulate")
    lassos = walk_lassos(spec, opts, liveness=liveness, properties=properties, fairness=fairness)
    if not search.invariants and not opts.deadlock and lassos is None:
        raise SpecError(
            f"--shrink has nothing to shrink: {spec.name} checks no invariant, no temporal property, "
            "and deadlock is off"
        )
    lint(spec, search.inits[:1])
    found = simulate(
        spec, runs, steps, seed, opts, liveness=lassos is not None, properties=properties, fairness=fairness
    )
    v = found.violation
    if v is None:
        return found
    if v.kind == "liveness":
        assert v.trace.loop is not None
        target = WalkLassos(spec, [v.name], fairness, opts.init_states)
        walker = _Walker(search, len(v.trace) + 1, target=v.name, lassos=target)
        path = _lasso_path(walker, v.trace.steps, v.trace.loop)
        walker.steps = len(path)
        try:
            hyp = _hypothesis_shrink(walker, path, seed)
            assert hyp.loop is not None
            lasso = _shrink_lasso(walker, hyp.steps, hyp.loop)
        except KeyboardInterrupt:
            lasso = v.trace  # the lasso as found: Ctrl-C during shrinking keeps what the walks found
        found.violation = replace(v, trace=lasso, shrunk_from=len(v.trace))
    else:
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
