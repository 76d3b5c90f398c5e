"""Liveness on the TLA+ example ports: DiningPhilosophers' NobodyStarves with and without fair processes."""

from __future__ import annotations

from ahvlab.checker import Options
from ahvlab.checker.examples.dining import DiningPhilosophers
from ahvlab.checker.liveness import fairness_of, verify_lasso
from ahvlab.checker.run import check
from ahvlab.checker.trace import replay
from ahvlab.cli import main

DINING = "ahvlab.checker.examples.dining:DiningPhilosophers"


def test_nobody_starves_with_fair_processes_np5():
    result = check(DiningPhilosophers(5))
    assert result.verdict == "ok"
    assert result.figures.distinct == 67
    assert result.figures.liveness_properties == 5


def test_nobody_starves_with_pluscal_fair_process_fairness_np5():
    # `fair process` is one WF per philosopher: per-instance fairness of its labels on their `self`.
    fair = {"Loop[self]": "weak", "Think[self]": "weak", "Eat[self]": "weak"}
    result = check(DiningPhilosophers(5), fairness=fair)
    assert result.verdict == "ok"
    assert result.figures.liveness_properties == 5


def test_a_philosopher_who_never_thinks_starves_np5():
    # Think not fair: philosopher 2 may stop at Think for ever, its forks in hand, and philosopher 1 starves.
    v = check(DiningPhilosophers(5), fairness={"Loop[self]": "weak", "Eat[self]": "weak"}).violation
    assert v is not None and v.name == "NobodyStarves[1]"
    assert len(v.trace) == 9 and v.trace.loop == 8
    assert "Think" in v.trace.last.pc


def test_without_fairness_philosopher_1_starves_np5_and_the_lasso_replays():
    spec = DiningPhilosophers(5)
    result = check(spec, fairness={})
    v = result.violation
    assert v is not None and v.kind == "liveness" and v.name == "NobodyStarves[1]"
    assert result.exit_code == 13
    # Nobody is forced to move: the behaviour stops in the initial state, everybody hungry.
    assert len(v.trace) == 1 and v.trace.loop == 0
    assert v.trace.last.hungry == (True,) * 5
    prop = next(p for p in spec.properties() if p.name == v.name)
    verify_lasso(spec, spec.actions(), prop, fairness_of(spec.actions(), prop, {}), v.trace)


def test_with_eat_unfair_a_philosopher_may_stop_while_eating_np5():
    spec = DiningPhilosophers(5)
    v = check(spec, fairness={"Loop": "weak"}).violation
    assert v is not None and v.name == "NobodyStarves[1]"
    assert len(v.trace) == 7 and v.trace.loop == 6
    # The lasso stutters where a philosopher is at Eat: only the unfair Eat could move it on.
    assert "Eat" in v.trace.last.pc
    assert replay(spec, v.trace.states).states == v.trace.states


def test_ahvlab_check_reports_nobody_starves_held(capsys):
    code = main(["check", DINING, "--set", "np=5"])
    out = capsys.readouterr().out
    assert code == 0
    assert "67 distinct states found" in out
    assert "Checked 5 temporal properties in" in out


def test_dining_with_a_bounded_depth_leaves_liveness_unchecked():
    result = check(DiningPhilosophers(5), Options(max_depth=5))
    assert result.figures.liveness_seconds is None and not result.complete
