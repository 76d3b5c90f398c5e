"""Verifying a scenario: play its script, evaluate its checkpoints, run its checks against their expected verdicts."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ahvlab.checker.engine import Options, SpecError
from ahvlab.checker.env import state_env
from ahvlab.checker.errors import SpecLoadError
from ahvlab.checker.expr import ExprError
from ahvlab.checker.junit import Case, Suite
from ahvlab.checker.report import format_time
from ahvlab.checker.result import EXIT_INVARIANT, EXIT_OK, EXIT_SPEC, Result
from ahvlab.checker.run import check as run_search
from ahvlab.checker.trace import Trace
from ahvlab.scenarios.loader import Check, Checkpoint, Scenario, play

Kind = Literal["script", "checkpoint", "check"]


@dataclass(frozen=True)
class Outcome:
    """One verified item of a scenario; ``message`` is one line, ``details`` the counterexample or figures."""

    kind: Kind
    name: str
    ok: bool
    message: str
    details: str = ""
    seconds: float = 0.0
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScenarioReport:
    """Everything ``verify`` found about one scenario (or the error that kept it from being verified)."""

    name: str
    file: str
    title: str = ""
    outcomes: list[Outcome] = field(default_factory=list)
    error: str | None = None
    """The scenario could not be loaded or its script could not be played."""

    @property
    def ok(self) -> bool:
        return self.error is None and all(o.ok for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return EXIT_SPEC
        return EXIT_OK if self.ok else EXIT_INVARIANT


def exit_code(reports: Sequence[ScenarioReport]) -> int:
    """0 when every scenario verifies; 150 if one cannot be loaded or played; else 12."""
    codes = {r.exit_code for r in reports}
    for code in (EXIT_SPEC, EXIT_INVARIANT):
        if code in codes:
            return code
    return EXIT_OK


def evaluate_checkpoint(scenario: Scenario, cp: Checkpoint) -> Outcome:
    start = time.monotonic()
    steps, _ = scenario.played
    try:
        index = scenario.step_index(cp.at)
        state = steps[index].state
        holds = cp.expr.holds(state_env(scenario.spec, state))
    except (ExprError, SpecLoadError) as exc:
        return Outcome("checkpoint", cp.label, False, _at(cp.line) + f"{exc}", seconds=time.monotonic() - start)
    except Exception as exc:
        # A user's spec that raises while naming its state: a failed checkpoint, not a traceback.
        msg = f"the spec raised {type(exc).__name__}: {exc}"
        return Outcome("checkpoint", cp.label, False, _at(cp.line) + msg, seconds=time.monotonic() - start)
    t = format_time(scenario.spec.time_of(state))
    where = f"step {index}" + (f" ({t})" if t else "")
    if holds:
        return Outcome("checkpoint", cp.label, True, f"holds at {where}", seconds=time.monotonic() - start)
    why = f" -- {cp.say}" if cp.say else ""
    env = state_env(scenario.spec, state)
    shown = ", ".join(f"{n} = {_short(env[n])}" for n in sorted(cp.expr.names()) if n in env)
    return Outcome(
        "checkpoint",
        cp.label,
        False,
        _at(cp.line) + f"false at {where}{why}",
        details=f"{cp.expr.text}\nwhere {shown}" if shown else cp.expr.text,
        seconds=time.monotonic() - start,
    )


def _short(v: Any) -> str:
    from ahvlab.checker.report import show_value

    text = show_value(v)
    return text if len(text) <= 300 else text[:297] + "..."


def run_check(scenario: Scenario, check: Check) -> tuple[Outcome, Result | None]:
    """Run one check; the outcome says whether the verdict is the expected one."""
    start = time.monotonic()
    try:
        spec = scenario.spec_with(check.mutations)
        index = scenario.step_index(check.start)
        init = None
        if index:
            # A what-if spec starts from the state the script reaches when played on it.
            steps = play(scenario, spec)[0] if check.mutations else scenario.played[0]
            init = [steps[index].state]
        opts = Options(
            max_depth=check.depth,
            max_states=check.max_states,
            # An example check looks for its state only: no invariant may cut the search short.
            invariants=[] if check.example else list(check.invariants) if check.invariants else None,
            deadlock=check.deadlock,
            examples=check.example is not None,
            init_states=init,
            # A pinned shortest length or state count is a figure of the full graph.
            reduction=check.length is None and check.distinct_states is None,
        )
        result = run_search(spec, opts, liveness=False)
    except (SpecLoadError, SpecError) as exc:
        return Outcome("check", check.name, False, _at(check.line) + f"{exc}", seconds=time.monotonic() - start), None
    f = result.figures
    figures = {
        "distinct_states": f.distinct,
        "states_generated": f.generated,
        "depth": f.depth,
        "complete": result.complete,
        "verdict": result.verdict,
    }
    bound = "" if result.complete else f" within depth {check.depth}" if check.depth else " within the bound"
    counted = f"{f.distinct} distinct states, depth {f.depth}"
    v = result.violation
    seconds = time.monotonic() - start
    problems: list[str] = []
    details = ""
    if check.example is not None:
        trace = result.examples.get(check.example)
        if check.expect == "found":
            if trace is None:
                problems.append(f"expected to find example {check.example}, but no state has it{bound} ({counted})")
                message = ""
            else:
                message = f"found: the shortest run to {check.example} has {len(trace) - 1} steps ({counted})"
                details = _cex(spec, trace)
                if check.length is not None and len(trace) - 1 != check.length:
                    problems.append(
                        f"the shortest run to {check.example} has {len(trace) - 1} steps, not {check.length}"
                    )
        else:
            message = f"absent: no state has {check.example}{bound} ({counted})"
            if trace is not None:
                problems.append(f"expected no example {check.example}, but one is reached in {len(trace) - 1} steps")
                details = _cex(spec, trace)
    elif check.expect == "holds":
        if v is not None:
            what = "deadlock reached" if v.kind == "deadlock" else f"{v.name} is violated"
            problems.append(f"expected to hold, but {what} after {len(v.trace) - 1} steps")
            details = _cex(spec, v.trace)
        message = f"holds{bound} ({counted})"
    else:
        if v is None:
            problems.append(f"expected to fail, but no violation was found{bound} ({counted})")
        elif v.kind != "invariant" or (check.invariants and v.name not in check.invariants):
            problems.append(f"expected {', '.join(check.invariants or ['an invariant'])} to fail, but {v.name} failed")
            details = _cex(spec, v.trace)
        elif check.length is not None and len(v.trace) - 1 != check.length:
            problems.append(f"the shortest counterexample has {len(v.trace) - 1} steps, not {check.length}")
            details = _cex(spec, v.trace)
        else:
            details = _cex(spec, v.trace)
        message = f"fails as expected: {v.name if v else '?'} violated after {len(v.trace) - 1 if v else 0} steps"
    if check.distinct_states is not None and f.distinct != check.distinct_states:
        problems.append(f"found {f.distinct} distinct states, not {check.distinct_states}")
    if problems:
        return Outcome(
            "check", check.name, False, _at(check.line) + "; ".join(problems), details, seconds, figures
        ), result
    return Outcome("check", check.name, True, message, details, seconds, figures), result


def _at(line: int | None) -> str:
    return f"line {line}: " if line else ""


def _cex(spec: Any, trace: Trace) -> str:
    """A counterexample in the scenario's own names (hosts by number, VMs by name), only what changed."""
    from ahvlab.scenarios.show import change_lines, step_label

    lines: list[str] = []
    for i, st in enumerate(trace.steps):
        t = format_time(spec.time_of(st.state))
        lines.append(f"State {i + 1}: {step_label(spec, st)}" + (f"  {t}" if t else ""))
        before = trace.steps[i - 1].state if i else None
        lines.extend(f"  {line}" for line in change_lines(spec, before, st.state))
    return "\n".join(lines)


def verify(scenario: Scenario) -> ScenarioReport:
    """Play the script, evaluate every checkpoint and run every check."""
    report = ScenarioReport(scenario.name, scenario.file, scenario.title)
    start = time.monotonic()
    try:
        steps, _ = scenario.played
    except SpecLoadError as exc:
        report.error = str(exc)
        report.outcomes.append(Outcome("script", "script", False, str(exc), seconds=time.monotonic() - start))
        return report
    end = format_time(scenario.spec.time_of(steps[-1].state))
    report.outcomes.append(
        Outcome(
            "script",
            "script",
            True,
            f"{len(steps) - 1} steps played" + (f", ends at {end}" if end else ""),
            seconds=time.monotonic() - start,
        )
    )
    for cp in scenario.checkpoints:
        report.outcomes.append(evaluate_checkpoint(scenario, cp))
    for check in scenario.checks:
        report.outcomes.append(run_check(scenario, check)[0])
    return report


def junit_suites(reports: Sequence[ScenarioReport]) -> list[Suite]:
    """One JUnit suite per scenario; one testcase per script, checkpoint and check.

    A scenario that cannot be loaded or played (exit 150) is an ``<error>``, a
    verdict other than the expected one (exit 12) a ``<failure>``.
    """
    suites = []
    for r in reports:
        cls = f"ahvlab.scenario.{r.name}"
        cases = [
            Case(
                f"{o.kind}: {o.name}",
                cls,
                o.seconds,
                None if o.ok or (r.error is not None and o.kind == "script") else o.message,
                o.details or ("" if not o.ok else o.message),
                error=o.message if r.error is not None and o.kind == "script" and not o.ok else None,
            )
            for o in r.outcomes
        ]
        suites.append(Suite(f"scenario {r.name}", cases, sum(o.seconds for o in r.outcomes)))
    return suites


def report_json(reports: Sequence[ScenarioReport]) -> dict[str, Any]:
    """The JSON shape of ``scenario verify --json``."""
    return {
        "result": "ok" if all(r.ok for r in reports) else "failed",
        "exit_code": exit_code(reports),
        "scenarios": [
            {
                "name": r.name,
                "file": r.file,
                "title": r.title,
                "ok": r.ok,
                "error": r.error,
                "outcomes": [
                    {
                        "kind": o.kind,
                        "name": o.name,
                        "ok": o.ok,
                        "message": o.message,
                        **({"figures": o.figures} if o.figures else {}),
                        **({"details": o.details} if o.details and not o.ok else {}),
                    }
                    for o in r.outcomes
                ],
            }
            for r in reports
        ],
    }
