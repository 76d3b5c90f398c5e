"""Helpers for a user's own pytest suite: assert that a spec or a scenario holds.

::

    from ahvlab.testing import assert_scenario_verifies, assert_spec_holds, assert_spec_violates

    def test_my_scenario():
        assert_scenario_verifies("scenarios/my_cluster.toml")

    def test_no_phantom_vm_within_12_steps():
        assert_spec_holds(my_spec, invariants=["no_phantom_vm"], max_depth=12)

A failure raises ``AssertionError`` whose message carries the counterexample,
step by step, as ``ahvlab check`` prints it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ahvlab.checker.engine import Options
from ahvlab.checker.report import figure_lines, trace_lines
from ahvlab.checker.result import Result
from ahvlab.checker.run import check
from ahvlab.checker.spec import Spec
from ahvlab.checker.trace import Trace
from ahvlab.scenarios import Scenario, ScenarioReport, find_scenario, verify

__all__ = [
    "assert_scenario_verifies",
    "assert_spec_holds",
    "assert_spec_violates",
    "check_spec",
]


def check_spec(
    spec: Spec,
    invariants: Sequence[str] | None = None,
    *,
    max_depth: int | None = None,
    max_states: int | None = None,
    deadlock: bool = False,
) -> Result:
    """One breadth-first run of the checker (shortest counterexamples)."""
    opts = Options(
        max_depth=max_depth,
        max_states=max_states,
        invariants=list(invariants) if invariants is not None else None,
        deadlock=deadlock,
        examples=False,
    )
    return check(spec, opts, liveness=False)


def assert_spec_holds(
    spec: Spec,
    invariants: Sequence[str] | None = None,
    *,
    max_depth: int | None = None,
    max_states: int | None = None,
    deadlock: bool = False,
    distinct_states: int | None = None,
) -> Result:
    """Assert that no reachable state (within the bounds) violates the invariants; returns the result.

    ``distinct_states`` pins the exact number of distinct states found, so that a
    change in the model's state space shows up in the test.
    """
    result = check_spec(spec, invariants, max_depth=max_depth, max_states=max_states, deadlock=deadlock)
    v = result.violation
    if v is not None:
        what = "Deadlock reached" if v.kind == "deadlock" else f"{v.name} is violated ({v.doc})"
        raise AssertionError(f"{spec.name}: {what} after {len(v.trace) - 1} steps:\n{_trace(spec, v.trace)}")
    if distinct_states is not None and result.figures.distinct != distinct_states:
        figures = "\n".join(figure_lines(result.figures))
        raise AssertionError(
            f"{spec.name}: expected {distinct_states} distinct states, found {result.figures.distinct}\n{figures}"
        )
    return result


def assert_spec_violates(
    spec: Spec,
    invariant: str,
    *,
    max_depth: int | None = None,
    max_states: int | None = None,
    length: int | None = None,
) -> Trace:
    """Assert that the checker finds ``invariant`` violated; returns the (shortest) counterexample.

    ``length`` pins the number of steps of that counterexample.
    """
    result = check_spec(spec, [invariant], max_depth=max_depth, max_states=max_states)
    v = result.violation
    if v is None:
        bound = f" within depth {max_depth}" if max_depth else ""
        raise AssertionError(
            f"{spec.name}: expected {invariant} to be violated{bound}, but it holds "
            f"({result.figures.distinct} distinct states)"
        )
    if v.kind != "invariant" or v.name != invariant:
        raise AssertionError(f"{spec.name}: expected {invariant} to be violated, but {v.kind} {v.name} came first")
    if length is not None and len(v.trace) - 1 != length:
        raise AssertionError(
            f"{spec.name}: the counterexample has {len(v.trace) - 1} steps, not {length}:\n{_trace(spec, v.trace)}"
        )
    return v.trace


def assert_scenario_verifies(scenario: str | Path | Scenario) -> ScenarioReport:
    """Assert that a scenario (bundled name, .toml path, or loaded) plays, and its checkpoints and checks pass."""
    loaded = scenario if isinstance(scenario, Scenario) else find_scenario(str(scenario))
    report = verify(loaded)
    if not report.ok:
        lines = [f"scenario {loaded.name} ({loaded.file}) does not verify:"]
        for o in report.outcomes:
            if not o.ok:
                lines.append(f"  {o.kind} {o.name}: {o.message}")
                lines.extend(f"    {line}" for line in o.details.splitlines())
        raise AssertionError("\n".join(lines))
    return report


def _trace(spec: Spec, trace: Trace) -> str:
    return "\n".join(trace_lines(spec, trace))
