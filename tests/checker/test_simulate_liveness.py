"""Temporal properties in ``simulate``: the lassos random walks close, and ``--shrink`` shrinking them as lassos."""

from __future__ import annotations

import json

from hypothesis import given, settings

from ahvlab.checker.engine import Options
from ahvlab.checker.liveness import fairness_of, verify_lasso
from ahvlab.checker.run import check, simulate
from ahvlab.checker.shrink import simulate_shrinking
from ahvlab.cli import main
from ahvlab.model import AHVSpec, default_config
from tests.checker.test_liveness import FlickeringGate, RandomGraph, Spinner, TwoTogglers, random_graphs
from tests.toys import Roam

ROAM = "tests.toys:Roam"


def _verified(spec, v):
    """The lasso re-checked against the spec as the liveness checker re-checks its own (raises if it is not one)."""
    prop = next(p for p in spec.properties() if p.name == v.name)
    verify_lasso(spec, spec.actions(), prop, fairness_of(spec.actions(), prop), v.trace)
    return True


def test_a_walk_that_may_stop_after_reaching_7_violates_leads_to_with_a_stuttering_lasso():
    spec = Roam()
    result = simulate(spec, 20, 60, 1)
    v = result.violation
    assert v is not None and (v.kind, v.name, result.exit_code) == ("liveness", "home", 13)
    assert [s.state.pos for s in v.trace.steps] == [0, 1, 0, 1, 3, 4, 5, 6, 5, 7]
    assert v.trace.loop == 9 and _verified(spec, v)
    assert result.figures.liveness_properties == 1 and result.figures.liveness_seconds is not None


def test_a_walk_that_comes_back_to_a_state_closes_a_loop_checked_for_fairness():
    v = simulate(Spinner(light=None), 50, 30, 1).violation
    assert v is not None and v.trace.loop == 0
    assert [s.state.pos for s in v.trace.steps] == [0, 1, 2]
    # Weakly fair, `light` is enabled all round the ring and never taken there: no fair loop, nothing reported.
    assert simulate(Spinner(light="weak"), 200, 30, 1).violation is None


def test_weak_fairness_lets_a_flickering_action_starve_strong_does_not():
    v = simulate(FlickeringGate(walker="weak"), 200, 30, 1).violation
    assert v is not None and (len(v.trace), v.trace.loop) == (2, 0)
    assert simulate(FlickeringGate(walker="strong"), 200, 30, 1).violation is None


def test_per_instance_fairness_holds_each_process_to_its_own_turn():
    v = simulate(TwoTogglers(), 50, 30, 1).violation
    assert v is not None and all(s.params == {"self": 1} for s in v.trace.steps[v.trace.loop + 1 :])
    assert simulate(TwoTogglers(), 200, 30, 1, fairness={"step[self]": "weak"}).violation is None


@settings(max_examples=200, deadline=None)
@given(random_graphs())
def test_every_lasso_a_walk_reports_is_a_real_counterexample(spec: RandomGraph):
    v = simulate(spec, 10, 12, 0, Options(deadlock=False)).violation
    if v is not None:
        assert v.kind == "liveness" and _verified(spec, v)
        assert check(spec, Options(deadlock=False)).violation is not None


def test_no_liveness_leaves_the_temporal_properties_out():
    assert simulate(Roam(), 20, 60, 1, liveness=False).violation is None


def test_a_stuttering_lasso_is_shrunk_to_the_bfs_length():
    spec = Roam()
    v = simulate_shrinking(spec, 20, 60, 2).violation
    assert v is not None and (v.name, v.shrunk_from, len(v.trace), v.trace.loop) == ("home", 18, 5, 4)
    assert [s.state.pos for s in v.trace.steps] == [0, 1, 3, 5, 7] and _verified(spec, v)
    assert len(check(spec, Options(deadlock=False)).violation.trace) == 5


def test_a_fair_loop_is_shrunk_as_a_loop_shorter_than_the_liveness_checkers_lasso():
    spec = Roam("weak")
    v = simulate_shrinking(spec, 20, 60, 2).violation
    assert v is not None and (v.shrunk_from, len(v.trace), v.trace.loop) == (19, 5, 3)
    # 0 2 4 6 7, then back to 6: the walker roams 6 -> 7 -> 6 forever and never comes home.
    assert [s.state.pos for s in v.trace.steps] == [0, 2, 4, 6, 7] and _verified(spec, v)
    assert len(check(spec, Options(deadlock=False)).violation.trace) == 7


def test_a_loop_closed_late_in_the_walk_is_cut_to_the_shortest():
    v = simulate_shrinking(TwoTogglers(), 50, 30, 1).violation
    assert v is not None and (v.shrunk_from, len(v.trace), v.trace.loop) == (18, 2, 0)


def test_shrink_json_gives_the_lasso_its_loop_and_shrunk_from(capsys):
    # No invariant and --no-deadlock: the temporal property is what is shrunk.
    code = main(
        ["simulate", ROAM, "--runs", "20", "--steps", "60", "--seed", "2", "--shrink", "--no-deadlock", "--json"]
    )
    v = json.loads(capsys.readouterr().out)["violation"]
    assert code == 13 and (v["kind"], v["name"], v["trace_length"], v["shrunk_from"], v["loop"]) == (
        "liveness",
        "home",
        5,
        18,
        4,
    )


def test_the_report_says_it_was_shrunk_and_prints_the_lasso(capsys):
    code = main(["simulate", ROAM, "--runs", "20", "--steps", "60", "--seed", "2", "--shrink", "--no-coverage"])
    out = capsys.readouterr().out
    assert code == 13
    assert "Shrunk the counterexample from 18 to 5 states." in out
    assert "Temporal property home is violated." in out
    assert "State 5: step(by=2)  <-- loop starts here" in out and "Checked 1 temporal properties" in out


def test_on_the_ahv_model_no_failback_is_caught_by_sessions_fail_back_and_shrunk_to_the_bfs_length():
    """A mutation only a temporal property catches (no_restart is caught first by restart_by_deadline)."""
    spec = AHVSpec(default_config().with_mutations("no_failback"))
    v = simulate_shrinking(spec, 100, 200, 2).violation
    assert v is not None and (v.kind, v.name, v.shrunk_from, len(v.trace), v.trace.loop) == (
        "liveness",
        "SessionsFailBack",
        12,
        9,
        8,
    )
    bfs_length = next(len(x.trace) for x in check(spec, Options(keep_going=True)).all_violations())
    assert len(v.trace) == bfs_length
    assert [s.action for s in v.trace.steps[1:]] == [
        "crash_cvm",
        "nop_probe",
        "recover_cvm",
        "login",
        "nop_probe",
        "login",
        "finish_login",
        "finish_login",
    ]


def test_the_unmutated_ahv_model_shows_no_lasso_in_its_walks():
    assert simulate(AHVSpec(default_config()), 30, 100, 4).violation is None


def test_shrink_without_invariants_deadlock_or_liveness_is_one_line_and_exit_2(capsys):
    code = main(["simulate", ROAM, "--shrink", "--no-deadlock", "--no-liveness"])
    err = capsys.readouterr().err
    assert code == 2 and [line for line in err.splitlines() if line.strip()] == [
        "ahvlab: error: --shrink has nothing to shrink: Roam has no invariant or temporal property to check and "
        "--no-deadlock is set"
    ]
