"""``check --continue``: every violated property once, each with its own shortest counterexample."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from ahvlab.checker.engine import Options, bfs
from ahvlab.checker.run import check
from ahvlab.cli import main
from ahvlab.model import AHVSpec, default_config
from tests.toys import Climb

CLIMB = "tests.toys:Climb"


def test_without_continue_the_search_stops_at_the_first_violation():
    r = bfs(Climb())
    assert [(v.name, len(v.trace)) for v in r.violations] == [("y_below_2", 3)]
    assert not r.complete and not r.continued


def test_continue_reports_each_invariant_and_the_deadlock_once_with_its_shortest_trace():
    r = bfs(Climb(), Options(keep_going=True))
    assert [(v.kind, v.name, len(v.trace)) for v in r.violations] == [
        ("invariant", "y_below_2", 3),
        ("invariant", "x_below_3", 4),
        ("deadlock", "deadlock", 7),
    ]
    assert r.violation is r.violations[0] and r.exit_code == 12
    assert r.complete and r.figures.distinct == 15


def test_the_blame_hook_says_which_value_made_the_invariant_false():
    r = bfs(Climb(), Options(keep_going=True))
    assert {v.name: v.blame for v in r.violations} == {"y_below_2": None, "x_below_3": "x is 3", "deadlock": None}


def test_continue_json_lists_every_violation_and_keeps_the_first_as_violation(capsys):
    code = main(["check", CLIMB, "--continue", "--json"])
    obj = json.loads(capsys.readouterr().out)
    assert code == 12 and obj["exit_code"] == 12 and obj["result"] == "invariant"
    assert [(v["name"], v["trace_length"]) for v in obj["violations"]] == [
        ("y_below_2", 3),
        ("x_below_3", 4),
        ("deadlock", 7),
    ]
    assert obj["violation"] == obj["violations"][0]
    assert obj["violations"][1]["blame"] == "x is 3"


def test_continue_writes_one_itf_file_per_violation_by_the_name_pattern(tmp_path, capsys):
    cex = tmp_path / "cex.itf.json"
    code = main(["check", CLIMB, "--continue", "--itf", str(cex)])
    out = capsys.readouterr().out
    assert code == 12
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["cex.deadlock.itf.json", "cex.x_below_3.itf.json", "cex.y_below_2.itf.json"]
    assert len(json.loads((tmp_path / "cex.x_below_3.itf.json").read_text())["states"]) == 4
    assert "3 properties violated (--continue): y_below_2 in 3 states, x_below_3 in 4 states, deadlock in 7" in out


def test_a_braced_name_in_the_itf_pattern_is_replaced(tmp_path, capsys):
    code = main(["check", CLIMB, "--continue", "--no-deadlock", "--itf", str(tmp_path / "cex-{name}.itf.json")])
    capsys.readouterr()
    assert code == 12
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cex-x_below_3.itf.json", "cex-y_below_2.itf.json"]


def test_continue_preflights_every_itf_file_it_may_write(tmp_path, capsys):
    (tmp_path / "cex.x_below_3.itf.json").write_text("not ahvlab's\n")
    code = main(["check", CLIMB, "--continue", "--itf", str(tmp_path / "cex.itf.json")])
    err = capsys.readouterr().err
    assert code == 2 and "cex.x_below_3.itf.json" in err
    assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cex.x_below_3.itf.json"]


def test_continue_junit_has_a_failure_per_violated_invariant_and_passes_the_rest(tmp_path, capsys):
    report = tmp_path / "r.xml"
    assert main(["check", CLIMB, "--continue", "--junit", str(report)]) == 12
    capsys.readouterr()
    cases = {c.get("name"): c for c in ET.parse(report).getroot().iter("testcase")}
    failed = sorted(n for n, c in cases.items() if c.find("failure") is not None)
    assert failed == ["deadlock", "x_below_3", "y_below_2"]
    assert cases["sum_small"].find("skipped") is None and cases["sum_small"].find("failure") is None
    assert "Why: x is 3" in (cases["x_below_3"].find("failure").text or "")


def test_continue_on_the_ahv_model_under_no_fencing_finds_three_invariants_in_8_states():
    r = check(AHVSpec(default_config().with_mutations("no_fencing")), Options(keep_going=True))
    assert [(v.name, len(v.trace)) for v in r.violations] == [
        ("no_phantom_vm", 8),
        ("single_storage_access", 8),
        ("no_io_from_fenced_host", 8),
    ]
    assert r.figures.liveness_seconds is not None and r.exit_code == 12
