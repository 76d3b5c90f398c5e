"""JUnit XML for CI: one testcase per checked property, the counterexample in the failure.

The report says what the exit code says: a run that exits 0 has no failure and no
error. Properties checked on every state a bounded search reached are passed, and
the suite's ``bound`` property says which bound; what a run did not decide is
skipped with the reason; a file that could not be loaded is an error.
"""

from __future__ import annotations

import datetime
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ahvlab.checker.output import safe_write_text
from ahvlab.checker.report import closing_line, figure_lines, trace_lines
from ahvlab.checker.result import STOP_EXIT_CODES, Result
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
    error: str | None = None
    """The error's message (one line) when the case could not be run at all (a file that does not load)."""

    @property
    def status(self) -> str:
        """``error``, ``failure``, ``skipped`` or ``passed``: one per case, in that order of precedence."""
        if self.error:
            return "error"
        if self.failure:
            return "failure"
        if self.skipped:
            return "skipped"
        return "passed"


@dataclass(frozen=True)
class Suite:
    name: str
    cases: Sequence[Case] = field(default_factory=list)
    seconds: float = 0.0
    properties: Mapping[str, str] = field(default_factory=dict)
    """Suite-level ``<property>`` elements, e.g. ``bound``."""
    timestamp: str | None = None
    """When the suite started, ISO 8601 without a zone (UTC), as the JUnit schema wants; now if None."""


def stop_reason(result: Result) -> str | None:
    """Why a search that found nothing stopped before exploring every state, in flag terms; None if it did not.

    ``max-depth 12``, ``max-states 50000``, ``max-seconds``, ``interrupted``, ...
    """
    if result.complete or (result.violation is not None and not result.continued):
        return None
    f = result.figures
    if result.engine == "simulate" and f.stopped is None:
        return f"simulation ({f.distinct} distinct states)"
    stopped = (f.stopped or "").replace("_", "-")
    if stopped in ("", "max-depth"):
        # A search bounded by depth explores every level up to the bound.
        return f"max-depth {f.depth}"
    if stopped == "max-states":
        return f"max-states {f.distinct}"
    return stopped


def _bounded(reason: str | None) -> bool:
    """A bound the user set (depth, states, time, simulation), as opposed to a run that was stopped."""
    return reason is not None and reason.startswith(("max-", "simulation"))


def check_junit(spec: Spec, result: Result) -> list[Suite]:
    """One suite for a check run: a case per invariant, one for deadlock, one per temporal property and example.

    After ``check --continue`` every violated property is a failure with its own counterexample.
    """
    failed = {f.name: f for f in result.all_violations()}
    # After --continue the search went on past the violations: what did not fail held (within any bound).
    v = None if result.continued else result.violation
    figures = "\n".join(figure_lines(result.figures))
    reason = stop_reason(result)
    cases: list[Case] = []
    cls = f"ahvlab.{spec.name}"

    def cex(name: str) -> str:
        f = failed[name]
        why = f"Why: {f.blame}\n" if f.blame else ""
        return why + "\n".join(trace_lines(spec, f.trace))

    chosen = None if result.invariants is None else set(result.invariants)
    for inv in spec.invariants():
        if chosen is not None and inv.name not in chosen:
            cases.append(Case(inv.name, cls, 0.0, skipped="not checked: not chosen by --invariant"))
        elif inv.name in failed and failed[inv.name].kind == "invariant":
            cases.append(
                Case(
                    inv.name, cls, result.figures.seconds, f"Invariant {inv.name} is violated: {inv.doc}", cex(inv.name)
                )
            )
        elif v is not None:
            cases.append(Case(inv.name, cls, 0.0, skipped=f"not decided: the search stopped at {v.name}"))
        elif reason is None:
            cases.append(Case(inv.name, cls, 0.0, details=figures))
        elif _bounded(reason):
            held = f"holds in every state reached within {reason}\n{figures}"
            cases.append(Case(inv.name, cls, 0.0, details=held))
        else:
            cases.append(Case(inv.name, cls, 0.0, skipped=f"not decided: the search was {reason}"))
    if "deadlock" in failed and failed["deadlock"].kind == "deadlock":
        cases.append(Case("deadlock", cls, result.figures.seconds, "Deadlock reached", cex("deadlock")))
    checked_live = result.figures.liveness_seconds is not None
    for prop in spec.properties():
        if prop.kind == "sometimes":
            continue
        if prop.name in failed and failed[prop.name].kind == "liveness":
            cases.append(
                Case(
                    prop.name, cls, result.figures.seconds, f"Temporal property {prop.name} is violated", cex(prop.name)
                )
            )
        elif checked_live and (v is None or v.kind == "liveness"):
            cases.append(Case(prop.name, cls, 0.0, details=f"holds: {prop.doc}"))
        elif reason is not None:
            cases.append(Case(prop.name, cls, 0.0, skipped=f"not checked: the search was not complete ({reason})"))
        else:
            cases.append(Case(prop.name, cls, 0.0, skipped="temporal properties were not checked in this run"))
    for name, trace in result.examples.items():
        if trace is not None:
            cases.append(Case(f"example {name}", cls, 0.0, details=f"found in {len(trace)} states"))
            continue
        # An example is a demonstration, not a requirement: not finding one does not fail the run.
        where = f"within {reason}" if reason else "in any reachable state" if v is None else f"before {v.name}"
        cases.append(Case(f"example {name}", cls, 0.0, skipped=f"example {name} was not found {where}"))
    if v is None and result.figures.stopped in STOP_EXIT_CODES:
        # A run a signal or the memory stopped exits non-zero: the report says so with an error, as CI expects.
        why = closing_line(result) or result.figures.stopped
        cases.append(Case("run", cls, result.figures.seconds, error=why, details=figures))
    props = {"bound": reason} if reason else {}
    return [Suite(spec.name, cases, result.figures.seconds, props)]


def _counts(cases: Sequence[Case]) -> dict[str, str]:
    statuses = [c.status for c in cases]
    return {
        "tests": str(len(cases)),
        "failures": str(statuses.count("failure")),
        "errors": str(statuses.count("error")),
        "skipped": str(statuses.count("skipped")),
    }


# XML 1.0 cannot carry these, even escaped; a spec's strings may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0).isoformat()


def to_xml(suites: Sequence[Suite]) -> str:
    """The JUnit XML of ``suites`` (``<testsuites name="ahvlab">``, the root by which ahvlab knows its own file)."""
    root = ET.Element("testsuites", name="ahvlab")
    every = [c for s in suites for c in s.cases]
    host = socket.gethostname() or "localhost"
    for suite in suites:
        attrs = {
            "name": _x(suite.name),
            **_counts(suite.cases),
            "time": f"{suite.seconds:.3f}",
            "timestamp": suite.timestamp or _now(),
            "hostname": host,
        }
        s = ET.SubElement(root, "testsuite", attrs)
        if suite.properties:
            props = ET.SubElement(s, "properties")
            for key, value in suite.properties.items():
                ET.SubElement(props, "property", name=_x(key), value=_x(value))
        for case in suite.cases:
            e = ET.SubElement(
                s, "testcase", name=_x(case.name), classname=_x(case.classname), time=f"{case.seconds:.3f}"
            )
            status = case.status
            if status == "error":
                err = ET.SubElement(e, "error", message=_x(case.error or ""), type="ahvlab.error")
                err.text = _x(case.details) or None
            elif status == "failure":
                fail = ET.SubElement(e, "failure", message=_x(case.failure or ""), type="ahvlab.violation")
                fail.text = _x(case.details)
            else:
                if status == "skipped":
                    ET.SubElement(e, "skipped", message=_x(case.skipped or ""))
                if case.details:
                    ET.SubElement(e, "system-out").text = _x(case.details)
    for key, value in _counts(every).items():
        root.set(key, value)
    root.set("time", f"{sum(s.seconds for s in suites):.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(path: str | Path, suites: Sequence[Suite], *, force: bool = False) -> None:
    """Write the JUnit XML of ``suites`` (never over a file ahvlab did not write, unless ``force``)."""
    safe_write_text(path, to_xml(suites), kind="junit", force=force)
