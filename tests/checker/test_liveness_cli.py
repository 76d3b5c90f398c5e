"""`ahvlab check` with temporal properties: lassos in text, JSON and ITF, exit 13, --no-liveness, examples."""

from __future__ import annotations

import json

from ahvlab.checker.itf import load_trace
from ahvlab.cli import main

GATE = "tests.toys:FlickeringGate"
CLOCK = "tests.toys:Clock"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_liveness_violation_exits_13_and_prints_the_lasso_with_its_loop(capsys):
    code, out, _ = run(capsys, "check", GATE, "--set", "walker='weak'", "--no-deadlock")
    assert code == 13
    assert "Error: Temporal property WalkerPasses is violated." in out
    assert "State 1: <Initial predicate>  <-- loop starts here" in out
    assert "State 2: toggle" in out
    assert "Back to state 1." in out
    assert "Checked 1 temporal properties in" in out


def test_strong_fairness_passes_on_the_command_line(capsys):
    code, out, _ = run(capsys, "check", GATE, "--no-deadlock")
    assert code == 0
    assert "4 distinct states found" in out
    assert "Model checking completed. No error has been found." in out


def test_json_says_liveness_and_gives_the_loop(capsys):
    code, out, _ = run(capsys, "check", GATE, "--set", "walker='weak'", "--no-deadlock", "--json")
    obj = json.loads(out)
    assert code == 13 and obj["exit_code"] == 13
    assert obj["result"] == "liveness"
    assert obj["violation"]["loop"] == 0 and obj["violation"]["trace_length"] == 2
    assert obj["liveness_seconds"] is not None


def test_the_itf_lasso_has_loop_set_and_loads_back(capsys, tmp_path):
    itf = tmp_path / "lasso.itf.json"
    code, _, _ = run(capsys, "check", GATE, "--set", "walker='weak'", "--no-deadlock", "--itf", str(itf))
    assert code == 13
    obj = json.loads(itf.read_text())
    assert obj["loop"] == 0 and len(obj["states"]) == 2
    from tests.checker.test_liveness import FlickeringGate

    trace = load_trace(FlickeringGate(walker="weak"), itf)
    assert trace.loop == 0 and len(trace) == 2


def test_no_liveness_checks_safety_only(capsys):
    code, out, _ = run(capsys, "check", GATE, "--set", "walker='weak'", "--no-deadlock", "--no-liveness")
    assert code == 0
    assert "temporal properties" not in out


def test_examples_are_reported_as_found_not_as_failures(capsys):
    code, out, _ = run(capsys, "check", CLOCK)
    assert code == 0
    assert "Example three: found, shortest trace has 4 states." in out
    code, out, _ = run(capsys, "check", CLOCK, "--set", "fair=False")
    assert code == 13
    assert "Temporal property noon is violated" in out
    assert "Back to state 1.\n  (it stutters there forever" in out
    assert "Example three: found" in out


def test_a_bounded_search_says_the_temporal_properties_were_not_checked(capsys):
    code, out, _ = run(capsys, "check", CLOCK, "--set", "fair=False", "--max-depth", "2")
    assert code == 0
    assert "Temporal properties not checked" in out


def test_dot_and_liveness_share_one_exploration(capsys, tmp_path):
    dot = tmp_path / "g.dot"
    code, out, _ = run(capsys, "check", CLOCK, "--set", "fair=False", "--dot", str(dot))
    assert code == 13
    assert "State graph (4 nodes)" in out
    assert "4 distinct states found" in out


def test_junit_lists_each_temporal_property_with_its_verdict(capsys, tmp_path):
    holds = tmp_path / "holds.xml"
    assert run(capsys, "check", CLOCK, "--junit", str(holds))[0] == 0
    assert '<testcase name="noon"' in holds.read_text() and "<failure" not in holds.read_text()
    fails = tmp_path / "fails.xml"
    assert run(capsys, "check", CLOCK, "--set", "fair=False", "--junit", str(fails))[0] == 13
    xml = fails.read_text()
    assert '<failure message="Temporal property noon is violated"' in xml and "loop starts here" in xml
    skipped = tmp_path / "skipped.xml"
    assert run(capsys, "check", CLOCK, "--no-liveness", "--junit", str(skipped))[0] == 0
    assert "temporal properties were not checked in this run" in skipped.read_text()
