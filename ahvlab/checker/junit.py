"""JUnit XML for CI: one testcase per checked property, the counterexample in the failure."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ahvlab.checker.output import safe_write_text
from ahvlab.checker.report import figure_lines, trace_lines
from ahvlab.checker.result import Result
from ahvlab.checker.spec import Spec


@dataclass(frozen=True)
class Case:
    name: str
    classname: str
    seconds: float = 0.0
    failure: str | None = None
    """The failure's message (one line); None when the case passed."""
    details: str = ""
    skipped: str | None = None


@dataclass(frozen=True)
class Suite:
    name: str
    cases: Sequence[Case] = field(default_factory=list)
    seconds: float = 0.0


def check_junit(spec: Spec, result: Result) -> list[Suite]:
    """One suite for a check run: a case per invariant, one for deadlock, one per example."""
    v = result.violation
    cex = "\n".join(trace_lines(spec, v.trace)) if v else ""
    figures = "\n".join(figure_lines(result.figures))
    cases: list[Case] = []
    cls = f"ahvlab.{spec.name}"
    for inv in spec.invariants():
        if v is not None and v.kind == "invariant" and v.name == inv.name:
            cases.append(
                Case(inv.name, cls, result.figures.seconds, f"Invariant {inv.name} is violated: {inv.doc}", cex)
            )
        elif v is not None or not result.complete:
            reason = "not reached: the search stopped early" if v is None else f"not decided: stopped at {v.name}"
            cases.append(Case(inv.name, cls, 0.0, skipped=reason))
        else:
            cases.append(Case(inv.name, cls, 0.0, details=figures))
    if v is not None and v.kind == "deadlock":
        cases.append(Case("deadlock", cls, result.figures.seconds, "Deadlock reached", cex))
    checked_live = result.figures.liveness_seconds is not None
    for prop in spec.properties():
        if prop.kind == "sometimes":
            continue
        if v is not None and v.kind == "liveness" and v.name == prop.name:
            cases.append(
                Case(prop.name, cls, result.figures.seconds, f"Temporal property {prop.name} is violated", cex)
            )
        elif checked_live and (v is None or v.kind == "liveness"):
            cases.append(Case(prop.name, cls, 0.0, details=f"holds: {prop.doc}"))
        else:
            cases.append(Case(prop.name, cls, 0.0, skipped="temporal properties were not checked in this run"))
    for name, trace in result.examples.items():
        if trace is None:
            cases.append(Case(f"example {name}", cls, 0.0, f"Example {name} was not found"))
        else:
            cases.append(Case(f"example {name}", cls, 0.0, details=f"found in {len(trace)} states"))
    return [Suite(spec.name, cases, result.figures.seconds)]


def to_xml(suites: Sequence[Suite]) -> str:
    root = ET.Element("testsuites", name="ahvlab")
    total = failures = skipped = 0
    for suite in suites:
        s = ET.SubElement(
            root,
            "testsuite",
            name=suite.name,
            tests=str(len(suite.cases)),
            failures=str(sum(1 for c in suite.cases if c.failure)),
            skipped=str(sum(1 for c in suite.cases if c.skipped)),
            time=f"{suite.seconds:.3f}",
        )
        for case in suite.cases:
            total += 1
            e = ET.SubElement(s, "testcase", name=case.name, classname=case.classname, time=f"{case.seconds:.3f}")
            if case.failure:
                failures += 1
                f = ET.SubElement(e, "failure", message=case.failure, type="ahvlab.violation")
                f.text = case.details
            elif case.skipped:
                skipped += 1
                ET.SubElement(e, "skipped", message=case.skipped)
            elif case.details:
                ET.SubElement(e, "system-out").text = case.details
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(path: str | Path, suites: Sequence[Suite], *, force: bool = False) -> None:
    safe_write_text(path, to_xml(suites), force=force)
