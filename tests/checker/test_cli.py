"""The command line: pinned flags, JSON fields and exit codes, and one clear line for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ahvlab.cli import main

POUR = "tests.toys:Pour"
GRID = "tests.toys:Grid"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_violated_invariant_exits_12_with_tlc_figures(capsys):
    code, out, _ = run(capsys, "check", POUR)
    assert code == 12
    assert "Error: Invariant big_is_not_4 is violated." in out
    assert "State 7: big_to_small" in out
    assert "distinct states found" in out
    assert "The depth of the complete state graph search is 7." in out


def test_json_output_has_the_pinned_fields(capsys):
    code, out, _ = run(capsys, "check", POUR, "--json")
    obj = json.loads(out)
    assert code == 12
    assert obj["result"] == "invariant"
    assert obj["violation"] == obj["violation"] | {"kind": "invariant", "name": "big_is_not_4", "trace_length": 7}
    for key in ("distinct_states", "states_generated", "depth", "seconds"):
        assert key in obj


def test_a_passing_spec_exits_0_and_says_so(capsys):
    code, out, _ = run(capsys, "check", GRID, "--set", "n=2")
    assert code == 0
    assert "9 distinct states found" in out
    assert "Model checking completed. No error has been found." in out


def test_deadlock_exits_11_unless_turned_off(capsys):
    assert run(capsys, "check", "tests.toys:RunsDown")[0] == 11
    assert run(capsys, "check", "tests.toys:RunsDown", "--no-deadlock")[0] == 0


def test_itf_and_dot_outputs_are_written(capsys, tmp_path):
    itf = tmp_path / "cex.itf.json"
    code, _, _ = run(capsys, "check", POUR, "--itf", str(itf))
    assert code == 12 and json.loads(itf.read_text())["#meta"]["source"] == POUR
    dot = tmp_path / "g.dot"
    code, _, _ = run(capsys, "check", GRID, "--set", "n=1", "--dot", str(dot))
    text = dot.read_text()
    assert code == 0 and "\ndigraph DiskGraph {" in text and "style = filled" in text
    assert text.count("->") == 8  # 4 states, each with 2 moves
    graphml = tmp_path / "g.graphml"
    assert run(capsys, "check", GRID, "--set", "n=1", "--dot", str(graphml))[0] == 0
    assert "<graphml" in graphml.read_text()


def test_simulate_reports_what_it_visited(capsys):
    code, out, _ = run(capsys, "simulate", GRID, "--set", "n=2", "--runs", "3", "--steps", "5", "--seed", "1")
    assert code == 0
    assert "The longest behaviour simulated has 5 states." in out
    assert "Simulation finished. No error has been found in the simulated behaviours." in out
    assert "states left on queue" not in out and "--max-depth" not in out


def test_simulate_is_seeded_and_reports_json(capsys):
    code, out, _ = run(capsys, "simulate", POUR, "--runs", "300", "--steps", "40", "--seed", "7", "--json")
    assert code == 12 and json.loads(out)["engine"] == "simulate"


def test_junit_report_has_a_testcase_per_invariant(capsys, tmp_path):
    junit = tmp_path / "report.xml"
    assert run(capsys, "check", POUR, "--junit", str(junit))[0] == 12
    xml = junit.read_text()
    assert '<testcase name="big_is_not_4"' in xml and "<failure" in xml and "State 7: big_to_small" in xml


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["check", "--max-depth", "zero"], 2, "is not a number"),
        (["check", "--max-depth", "0"], 2, "must be greater than 0"),
        (["check", "--bogus"], 2, "unrecognized arguments: --bogus"),
        (["check", "no_colon"], 2, "bad target 'no_colon'"),
        (["check", "missing.py:X"], 150, "missing.py: no such file"),
        (["check", "tests.toys:Nope"], 150, "no class 'Nope'"),
        (["check", "tests.toys:Jugs"], 150, "is not a Spec subclass"),
        (["check", GRID, "--set", "m=1"], 150, "cannot build Grid"),
        (["check", GRID, "--set", "oops"], 2, "bad --set 'oops'"),
        (["check", POUR, "--invariant", "nope"], 150, "unknown invariant 'nope'"),
    ],
)
def test_bad_input_gets_one_clear_line_and_the_right_exit_code(capsys, argv, code, message):
    got, _, err = run(capsys, *argv)
    assert got == code
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_spec_file_with_a_syntax_error_names_its_line(capsys, tmp_path):
    bad = tmp_path / "bad_spec.py"
    bad.write_text("from ahvlab.checker import Spec\n\nclass S(Spec)\n    pass\n")
    code, _, err = run(capsys, "check", f"{bad}:S")
    assert code == 150 and f"{bad}:3: syntax error" in err


def test_an_output_file_the_user_wrote_is_not_overwritten(capsys, tmp_path):
    mine = tmp_path / "scenario.toml"
    mine.write_text("title = 'mine'\n")
    code, _, err = run(capsys, "check", POUR, "--itf", str(mine))
    assert code == 2 and "refusing to overwrite" in err
    assert mine.read_text() == "title = 'mine'\n"


def test_the_console_script_runs_as_a_process():
    proc = subprocess.run(
        [sys.executable, "-m", "ahvlab.cli", "check", GRID, "--set", "n=1", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["distinct_states"] == 4


@pytest.mark.parametrize(
    ("sig", "code", "said"), [("SIGINT", 130, "Interrupted (Ctrl-C)"), ("SIGTERM", 143, "Terminated (SIGTERM)")]
)
def test_a_signal_stops_a_long_search_with_the_figures_so_far_and_its_exit_code(sig, code, said):
    import signal

    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "ahvlab.cli", "check", "ahvlab.checker.examples.counters:Counters"),
            *("--set", "n=300", "--progress", "0.1"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    progress = proc.stderr.readline()  # TLC's progress line: the search is under way
    assert progress.startswith("Progress(")
    proc.send_signal(getattr(signal, sig))
    out, _err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert f"{said}: the figures are partial." in out
    assert "distinct states found" in out
    assert "No error has been found" not in out
