"""The checker at scale: compact fingerprints, partial-order reduction, --workers; the verdicts never move."""

from __future__ import annotations

import dataclasses
import json
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ahvlab.checker import Spec, action, eventually, invariant, sometimes
from ahvlab.checker.engine import Options, bfs
from ahvlab.checker.examples import DieHard, DiningPhilosophers, TCommit, TwoPhase
from ahvlab.checker.examples.lamport import LamportMutex
from ahvlab.checker.footprints import audit
from ahvlab.checker.fpset import FPSet, as_fps, collision_probability
from ahvlab.checker.run import check, search
from ahvlab.cli import main
from tests.toys import Misdeclared

# -- the fingerprint table -----------------------------------------------------------------


@given(st.lists(st.lists(st.integers(-(2**63), 2**63 - 1).filter(bool), max_size=300), max_size=8))
@settings(max_examples=60, deadline=None)
def test_the_fingerprint_table_answers_like_a_set(batches):
    table = FPSet(capacity=16)
    seen: set[int] = set()
    for batch in batches:
        new = table.add(as_fps(batch)).tolist()
        expected = []
        for fp in batch:
            expected.append(fp not in seen)
            seen.add(fp)
        assert new == expected
        assert table.count == len(seen)
    probe = [*seen, 12345, -7]
    assert table.contains(as_fps(probe)).tolist() == [p in seen for p in probe]


def test_the_table_keeps_about_16_bytes_per_fingerprint_when_large():
    table = FPSet()
    table.add(np.arange(1, 200_001, dtype=np.int64))
    assert table.count == 200_000
    assert table.nbytes / table.count < 22


def test_the_collision_probability_is_tlcs_optimistic_estimate():
    assert collision_probability(1_000_000, 6_000_000) == pytest.approx(1e6 * 5e6 / 2**64)


# -- footprints and reduction ---------------------------------------------------------------


class Procs(NamedTuple):
    pcs: tuple[int, ...]


class Independent(Spec):
    """N processes that each count to K on their own; an invariant watches process 0 only."""

    def __init__(self, n: int = 3, k: int = 3, bad: int | None = None) -> None:
        self.n, self.k, self.bad = n, k, bad

    def init(self):
        yield Procs((0,) * self.n)

    @action(reads=["pc[i]"], writes=["pc[i]"])
    def step(self, s):
        for i in range(self.n):
            if s.pcs[i] < self.k:
                yield {"i": i}, Procs((*s.pcs[:i], s.pcs[i] + 1, *s.pcs[i + 1 :]))

    @invariant("process 0 never reaches the bad value", reads=["pc[0]"])
    def not_bad(self, s):
        return self.bad is None or s.pcs[0] != self.bad


def test_independent_steps_are_explored_in_one_order_and_the_verdict_is_kept():
    full = bfs(Independent(), Options(reduction=False, deadlock=False))
    reduced = bfs(Independent(), Options(deadlock=False))
    assert full.figures.distinct == 4**3 and not full.figures.reduction
    assert reduced.figures.reduction
    assert reduced.figures.distinct < full.figures.distinct
    assert reduced.verdict == full.verdict == "ok"


def test_a_visible_step_is_still_found_and_the_counterexample_replays():
    reduced = bfs(Independent(bad=2), Options(deadlock=False))
    assert reduced.verdict == "invariant"
    assert reduced.violation.trace.last.pcs[0] == 2


def test_deadlocks_are_found_exactly_with_reduction():
    full = bfs(Independent(), Options(reduction=False))
    reduced = bfs(Independent())
    assert full.verdict == reduced.verdict == "deadlock"
    assert len(full.violation.trace) == len(reduced.violation.trace) == 10


def test_a_spec_without_footprints_is_explored_fully():
    assert not bfs(TwoPhase(3)).figures.reduction


def test_footprints_are_declared_in_pairs_and_as_names():
    with pytest.raises(TypeError, match="both reads= and writes="):
        action(reads=["x"])
    with pytest.raises(TypeError, match="field names"):
        action(reads=["x["], writes=[])


class Finishes(Independent):
    @eventually("process 0 gets to K")
    def done(self, s):
        return s.pcs[0] == self.k


def test_liveness_turns_reduction_off():
    result = check(Finishes(), Options(deadlock=False), liveness=True)
    assert result.figures.liveness_seconds is not None
    assert not result.figures.reduction and result.figures.distinct == 64


# -- random specs: reduction and workers never change the verdict ---------------------------


class Vars(NamedTuple):
    v: tuple[int, ...]


class Random(Spec):
    """Actions over a few small variables, each with a declared footprint and a guard on what it reads."""

    def __init__(self, n_vars, acts, inv_vars, bad):
        self.n_vars, self.acts, self.inv_vars, self.bad = n_vars, acts, inv_vars, bad
        self._actions = None

    def actions(self):
        from ahvlab.checker.spec import Action

        out = []
        for n, (reads, writes, guard, add) in enumerate(self.acts):
            rs = tuple(sorted(set(reads) | set(writes)))

            def fn(s, reads=rs, writes=writes, guard=guard, add=add):
                total = sum(s.v[r] for r in reads)
                if total % 3 == guard:
                    return
                v = list(s.v)
                for w in writes:
                    v[w] = (v[w] + add + total) % 3
                yield {}, Vars(tuple(v))

            out.append(Action(f"a{n}", fn, "", None, tuple(f"v{r}" for r in rs), tuple(f"v{w}" for w in writes)))
        return out

    def invariants(self):
        from ahvlab.checker.spec import Invariant

        def inv(s):
            return sum(s.v[i] for i in self.inv_vars) != self.bad

        return [Invariant("inv", inv, "", tuple(f"v{i}" for i in self.inv_vars))]

    def init(self):
        yield Vars((0,) * self.n_vars)


@st.composite
def random_specs(draw):
    n = draw(st.integers(2, 4))
    var = st.integers(0, n - 1)
    acts = draw(
        st.lists(
            st.tuples(
                st.lists(var, max_size=2), st.lists(var, min_size=1, max_size=2), st.integers(0, 3), st.integers(1, 2)
            ),
            min_size=1,
            max_size=5,
        )
    )
    return Random(n, acts, draw(st.lists(var, min_size=1, max_size=2)), draw(st.integers(1, 6)))


def assert_reduction_keeps_the_verdict(spec, deadlock):
    full = bfs(spec, Options(reduction=False, deadlock=deadlock))
    reduced = bfs(spec, Options(deadlock=deadlock))
    assert reduced.verdict == full.verdict
    assert reduced.figures.distinct <= full.figures.distinct or reduced.violation is not None
    if full.violation is not None and full.verdict == "invariant":
        assert not next(i for i in spec.invariants()).fn(reduced.violation.trace.last)


@given(random_specs(), st.booleans())
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_reduction_keeps_the_verdict_of_random_specs(spec, deadlock):
    assert_reduction_keeps_the_verdict(spec, deadlock)


class Procs2(NamedTuple):
    x: tuple[int, ...]
    """One value per process."""
    g: tuple[int, ...]
    """Shared values."""


class RandomProcesses(Spec):
    """Actions with a process parameter ``i`` (and maybe ``j``): footprints indexed by it, guards on what
    they read, shared fields at literal indexes; an invariant over a few fields."""

    def __init__(self, n, acts, inv_reads, bad):
        self.n, self.acts, self.inv_reads, self.bad = n, acts, inv_reads, bad

    @staticmethod
    def _at(s, ref, i, j):
        kind, k = ref
        return s.x[i] if kind == "i" else s.x[j] if kind == "j" else s.g[k]

    def actions(self):
        from ahvlab.checker.spec import Action

        def name(ref):
            return {"i": "x[i]", "j": "x[j]"}.get(ref[0], f"g[{ref[1]}]")

        out = []
        for a, (reads, writes, guard, add, pairs) in enumerate(self.acts):
            rs = list(dict.fromkeys([*reads, *writes]))

            def fn(s, rs=rs, writes=writes, guard=guard, add=add, pairs=pairs):
                for i in range(self.n):
                    for j in range(self.n) if pairs else [None]:
                        if j == i:
                            continue
                        total = sum(self._at(s, r, i, j) for r in rs)
                        if total % 3 == guard:
                            continue
                        x, g = list(s.x), list(s.g)
                        for kind, k in writes:
                            target, at = (x, i) if kind == "i" else (x, j) if kind == "j" else (g, k)
                            target[at] = (target[at] + add + total) % 3
                        yield ({"i": i, "j": j} if pairs else {"i": i}), Procs2(tuple(x), tuple(g))

            out.append(Action(f"a{a}", fn, "", None, tuple(map(name, rs)), tuple(map(name, writes))))
        return out

    def invariants(self):
        from ahvlab.checker.spec import Invariant

        def inv(s):
            return sum(s.x[k] if kind == "x" else s.g[k] for kind, k in self.inv_reads) != self.bad

        return [Invariant("inv", inv, "", tuple(f"{kind}[{k}]" for kind, k in self.inv_reads))]

    def init(self):
        yield Procs2((0,) * self.n, (0, 0))


@st.composite
def random_process_specs(draw):
    n = draw(st.integers(2, 3))
    own, other, shared = st.just(("i", 0)), st.just(("j", 0)), st.tuples(st.just("g"), st.integers(0, 1))
    acts = []
    for _ in range(draw(st.integers(1, 3))):
        pairs = draw(st.booleans())
        # Mostly the process's own field, so that steps of different processes are often independent.
        ref = st.one_of(own, own, own, other, shared) if pairs else st.one_of(own, own, own, shared)
        fields = (st.lists(ref, max_size=2), st.lists(ref, min_size=1, max_size=2))
        acts.append((draw(fields[0]), draw(fields[1]), draw(st.integers(0, 3)), draw(st.integers(1, 2)), pairs))
    where = st.one_of(st.tuples(st.just("x"), st.integers(0, n - 1)), st.tuples(st.just("g"), st.integers(0, 1)))
    return RandomProcesses(n, acts, draw(st.lists(where, min_size=1, max_size=2)), draw(st.integers(1, 5)))


@given(random_process_specs(), st.booleans())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_reduction_keeps_the_verdict_of_random_specs_with_indexed_footprints(spec, deadlock):
    assert_reduction_keeps_the_verdict(spec, deadlock)


@given(random_process_specs())
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_two_workers_reduce_as_one_does(spec):
    one = bfs(spec, Options(deadlock=False))
    two = search(spec, Options(deadlock=False, workers=2))
    assert _figures(two) == _figures(one)


# -- the footprint audit: it passes the truthful declarations, and what it passes reduces soundly ----------


@given(random_specs())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_audit_finds_nothing_wrong_in_truthful_footprints(spec):
    report = audit(spec)
    assert report.ok, [f.line() for f in report.findings]
    assert report.complete and report.declared == len(spec.acts)


@given(random_process_specs())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_audit_finds_nothing_wrong_in_truthful_indexed_footprints(spec):
    report = audit(spec)
    assert report.ok, [f.line() for f in report.findings]


class Lying(RandomProcesses):
    """A random spec whose declarations leave out some of what an action really reads, or writes."""

    def __init__(self, n, acts, inv_reads, bad, hide):
        super().__init__(n, acts, inv_reads, bad)
        self.hide = hide
        """(action, 'reads' or 'writes', position): the names left out of its declaration."""

    def actions(self):
        out = []
        for k, a in enumerate(super().actions()):
            reads, writes = list(a.reads), list(a.writes)
            for ai, role, pos in self.hide:
                names = reads if role == "reads" else writes
                if ai == k and names and len(names) > 1:
                    names.pop(pos % len(names))
            out.append(dataclasses.replace(a, reads=tuple(reads), writes=tuple(writes)))
        return out


@st.composite
def lying_specs(draw):
    spec = draw(random_process_specs())
    hide = draw(st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["reads", "writes"]), st.integers(0, 3))))
    return Lying(spec.n, spec.acts, spec.inv_reads, spec.bad, hide)


@given(lying_specs(), st.booleans())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_footprints_the_audit_passes_never_change_a_verdict(spec, deadlock):
    """The audit tests what the reduction relies on: when it passes, reduction keeps the verdict, lies or not."""
    report = audit(spec)
    full = bfs(spec, Options(reduction=False, deadlock=deadlock))
    reduced = bfs(spec, Options(deadlock=deadlock))
    if report.ok:
        assert reduced.verdict == full.verdict
    elif reduced.verdict != full.verdict:
        assert report.findings  # the lie that changed the verdict is among what the audit names


def test_a_lie_that_hides_a_violation_is_named_by_the_audit():
    spec = Misdeclared()
    assert bfs(spec, Options(deadlock=False)).verdict == "ok"  # reduction, misled, misses it
    assert bfs(spec, Options(deadlock=False, reduction=False)).verdict == "invariant"
    report = audit(spec)
    assert [(f.kind, f.path) for f in report.findings] == [("enables", ()), ("disables", ("inc_a",))]
    assert report.findings[1].line() == (
        "tick_c disables follow, although it writes nothing follow declares it reads (at the state reached by inc_a)"
    )
    assert (report.states, report.steps, report.complete) == (6, 6, True)


class PeeksAtA(Spec):
    """Two counters; the invariant reads ``a`` but declares it reads ``b``."""

    def init(self):
        yield Procs((0, 0))

    @action(reads=["pc[i]"], writes=["pc[i]"])
    def inc(self, s):
        for i in (0, 1):
            if s.pcs[i] == 0:
                yield {"i": i}, Procs((*s.pcs[:i], 1, *s.pcs[i + 1 :]))

    @invariant("a stays 0", reads=["pc[1]"])
    def a_stays_0(self, s):
        return s.pcs[0] == 0


def test_an_invariant_that_reads_more_than_it_declares_is_named():
    report = audit(PeeksAtA())
    assert [f.line() for f in report.findings] == [
        "inc(i=0) changes the value of a_stays_0 (to False), although it writes nothing a_stays_0 declares it "
        "reads (at an initial state)",
        "inc(i=0) changes the value of a_stays_0 (to False), although it writes nothing a_stays_0 declares it "
        "reads (at the state reached by inc(i=1))",
    ]
    assert bfs(PeeksAtA(), Options(deadlock=False, reduction=False)).verdict == "invariant"


def test_the_audit_of_lamport_mutex_passes_on_every_state_of_two_processes():
    report = audit(LamportMutex(n=2))
    assert report.ok and report.complete
    assert (report.declared, report.predicates) == (6, ["Mutex"])
    assert report.steps == 2000 and report.pairs == 307


def test_the_audit_stops_at_max_states_and_says_so():
    report = audit(LamportMutex(n=3), max_states=500)
    assert report.ok and not report.complete and report.expanded == 500
    assert "the first 500 states (max_states)" in report.summary()


def test_a_spec_without_footprints_has_nothing_to_audit():
    report = audit(TwoPhase(3))
    assert report.ok and report.states == 0
    assert "declares no footprint" in report.summary()


def test_audit_footprints_on_the_command_line(capsys):
    assert main(["check", "tests.toys:Misdeclared", "--audit-footprints"]) == 150
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Footprints of 3 actions audited on every reachable state: 6 steps")
    assert out[1:] == [
        "Footprint wrong (enables): inc_a enables follow, although it writes nothing follow declares it reads "
        "(at an initial state)",
        "Footprint wrong (disables): tick_c disables follow, although it writes nothing follow declares it reads "
        "(at the state reached by inc_a)",
    ]
    assert main(["check", "tests.toys:Misdeclared", "--audit-footprints", "--json"]) == 150
    got = json.loads(capsys.readouterr().out)
    assert got["footprints"] == "wrong" and got["complete"] and got["predicates"] == ["b_stays_0"]
    assert [f["kind"] for f in got["findings"]] == ["enables", "disables"]
    assert main(["check", "ahvlab.checker.examples:LamportMutex", "--set", "n=2", "--audit-footprints"]) == 0
    assert "2,000 steps, 307 independent pairs commuted, 1 predicate with" in capsys.readouterr().out


@pytest.mark.parametrize(
    "flag", [["--workers", "2"], ["--no-reduction"], ["--max-depth", "3"], ["--itf", "x.itf.json"]]
)
def test_audit_footprints_refuses_the_flags_of_a_check(capsys, flag):
    assert main(["check", "tests.toys:Misdeclared", "--audit-footprints", *flag]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"ahvlab: error: --audit-footprints explores the full graph itself: it takes --max-states and "
        f"--json, not {flag[0]}"
    ]


def test_a_spec_error_in_the_audit_is_one_line(tmp_path, capsys):
    f = tmp_path / "boom.py"
    f.write_text(
        "from ahvlab.checker import Spec, action\n"
        "class Boom(Spec):\n"
        "    def init(self):\n"
        "        yield 0\n"
        "    @action(reads=['x'], writes=['x'])\n"
        "    def step(self, s):\n"
        "        if s == 2:\n"
        "            raise KeyError('x')\n"
        "        yield {}, s + 1\n"
    )
    assert main(["check", f"{f}:Boom", "--audit-footprints"]) == 150
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "spec error in action 'step' of Boom: it raised KeyError" in err[0]
    assert "boom.py:8" in err[0]


def test_a_step_depends_only_on_the_disabled_instances_its_index_names():
    """Two actions per process (step then hop): a process's step may enable its own hop, not another's,
    so the steps of the processes an invariant does not read are explored in one order."""

    class TwoPhase(Spec):
        def init(self):
            yield Procs((0, 0, 0))

        @action(reads=["pc[i]"], writes=["pc[i]"])
        def step(self, s):
            for i, pc in enumerate(s.pcs):
                if pc % 2 == 0 and pc < 4:
                    yield {"i": i}, Procs((*s.pcs[:i], pc + 1, *s.pcs[i + 1 :]))

        @action(reads=["pc[i]"], writes=["pc[i]"])
        def hop(self, s):
            for i, pc in enumerate(s.pcs):
                if pc % 2 == 1:
                    yield {"i": i}, Procs((*s.pcs[:i], pc + 1, *s.pcs[i + 1 :]))

        @invariant("process 0 never passes 4", reads=["pc[0]"])
        def bounded(self, s):
            return s.pcs[0] <= 4

    full = bfs(TwoPhase(), Options(reduction=False, deadlock=False))
    reduced = bfs(TwoPhase(), Options(deadlock=False))
    assert full.figures.distinct == 5**3
    assert reduced.figures.reduction and reduced.figures.distinct < 40
    assert reduced.verdict == full.verdict == "ok"


def test_reduction_is_off_when_every_step_is_visible():
    class Watched(Independent):
        @invariant("everything is read")
        def anything(self, s):
            return True

    assert not bfs(Watched(), Options(deadlock=False)).figures.reduction


def _figures(r):
    f = r.figures
    length = len(r.violation.trace) if r.violation else None
    if r.violation:
        return (r.verdict, length)
    return (r.verdict, f.distinct, f.generated, f.depth, length)


@given(random_specs(), st.booleans())
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_two_workers_give_the_sequential_figures_on_random_specs(spec, reduction):
    one = bfs(spec, Options(deadlock=False, reduction=reduction))
    two = search(spec, Options(deadlock=False, reduction=reduction, workers=2))
    assert _figures(two) == _figures(one)


@pytest.mark.parametrize(
    "spec", [TwoPhase(3), DiningPhilosophers(5), TCommit(3), DieHard(), Independent(n=4)], ids=lambda s: s.name
)
def test_two_workers_give_the_sequential_figures(spec):
    one = bfs(spec, Options(deadlock=False))
    two = search(spec, Options(deadlock=False, workers=2))
    assert _figures(two) == _figures(one)
    assert two.figures.workers == 2


def test_two_workers_give_the_ahv_default_models_figures():
    from ahvlab.model import AHVSpec

    two = search(AHVSpec(), Options(workers=2))
    assert (two.verdict, two.figures.distinct) == ("ok", 17450)


# -- the command line -------------------------------------------------------------------------


def test_json_says_whether_reduction_was_on_and_gives_speed_and_memory(capsys):
    code = main(["check", "tests.checker.test_scale:Independent", "--no-deadlock", "--json"])
    obj = json.loads(capsys.readouterr().out)
    assert code == 0
    assert obj["reduction"] is True and obj["workers"] == 1
    for k in ("states_per_second", "peak_mib", "bytes_per_state", "fingerprint_collision_probability"):
        assert k in obj
    main(["check", "tests.checker.test_scale:Independent", "--no-deadlock", "--json", "--no-reduction"])
    assert json.loads(capsys.readouterr().out)["reduction"] is False


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--workers", "-1"], "must be 0"),
        (["--workers", "2", "--dot", "g.dot"], "--workers 1"),
        (["--ray", "ray://127.0.0.1:1"], "--ray"),
    ],
)
def test_bad_scale_flags_are_one_line_and_exit_2(capsys, argv, words):
    code = main(["check", "tests.toys:Pour", *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err and "Traceback" not in err


def test_liveness_with_workers_is_refused_naming_workers_1(capsys):
    code = main(["check", "ahvlab.checker.examples:DiningPhilosophers", "--workers", "2"])
    err = capsys.readouterr().err
    assert code == 2 and "--workers 1" in err


def test_lamport_mutex_holds_and_two_workers_agree_on_a_small_model():
    from ahvlab.checker.examples import LamportMutex

    one = bfs(LamportMutex(n=2, max_clock=4, max_nat=5))
    two = search(LamportMutex(n=2, max_clock=4, max_nat=5), Options(workers=2))
    assert one.verdict == "ok"
    assert _figures(two) == _figures(one)


def test_lamport_mutex_gives_tlcs_figures_with_one_and_two_workers():
    """N=3, maxClock 3, MaxNat 4: TLC 2.15 on bench/specs/LamportMutex.tla gives 10,209 distinct states,
    41,533 generated, depth 31 (the bench's N=3, maxClock 6 model is 724,274 / 2,729,079 / 61)."""
    from ahvlab.checker.examples import LamportMutex

    for workers in (1, 2):
        r = search(LamportMutex(n=3, max_clock=3, max_nat=4), Options(workers=workers))
        assert (r.verdict, r.figures.distinct, r.figures.generated, r.figures.depth) == ("ok", 10209, 41533, 31)


def test_lamport_mutex_shows_tlas_variables_and_its_invariants_catch_what_they_should():
    from ahvlab.checker.examples import LamportMutex

    spec = LamportMutex(n=2)
    s0 = next(iter(spec.init()))
    assert spec.format_state(s0) == {
        "clock": (1, 1),
        "req": ((0, 0), (0, 0)),
        "ack": (frozenset(), frozenset()),
        "network": (((), ()), ((), ())),
        "crit": frozenset(),
    }
    (_p, s1), *_ = spec.request(s0)
    assert spec.format_state(s1)["network"][0][1] == (("req", 1),)
    both_in = (*s0[: spec.CRIT], 0b11)
    assert not spec.mutex(both_in) and spec.mutex(s0)
    crowded = list(s0)
    crowded[spec.NET + 1] = (1, 0, 0, 0)
    assert not spec.bounded_network(tuple(crowded)) and spec.type_ok(tuple(crowded))
    late = list(s0)
    late[0] = spec.max_nat + 1
    assert not spec.type_ok(tuple(late)) and not spec.constraint(tuple(late))


# -- workers: what a partitioned run keeps of the one-process run ------------------------------------


@pytest.mark.parametrize("bound", [{"max_states": 7}, {"max_depth": 3}])
def test_two_workers_name_the_bound_that_stopped_them_as_one_does(bound):
    from tests.toys import Grid

    one = bfs(Grid(n=5), Options(**bound))
    two = search(Grid(n=5), Options(workers=2, **bound))
    assert one.figures.stopped == two.figures.stopped and one.figures.stopped in ("max-states", "max-depth")
    assert not one.complete and not two.complete


def test_two_workers_find_the_deadlock_one_does():
    from tests.toys import RunsDown

    one, two = bfs(RunsDown()), search(RunsDown(), Options(workers=2))
    assert two.verdict == one.verdict == "deadlock"
    assert len(two.violation.trace) == len(one.violation.trace) == 4


class CutBad(Spec):
    """x counts up; the constraint cuts x = 3, and x = 3 breaks the invariant: a cut state is still checked."""

    def init(self):
        yield Procs((0,))

    @action
    def up(self, s):
        yield {}, Procs((s.pcs[0] + 1,))

    def constraint(self, s):
        return s.pcs[0] < 3

    @invariant("x stays below 3")
    def below(self, s):
        return s.pcs[0] < 3


def test_a_state_the_constraint_cuts_is_checked_by_every_search():
    for workers in (1, 2):
        r = search(CutBad(), Options(workers=workers))
        assert r.verdict == "invariant" and len(r.violation.trace) == 4


class Raises(Independent):
    @action(reads=["pc[i]"], writes=["pc[i]"])
    def boom(self, s):
        if s.pcs[0] == 2:
            raise KeyError("boom")
        return []


def test_a_spec_error_in_a_worker_is_the_one_line_of_one_process():
    from ahvlab.checker.engine import SpecError

    for workers in (1, 2):
        with pytest.raises(SpecError, match=r"action 'boom'.*KeyError"):
            search(Raises(), Options(workers=workers, deadlock=False))


class Example(Independent):
    @sometimes("process 0 gets to 3", reads=["pc[0]"])
    def there(self, s):
        return s.pcs[0] == 3


@pytest.mark.parametrize("reduction", [False, True])
def test_two_workers_find_an_example_as_long_as_one_does(reduction):
    opts = Options(deadlock=False, reduction=reduction)
    one, two = bfs(Example(), opts), search(Example(), dataclasses.replace(opts, workers=2))
    assert len(two.examples["there"]) == len(one.examples["there"])
    if not reduction:
        assert len(one.examples["there"]) == 4  # a shortest one (reduction explores one order: a longer one)


def test_ctrl_c_stops_two_workers_with_the_figures_so_far():
    import signal
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "ahvlab.cli", "check", "ahvlab.checker.examples.counters:Counters"]
    proc = subprocess.Popen(
        [*cmd, "--set", "n=300", "--workers", "2", "--progress", "0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    assert proc.stderr.readline().startswith("Progress(")  # the workers are under way
    proc.send_signal(signal.SIGINT)
    out, _err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Interrupted (Ctrl-C): the figures are partial." in out and "(2 workers)" in out
