"""Verifying scenarios: outcomes with exact figures, exit codes, JUnit, JSON, and the pytest helpers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ahvlab.cli import main
from ahvlab.scenarios import find_scenario, parse_scenario, verify
from ahvlab.testing import assert_scenario_verifies, assert_spec_holds, assert_spec_violates
from tests.toys import Lamps

DATA = Path(__file__).parent / "data"
LAMPS = str(DATA / "lamps.toml")
SPEC = f"{(Path(__file__).parents[1] / 'toys.py').as_posix()}:Lamps"


def broken(tmp_path: Path) -> str:
    """The lamps scenario with one wrong checkpoint and one wrong verdict."""
    text = Path(LAMPS).read_text().replace("../../toys.py", SPEC.rsplit(":", 1)[0])
    text = text.replace('expect = "lamps == [false, true]"', 'expect = "lamps == [true, true]"')
    text = text.replace("length = 3\n", "length = 2\n")
    path = tmp_path / "broken.toml"
    path.write_text(text)
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_scenario_verifies_with_exact_figures():
    report = verify(find_scenario(LAMPS))
    assert report.ok and report.exit_code == 0
    assert [(o.kind, o.ok) for o in report.outcomes] == [("script", True)] + [("checkpoint", True)] * 3 + [
        ("check", True)
    ] * 3
    figures = [o.figures for o in report.outcomes if o.kind == "check"]
    assert [(f["distinct_states"], f["depth"], f["verdict"]) for f in figures] == [
        (14, 4, "invariant"),
        (13, 3, "ok"),
        (3, 2, "invariant"),
    ]
    assert report.outcomes[0].message == "4 steps played, ends at T+40"


def test_wrong_expectations_fail_with_the_reason_and_the_counterexample(tmp_path):
    report = verify(find_scenario(broken(tmp_path)))
    bad = [o for o in report.outcomes if not o.ok]
    assert [o.kind for o in bad] == ["checkpoint", "check"]
    assert bad[0].message == "line 41: false at step 4 (T+40)"
    assert bad[0].details == "lamps == [true, true]\nwhere lamps = (False, True)"
    assert bad[1].message == "line 45: the shortest counterexample has 3 steps, not 2"
    assert "State 4: inc" in bad[1].details
    assert report.exit_code == 12


def test_verify_cli_exit_codes_junit_and_json(capsys, tmp_path):
    junit = tmp_path / "out.xml"
    code, out, _ = run(capsys, "scenario", "verify", LAMPS, "--junit", str(junit))
    assert code == 0 and "1 of 1 scenarios verified." in out
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures")) == ("7", "0")
    names = [c.get("name") for c in root.iter("testcase")]
    assert names[0] == "script: script" and names[-1] == "check: from the end, two toggles break not_all_on"

    code, out, _ = run(capsys, "scenario", "verify", broken(tmp_path), "--json", "--junit", str(junit), "--force")
    obj = json.loads(out)
    assert code == 12 and obj["result"] == "failed" and obj["exit_code"] == 12
    assert [o["ok"] for o in obj["scenarios"][0]["outcomes"]] == [True, True, True, False, False, True, True]
    failures = list(ET.parse(junit).getroot().iter("failure"))
    assert [f.get("message") for f in failures] == [
        "line 41: false at step 4 (T+40)",
        "line 45: the shortest counterexample has 3 steps, not 2",
    ]
    assert "State 4: inc" in (failures[1].text or "")


def test_verify_exits_150_for_a_file_that_does_not_load_and_goes_on(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\n")
    code, out, _ = run(capsys, "scenario", "verify", str(bad), LAMPS)
    assert code == 150
    assert f"FAIL {bad}: {bad}:1: TOML syntax error" in out
    assert "1 of 2 scenarios verified." in out


def test_verify_exits_150_for_a_script_that_cannot_be_played(capsys, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        f'[scenario]\ntitle = "t"\ngoal = "g"\nspec = "{SPEC}"\n[[step]]\ndo = "toggle"\nwith = {{ lamp = 9 }}\n'
    )
    code, out, _ = run(capsys, "scenario", "verify", str(path))
    assert code == 150
    assert "step 1 (toggle(lamp=9)) cannot be taken" in out


def test_walk_prints_narration_action_time_and_only_what_changed(capsys):
    code, out, _ = run(capsys, "scenario", "walk", LAMPS)
    assert code == 0
    assert "Step 2  T+0  toggle(lamp=2)\n  Lamp 2 goes on.\n    lamps[1] = True    (was False)\n" in out
    assert "Step 3  T+20  tick\n  Twenty seconds later.\n    t = 20    (was 0)\n" in out
    assert "checkpoint holds: lamp[2] and not lamp[1]  -- only lamp 2 is on" in out
    assert "x = 1" not in out.split("Step 2")[1]


def test_walk_with_pause_sleeps_between_steps(capsys, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr("ahvlab.commands.scenario.time.sleep", slept.append)
    assert run(capsys, "scenario", "walk", LAMPS, "--pause", "1.5")[0] == 0
    assert slept == [1.5] * 4


def test_show_prints_the_script_and_the_timeline_from_the_model(capsys):
    code, out, _ = run(capsys, "scenario", "show", LAMPS)
    assert code == 0
    assert "│ T20   │ (time passes)" in out
    assert "│ T0    │ inc; toggle(lamp=2) │" in out
    assert "below_top holds: below_top holds, depth 3" in out


def test_unknown_scenario_name_is_one_line_exit_150(capsys):
    code, _, err = run(capsys, "scenario", "show", "no-such-scenario")
    assert code == 150 and err.count("\n") == 1 and "no scenario named 'no-such-scenario'" in err


def test_pytest_helpers_pass_and_fail_with_the_counterexample(tmp_path):
    assert assert_scenario_verifies(LAMPS).ok
    with pytest.raises(AssertionError, match=r"(?s)does not verify:.*checkpoint.*line 41: false at step 4"):
        assert_scenario_verifies(broken(tmp_path))
    result = assert_spec_holds(Lamps(), ["not_all_on"], max_depth=2, distinct_states=5)
    assert result.figures.distinct == 5
    with pytest.raises(AssertionError, match=r"(?s)not_all_on is violated .* after 2 steps:.*State 3: toggle"):
        assert_spec_holds(Lamps(), ["not_all_on"])
    trace = assert_spec_violates(Lamps(top=2), "below_top", length=2)
    assert [st.action for st in trace.steps] == [None, "inc", "inc"]
    with pytest.raises(AssertionError, match="expected below_top to be violated within depth 2, but it holds"):
        assert_spec_violates(Lamps(), "below_top", max_depth=2)


def test_a_scenario_can_be_parsed_from_text_without_a_file():
    s = parse_scenario(f'[scenario]\nname = "mine"\ntitle = "t"\ngoal = "g"\nspec = "{SPEC}"\n')
    assert s.name == "mine" and s.steps == () and verify(s).ok


def test_walk_with_bare_pause_does_not_wait_when_stdin_is_not_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    monkeypatch.setattr("builtins.input", lambda *_: pytest.fail("walk waited for Enter without a terminal"))
    code, out, _ = run(capsys, "scenario", "walk", LAMPS, "--pause")
    assert code == 0 and out.count("Step ") == 5


def test_walk_with_bare_pause_waits_for_enter_on_a_terminal(capsys, monkeypatch):
    prompts: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": prompts.append(prompt) or "")
    assert run(capsys, "scenario", "walk", LAMPS, "--pause")[0] == 0
    assert len(prompts) == 4


def test_list_json_names_every_bundled_scenario_with_its_expected_verdicts(capsys):
    code, out, _ = run(capsys, "scenario", "list", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert code == 0
    assert rows["what-if-no-fencing"]["expected"] == [
        "no_phantom_vm fails under no_fencing",
        "single_storage_access fails under no_fencing",
    ]
    assert rows["host-lost"]["steps"] == 10


def test_a_bad_pause_is_a_usage_error(capsys):
    code, _, err = run(capsys, "scenario", "walk", LAMPS, "--pause", "-2")
    assert code == 2 and "must not be negative" in err


def test_verify_traces_prints_the_counterexample_of_an_expected_failure(capsys):
    code, out, _ = run(capsys, "scenario", "verify", LAMPS)
    assert code == 0 and "State 4: inc" not in out
    code, out, _ = run(capsys, "scenario", "verify", LAMPS, "--traces")
    assert code == 0
    assert "State 4: inc  T+0\n           x = 3    (was 2)" in out
