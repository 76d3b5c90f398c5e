"""How a run ends when it does not run out of states: bounds, signals, memory, and spec hooks that fail.

Pinned: a bound exits 0 and says "bounded" (report, ``--json``, JUnit); SIGINT exits
130 and SIGTERM 143 from any phase, with the figures so far and the reports written;
out of memory exits 153; a failing spec hook exits 150 with one line naming the hook,
the class and the spec's line, and a violation found before it is still printed.
"""

from __future__ import annotations

import json
import os
import signal
import xml.etree.ElementTree as ET

import pytest

from ahvlab.checker import junit
from ahvlab.checker.engine import Options, search
from ahvlab.cli import main
from tests import toys
from tests.toys import Grid

B = "tests.toys:"
GRID = "tests.toys:Grid"
COUNTERS = "ahvlab.checker.examples.counters:Counters"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def junit_counts(path):
    root = ET.parse(path).getroot()
    return {k: int(root.get(k, "0")) for k in ("tests", "failures", "errors", "skipped")}


# -- bounds --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "stopped"),
    [
        (("--max-depth", "3"), "max-depth"),
        (("--max-states", "7"), "max-states"),
        (("--max-seconds", "0.000001", "--set", "n=150"), "max-seconds"),
    ],
)
def test_a_bounded_run_exits_0_and_says_bounded_everywhere(capsys, tmp_path, flags, stopped):
    argv = ["check", COUNTERS if "n=150" in flags else GRID, *flags, "--no-deadlock"]
    if "n=150" not in flags:
        argv += ["--set", "n=20"]
    code, out, _ = run(capsys, *argv, "--junit", str(tmp_path / "r.xml"))
    assert code == 0
    assert f"Search bounded (--{stopped}): no error found within the bound." in out
    counts = junit_counts(tmp_path / "r.xml")
    assert counts["failures"] == counts["errors"] == 0
    code, out, _ = run(capsys, *argv, "--json")
    data = json.loads(out)
    assert code == data["exit_code"] == 0
    assert data["complete"] is False and data["stopped"] == stopped and data["result"] == "ok"


def test_junit_stop_reason_speaks_the_flags_spelling():
    for opts, said in ((Options(max_depth=3), "max-depth 3"), (Options(max_states=9), "max-states 9")):
        assert junit.stop_reason(search(Grid(n=20), opts)) == said


def test_max_states_stops_at_exactly_n_from_the_command_line(capsys):
    code, out, _ = run(capsys, "check", COUNTERS, "--set", "n=40", "--max-states", "5000", "--json")
    assert code == 0 and json.loads(out)["distinct_states"] == 5000


# -- signals -----------------------------------------------------------------


def test_a_signal_during_liveness_stops_it_with_the_safety_figures(capsys, monkeypatch, tmp_path):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("ahvlab.checker.run.check_graph", interrupted)
    argv = ("check", B + "Settles", "--no-deadlock", "--junit", str(tmp_path / "r.xml"))
    code, out, _ = run(capsys, *argv, "--json")
    data = json.loads(out)
    assert code == data["exit_code"] == 130
    assert data["stopped"] == "interrupted" and data["complete"] is False and data["liveness_seconds"] is None
    assert data["distinct_states"] == 4
    counts = junit_counts(tmp_path / "r.xml")
    assert counts["errors"] == 1 and counts["failures"] == 0
    code, out, _ = run(capsys, *argv, "--force")
    assert code == 130 and "Interrupted (Ctrl-C): the figures are partial." in out


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_the_outputs_are_written_lets_them_finish_then_exits_with_its_code(
    capsys, monkeypatch, tmp_path, sig, code
):
    from ahvlab.checker import itf

    real = itf.write_itf

    def signalled(*args, **kwargs):
        os.kill(os.getpid(), sig)  # arrives while ahvlab writes: recorded, not raised
        real(*args, **kwargs)

    monkeypatch.setattr("ahvlab.commands.check.write_itf", signalled)
    trace, report = tmp_path / "cex.itf.json", tmp_path / "r.xml"
    got, out, _ = run(capsys, "check", "tests.toys:Pour", "--itf", str(trace), "--junit", str(report))
    assert got == 12  # a violation is a verdict: the signal came after it was found and printed
    assert "Invariant big_is_not_4 is violated" in out
    assert json.loads(trace.read_text())["states"] and junit_counts(report)["failures"] == 1
    got, out, _ = run(capsys, "check", GRID, "--set", "n=2", "--itf", str(trace), "--force")
    assert got == 0  # no counterexample: write_itf is not called, so no signal


def test_a_signal_after_a_clean_run_exits_with_its_code(capsys, monkeypatch, tmp_path):
    from ahvlab.checker import junit as junit_module

    real = junit_module.write_junit

    def signalled(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        real(*args, **kwargs)

    monkeypatch.setattr("ahvlab.commands.check.write_junit", signalled)
    code, out, _ = run(capsys, "check", GRID, "--set", "n=2", "--junit", str(tmp_path / "r.xml"))
    assert code == 143
    assert "Model checking completed" in out and (tmp_path / "r.xml").exists()


def test_the_signal_handlers_are_restored_after_a_run(capsys):
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    run(capsys, "check", GRID, "--set", "n=1")
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_the_signal_handlers_are_restored_after_an_interrupted_run(capsys, monkeypatch):
    import time

    def ctrl_c(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # a real SIGINT during liveness, through ahvlab's handler
        time.sleep(60)  # never slept: the handler raises KeyboardInterrupt, at the latest when sleep starts

    monkeypatch.setattr("ahvlab.checker.run.check_graph", ctrl_c)
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    code, out, _ = run(capsys, "check", B + "Settles", "--no-deadlock")
    assert code == 130 and "Interrupted (Ctrl-C): the figures are partial." in out
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


# -- memory ----------------------------------------------------------------------


@pytest.mark.parametrize("command", [("check",), ("check", "--engine", "dfs"), ("simulate", "--runs", "3")])
def test_out_of_memory_exits_153_with_the_figures_and_the_reports(capsys, tmp_path, command):
    report = tmp_path / "r.xml"
    code, out, err = run(capsys, *command, B + "Hungry", "--junit", str(report))
    assert code == 153, err
    assert "Out of memory after" in out and "distinct states" in out and "Traceback" not in err
    assert junit_counts(report)["errors"] == 1
    code, out, _ = run(capsys, *command, B + "Hungry", "--json")
    data = json.loads(out)
    assert code == data["exit_code"] == 153 and data["stopped"] == "out-of-memory"


# -- spec hooks ------------------------------------------------------------------

HOOKS = [
    ("InitRaises", "init", "RuntimeError"),
    ("InitNotIterable", "init", "not iterable"),
    ("ConstraintRaises", "constraint", "ZeroDivisionError"),
    ("ViewList", "view", "not hashable"),
    ("ViewListLater", "view", "not hashable"),
    ("ReturnsNone", "action 'step'", "returned None"),
    ("ReturnsInt", "action 'step'", "returned an int"),
    ("ReturnsNoneLater", "action 'step'", "(params, next_state) pairs"),
    ("Recurses", "action 'step'", "RecursionError"),
    ("ExitsInAction", "action 'step'", "called sys.exit(5)"),
    ("InvariantRaises", "invariant 'small'", "KeyError"),
]


@pytest.mark.parametrize("command", [("check",), ("check", "--engine", "dfs"), ("simulate", "--runs", "5")])
@pytest.mark.parametrize(("cls", "hook", "said"), HOOKS)
def test_a_failing_spec_hook_is_one_line_naming_hook_class_and_line(capsys, command, cls, hook, said):
    code, _out, err = run(capsys, *command, B + cls, "--no-deadlock")
    assert code == 150
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"ahvlab: spec error in {hook} of {cls}: it ") and said in lines[0]
    assert lines[0].endswith(")") and f"{toys.__file__}:" in lines[0]


@pytest.mark.parametrize("command", [("shell", "--script", "SCRIPT"), ("tui",), ("serve",)])
@pytest.mark.parametrize("cls", ["InitRaises", "InitNotIterable"])
def test_the_interactive_front_ends_refuse_a_failing_init_in_one_line(capsys, tmp_path, command, cls):
    script = tmp_path / "script.txt"
    script.write_text("show\n")
    command = tuple(str(script) if word == "SCRIPT" else word for word in command)
    code, _out, err = run(capsys, command[0], B + cls, *command[1:])
    assert code == 150
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"ahvlab: spec error in init of {cls}: it "), err


@pytest.mark.parametrize(
    ("cls", "hook"), [("FormatFails", "format_state"), ("StepFormatFails", "format_step"), ("TimeFails", "time_of")]
)
@pytest.mark.parametrize("command", [("check",), ("simulate", "--runs", "5")])
def test_a_report_hook_failing_after_a_violation_still_prints_the_violation(capsys, tmp_path, command, cls, hook):
    code, out, err = run(
        capsys, *command, B + cls, "--junit", str(tmp_path / "r.xml"), "--itf", str(tmp_path / "t.itf.json")
    )
    assert code == 150
    assert out.count("Error: Invariant below_2 is violated.") == 1
    assert "State 3: step" in out and "S(x=2)" in out
    assert err.strip().splitlines() == [err.strip()] and f"spec error in {hook} of {cls}" in err
    code, out, err = run(capsys, *command, B + cls, "--json")
    data = json.loads(out)
    assert code == data["exit_code"] == (12 if hook == "format_step" else 150)  # --json names no step
    assert data["violation"]["name"] == "below_2"


def test_a_constructor_refusing_a_constant_is_a_spec_error(capsys):
    code, _, err = run(capsys, "check", B + "Picky", "--set", "n=-1")
    assert code == 150 and "spec error in the constructor of Picky: it raised ValueError" in err


# -- reports -----------------------------------------------------------------------


def test_markup_and_emoji_codes_in_a_spec_are_printed_literally(capsys):
    code, out, _ = run(capsys, "check", B + "Marked")
    assert code == 12
    assert "Model checking [bold]Marked[/] :smile:" in out
    assert "State 2: [/vm] step [login] :smile: file.toml:100:" in out


def test_junit_skips_the_invariants_not_chosen(capsys, tmp_path):
    report = tmp_path / "r.xml"
    code, _, _ = run(capsys, "check", B + "Two", "--invariant", "at_most_3", "--no-deadlock", "--junit", str(report))
    assert code == 0
    cases = {c.get("name"): c for c in ET.parse(report).getroot().iter("testcase")}
    assert cases["at_most_3"].find("skipped") is None
    assert "--invariant" in cases["not_negative"].find("skipped").get("message")


def test_dash_writes_an_output_to_stdout_and_the_report_to_stderr(capsys):
    code, out, err = run(capsys, "check", "tests.toys:Pour", "--itf", "-")
    assert code == 12
    assert json.loads(out)["#meta"]["generator"] == "ahvlab"
    assert "Invariant big_is_not_4 is violated" in err
