"""JUnit reports that say what the exit code says, with the counts and attributes the common schemas want."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ahvlab.checker import bfs
from ahvlab.checker.engine import Options
from ahvlab.checker.junit import Case, Suite, check_junit, to_xml
from ahvlab.scenarios.runner import Outcome, ScenarioReport, junit_suites
from tests.checker.test_output import ahvlab
from tests.toys import Grid, Pour, TwoWays

GRID = "tests.toys:Grid"


def parse(text: str) -> ET.Element:
    """The report's root, once its counts are checked against its testcases."""
    return consistent(ET.fromstring(text))


def consistent(root: ET.Element) -> ET.Element:
    """``root`` itself, asserting that every count matches the testcases and every suite has its attributes."""
    suites = root.findall("testsuite")
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key, "-1")) == sum(int(s.get(key, "-1")) for s in suites), key
    for s in suites:
        cases = s.findall("testcase")
        assert int(s.get("tests", "-1")) == len(cases)
        for tag, key in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            assert int(s.get(key, "-1")) == sum(1 for c in cases if c.find(tag) is not None), key
        assert s.get("hostname") and s.get("timestamp") and s.get("time")
    return root


def test_a_clean_bounded_run_exits_0_and_passes_every_invariant_with_its_bound(tmp_path):
    path = tmp_path / "r.xml"
    proc = ahvlab("check", GRID, "--set", "n=5", "--max-depth", "3", "--junit", str(path))
    assert proc.returncode == 0, proc.stderr
    root = parse(path.read_text())
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("0", "0", "0")
    assert [(p.get("name"), p.get("value")) for p in root.iter("property")] == [("bound", "max-depth 3")]
    out = root.find(".//testcase[@name='small']/system-out")
    assert out is not None and "holds in every state reached within max-depth 3" in (out.text or "")


def test_a_run_bounded_by_states_names_that_bound():
    result = bfs(Grid(5), Options(max_states=10))
    root = parse(to_xml(check_junit(Grid(5), result)))
    assert root.find(".//property[@name='bound']").get("value") == f"max-states {result.figures.distinct}"
    assert root.get("failures") == "0" and root.get("skipped") == "0"


def test_a_complete_run_has_no_bound_property():
    root = parse(to_xml(check_junit(Grid(2), bfs(Grid(2)))))
    assert root.find(".//properties") is None and root.get("failures") == "0"


def test_an_example_not_found_is_skipped_with_the_reason_not_failed():
    spec = TwoWays()
    root = parse(to_xml(check_junit(spec, bfs(spec))))
    case = root.find(".//testcase[@name='example reaches_2']")
    assert case is not None and case.find("failure") is None
    assert case.find("skipped").get("message") == "example reaches_2 was not found in any reachable state"
    assert root.get("failures") == "0"


def test_a_violation_is_the_one_failure_and_what_it_cut_short_is_skipped():
    spec = Pour()
    root = parse(to_xml(check_junit(spec, bfs(spec))))
    assert root.get("failures") == "1" and root.get("errors") == "0"
    failure = root.find(".//testcase[@name='big_is_not_4']/failure")
    assert failure is not None and "State 7: big_to_small" in (failure.text or "")


def test_a_scenario_that_does_not_load_is_an_error_and_a_wrong_verdict_a_failure():
    broken = ScenarioReport("bad", "bad.toml", error="bad.toml:1: TOML syntax error")
    broken.outcomes.append(Outcome("script", "load", False, "bad.toml:1: TOML syntax error"))
    wrong = ScenarioReport("wrong", "wrong.toml", "t")
    wrong.outcomes += [Outcome("script", "script", True, "2 steps"), Outcome("check", "c", False, "line 9: no")]
    root = parse(to_xml(junit_suites([broken, wrong])))
    assert (root.get("errors"), root.get("failures")) == ("1", "1")
    assert root.find(".//testsuite[@name='scenario bad']//error").get("message") == "bad.toml:1: TOML syntax error"
    assert root.find(".//testsuite[@name='scenario wrong']//failure").get("message") == "line 9: no"


def test_characters_xml_cannot_carry_are_replaced_so_the_report_stays_well_formed():
    text = to_xml([Suite("s\x01", [Case("c\x00", "k", failure="bad \x1b[31m", details="\x07")])])
    case = ET.fromstring(text).find(".//testcase")
    assert case.get("name") == "c\ufffd" and case.find("failure").get("message") == "bad \ufffd[31m"


def test_timestamp_is_iso_8601_without_a_zone():
    import re

    s = ET.fromstring(to_xml([Suite("s", [Case("c", "k")])])).find("testsuite")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", s.get("timestamp", ""))


def test_a_simulation_that_finds_nothing_exits_0_and_its_junit_passes(tmp_path):
    path = tmp_path / "sim.xml"
    proc = ahvlab("simulate", GRID, "--runs", "3", "--steps", "5", "--junit", str(path))
    assert proc.returncode == 0, proc.stderr
    root = parse(path.read_text())
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("0", "0", "0")
    assert root.find(".//property[@name='bound']").get("value").startswith("simulation (")
