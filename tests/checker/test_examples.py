"""The TLA+ example ports give TLC's figures exactly (distinct states, depth, generated, verdict, trace).

Every figure asserted here was also produced by TLC 2.15 on the TLA+ text in
bench/specs/ (``-workers 1``; ``-deadlock`` where the table says so).
"""

from __future__ import annotations

import importlib
import itertools
from collections import deque
from typing import Any

import pytest

from ahvlab.checker.engine import Options, bfs
from ahvlab.checker.errors import SpecLoadError
from ahvlab.checker.examples import (
    EXAMPLES,
    Counters,
    DieHard,
    DiningPhilosophers,
    TCommit,
    TwoLocks,
    TwoPhase,
    TwoPhaseSym,
)
from ahvlab.checker.run import check
from ahvlab.checker.spec import Spec


def figures(spec: Spec, deadlock: bool = True) -> tuple[str, int, int, int]:
    result = bfs(spec, Options(deadlock=deadlock))
    f = result.figures
    return result.verdict, f.distinct, f.depth, f.generated


def reachable(spec: Spec) -> list[Any]:
    """Every reachable state, found without the engine (to test the symmetry on its own)."""
    seen = list(spec.init())
    todo = deque(seen)
    known = set(seen)
    while todo:
        s = todo.popleft()
        for act in spec.actions():
            for _params, t in act.fn(s):
                if t not in known:
                    known.add(t)
                    seen.append(t)
                    todo.append(t)
    return seen


# -- DieHard ----------------------------------------------------------------------


def test_diehard_finds_the_puzzles_solution_as_a_seven_state_counterexample():
    result = bfs(DieHard())
    assert result.verdict == "invariant"
    assert result.violation is not None and result.violation.name == "NotSolved"
    trace = result.violation.trace
    assert [(st.action, st.state.big, st.state.small) for st in trace.steps] == [
        (None, 0, 0),
        ("FillBigJug", 5, 0),
        ("BigToSmall", 2, 3),
        ("EmptySmallJug", 2, 0),
        ("BigToSmall", 0, 2),
        ("FillBigJug", 5, 2),
        ("BigToSmall", 4, 3),
    ]
    # TLC stops with the same figures: 73 generated, 14 distinct, 1 left on queue, depth 7.
    f = result.figures
    assert (f.generated, f.distinct, f.queue, f.depth) == (73, 14, 1, 7)


def test_diehard_with_a_goal_the_big_jug_cannot_hold_explores_all_16_states():
    assert figures(DieHard(goal=6)) == ("ok", 16, 8, 97)


# -- TCommit ----------------------------------------------------------------------


def test_tcommit_with_three_rms_has_34_states_and_depth_7():
    assert figures(TCommit(rm=3), deadlock=False) == ("ok", 34, 7, 94)


def test_tcommit_ends_in_a_deadlock_when_the_deadlock_check_is_on():
    result = bfs(TCommit(rm=3))
    assert result.verdict == "deadlock" and result.exit_code == 11
    assert result.violation is not None
    assert result.violation.trace.last.rmState == ("aborted", "aborted", "aborted")
    assert len(result.violation.trace) == 4


# -- TwoPhase ---------------------------------------------------------------------


def test_twophase_with_three_rms_has_288_states_and_depth_11():
    assert figures(TwoPhase(rm=3)) == ("ok", 288, 11, 1146)


def test_twophase_with_four_rms_has_1568_states_and_depth_14():
    assert figures(TwoPhase(rm=4)) == ("ok", 1568, 14, 8258)


def test_twophase_under_rm_symmetry_has_80_states_like_tlcs_symmetry_set():
    assert figures(TwoPhaseSym(rm=3)) == ("ok", 80, 11, 318)
    assert figures(TwoPhaseSym(rm=4))[:3] == ("ok", 166, 14)


def test_twophase_symmetry_maps_every_permutation_of_a_state_to_one_representative():
    spec = TwoPhaseSym(rm=3)
    names = spec.RM
    for s in reachable(TwoPhase(rm=3)):
        rep = spec.symmetry(s)
        assert spec.symmetry(rep) == rep
        for perm in itertools.permutations(range(3)):
            rename = {names[i]: names[perm[i]] for i in range(3)}
            moved = TwoPhase.State(
                rmState=tuple(s.rmState[perm.index(i)] for i in range(3)),
                tmState=s.tmState,
                tmPrepared=frozenset(rename[r] for r in s.tmPrepared),
                msgs=frozenset(m._replace(rm=rename[m.rm]) if m.rm else m for m in s.msgs),
            )
            assert spec.symmetry(moved) == rep


def test_twophase_orbits_counted_by_hand_match_the_reduced_search():
    spec = TwoPhaseSym(rm=3)
    assert len({spec.symmetry(s) for s in reachable(TwoPhase(rm=3))}) == 80


# -- DiningPhilosophers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("np", "distinct", "depth", "generated"), [(3, 19, 17, 58), (5, 67, 29, 336), (6, 131, 35, 787)]
)
def test_dining_philosophers_gives_tlcs_figures(np, distinct, depth, generated):
    assert figures(DiningPhilosophers(np)) == ("ok", distinct, depth, generated)


def test_dining_philosophers_actions_are_weakly_fair_and_nobody_starves_is_declared():
    spec = DiningPhilosophers(5)
    assert {a.name: a.fairness for a in spec.actions()} == {"Loop": "weak", "Think": "weak", "Eat": "weak"}
    starves = [p for p in spec.properties() if p.name.startswith("NobodyStarves")]
    assert [p.name for p in starves] == [f"NobodyStarves[{i}]" for i in range(1, 6)]
    assert {p.kind for p in starves} == {"always_eventually"}
    first = next(iter(spec.init()))
    assert not starves[0].p(first)  # everybody starts hungry


def test_dining_philosophers_labels_follow_the_pluscal_translation():
    spec = DiningPhilosophers(5)
    first = next(iter(spec.init()))
    assert first.pc == ("Loop",) * 5 and first.hungry == (True,) * 5
    assert [f.holder for f in first.forks] == [1, 1, 3, 4, 5]  # fork 2 starts with philosopher 1
    # Philosopher 1 holds both its forks dirty: Loop hands the left one (fork 1) to philosopher 5, cleaned,
    # and, CanEat being false on the forks before the hand-over, stays at Loop.
    step = next(t for p, t in spec.loop(first) if p["self"] == 1)
    assert step.forks[0] == (5, True) and step.pc[0] == "Loop"


def test_dining_philosophers_nobody_starves_under_fairness():
    result = check(DiningPhilosophers(5))
    assert result.verdict == "ok"
    assert result.figures.distinct == 67


def test_dining_philosophers_can_starve_without_fairness():
    result = check(DiningPhilosophers(3), fairness={})
    assert result.verdict == "liveness" and result.exit_code == 13
    assert result.violation is not None and result.violation.name.startswith("NobodyStarves[")
    assert result.violation.trace.loop is not None


# -- a deadlock -------------------------------------------------------------------


def test_two_locks_taken_in_opposite_orders_deadlock_after_two_steps():
    result = bfs(TwoLocks())
    assert result.verdict == "deadlock" and result.exit_code == 11
    assert result.violation is not None
    steps = result.violation.trace.steps
    assert [(st.action, dict(st.params)) for st in steps] == [
        (None, {}),
        ("AcquireFirst", {"p": "A"}),
        ("AcquireFirst", {"p": "B"}),
    ]
    assert steps[-1].state == TwoLocks.State(pc=("first", "first"), lock1="A", lock2="B")


def test_two_locks_taken_in_the_same_order_never_deadlock():
    assert figures(TwoLocks(ordered=True)) == ("ok", 5, 3, 7)


# -- Counters ---------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 4, 12])
def test_counters_reach_every_point_of_the_cube(n):
    verdict, distinct, depth, generated = figures(Counters(n))
    assert verdict == "ok"
    assert distinct == (n + 1) ** 3
    assert depth == 3 * n + 1
    # Each state steps each counter up and down, less one move per counter on a face.
    assert generated == 1 + 3 * (n + 1) ** 2 * 2 * n


# -- constants and the index ------------------------------------------------------


def test_constants_are_constructor_parameters_returned_by_parameters():
    assert DieHard().parameters() == {"big": 5, "small": 3, "goal": 4}
    assert TCommit().parameters() == {"rm": 3}
    assert TwoPhase(rm=5).parameters() == {"rm": 5}
    assert TwoPhaseSym().parameters() == {"rm": 3}
    assert DiningPhilosophers().parameters() == {"np": 5}
    assert Counters().parameters() == {"n": 100}
    assert TwoLocks().parameters() == {"ordered": False}


@pytest.mark.parametrize(
    ("cls", "kwargs", "key"),
    [(TwoPhase, {"rm": 0}, "rm"), (DiningPhilosophers, {"np": 1}, "np"), (Counters, {"n": "ten"}, "n")],
)
def test_a_bad_constant_is_one_clear_error_naming_it(cls, kwargs, key):
    with pytest.raises(SpecLoadError) as err:
        cls(**kwargs)
    assert err.value.key == key
    assert str(err.value).startswith(f"{key}: got ")
    assert "\n" not in str(err.value)


def test_every_indexed_example_loads_by_its_module_path():
    for path in EXAMPLES.values():
        module, _, name = path.partition(":")
        cls = getattr(importlib.import_module(module), name)
        assert issubclass(cls, Spec)
        assert cls().name == name
