"""Rendering a scenario for people: what changed at a step, the timeline table, the expected verdicts."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any

from ahvlab.checker.report import format_time, show_value
from ahvlab.checker.spec import Spec
from ahvlab.checker.trace import Step
from ahvlab.scenarios import ahv
from ahvlab.scenarios.env import display_vars
from ahvlab.scenarios.loader import Check, Scenario

MAX_WIDTH = 160


def _short(text: str) -> str:
    return text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 3] + "..."


def _whole(old: Any, new: Any) -> bool:
    """A short table or tuple that changed in many places reads better whole: ``health = {1: False, ...}``."""
    if isinstance(new, Mapping):
        changed = sum(1 for k in {*old, *new} if old.get(k) != new.get(k))
    elif isinstance(new, tuple) and not hasattr(new, "_fields") and len(old) == len(new):
        changed = sum(1 for a, b in zip(old, new, strict=True) if a != b)
    else:
        return False
    return changed > 2 and len(show_value(new)) <= 80


def _fine(name: str, old: Any, new: Any, depth: int, out: list[tuple[str, Any, Any]]) -> None:
    """Split a changed value into the parts that changed, so a projector shows ``vm[2].host``, not the whole VM."""
    if depth > 0 and old is not None and type(old) is type(new) and not _whole(old, new):
        if isinstance(new, tuple) and hasattr(new, "_fields"):
            for f in new._fields:
                a, b = getattr(old, f), getattr(new, f)
                if a != b:
                    _fine(f"{name}.{f}", a, b, depth - 1, out)
            return
        if isinstance(new, tuple) and len(old) == len(new):
            for i, (a, b) in enumerate(zip(old, new, strict=True)):
                if a != b:
                    _fine(f"{name}[{i}]", a, b, depth - 1, out)
            return
        if isinstance(new, Mapping):
            for k in dict.fromkeys([*old, *new]):
                a, b = old.get(k), new.get(k)
                if a != b:
                    _fine(f"{name}[{show_value(k)}]", a, b, depth - 1, out)
            return
    out.append((name, old, new))


def change_lines(spec: Spec, before: Any | None, after: Any) -> list[str]:
    """``name = new (was old)`` for each changed part; sets show what was added and removed."""
    new_vars = display_vars(spec, after)
    if before is None and ahv.is_ahv(spec):
        return ahv.summary(spec, after)
    if before is None:
        # The whole state, one line per host or VM when a variable is a table of them.
        lines: list[str] = []
        for k, v in new_vars.items():
            if isinstance(v, Mapping) and v:
                lines.extend(_short(f"{k}[{show_value(key)}] = {show_value(x)}") for key, x in v.items())
            else:
                lines.append(_short(f"{k} = {show_value(v)}"))
        return lines
    old_vars = display_vars(spec, before)
    parts: list[tuple[str, Any, Any]] = []
    for k, v in new_vars.items():
        if old_vars.get(k) != v:
            _fine(k, old_vars.get(k), v, 3, parts)
    lines = []
    for name, old, new in parts:
        if isinstance(old, frozenset) and isinstance(new, frozenset):
            delta = [f"+{show_value(x)}" for x in sorted(new - old, key=repr)]
            delta += [f"-{show_value(x)}" for x in sorted(old - new, key=repr)]
            lines.append(_short(f"{name} = {show_value(new)}  ({' '.join(delta)})"))
        else:
            lines.append(_short(f"{name} = {show_value(new)}  (was {show_value(old)})"))
    return lines


def step_label(spec: Spec, step: Step) -> str:
    return "init" if step.action is None else spec.format_step(step.action, step.params)


def _ha_notes(spec: Spec, before: Any, after: Any) -> list[str]:
    """What the control plane did in a step, in the brief's words: HA phases per host, the leader."""
    if not ahv.is_ahv(spec):
        return []
    old, new = ahv.names(spec, before), ahv.names(spec, after)
    notes = [f"host {h}: {new['ha'][h]}" for h in new["ha"] if new["ha"][h] != old["ha"].get(h)]
    if new["leaders"] != old["leaders"]:
        notes.append("leader: " + (", ".join(str(h) for h in sorted(new["leaders"])) or "none"))
    for name, copies in new["copies"].items():
        if copies != old["copies"].get(name):
            notes.append(f"{name} runs on " + (", ".join(str(h) for h in copies) or "no host"))
    return notes


def timeline_rows(scenario: Scenario) -> list[tuple[str, str, str]]:
    """The script as a timeline: per model time, the actions taken and what they changed (from the played trace)."""
    steps, _ = scenario.played
    spec = scenario.spec
    rows: list[tuple[str, list[str], list[str]]] = []
    for before, st in pairwise(steps):
        t = format_time(spec.time_of(st.state)).replace("T+", "T") or "-"
        if not rows or rows[-1][0] != t:
            rows.append((t, [], []))
        if st.action == "tick":
            continue  # the jump itself is not an event: what happens once it is there is
        rows[-1][1].append(step_label(spec, st))
        rows[-1][2].extend(_ha_notes(spec, before.state, st.state))
    return [(t, "; ".join(events) or "(time passes)", "; ".join(notes)) for t, events, notes in rows]


def is_timed(scenario: Scenario) -> bool:
    steps, _ = scenario.played
    return any(scenario.spec.time_of(st.state) for st in steps)


def expected_verdict(scenario: Scenario) -> str:
    """One line for ``scenario list``: the verdicts the checks expect."""
    if not scenario.checks:
        return f"{len(scenario.checkpoints)} checkpoints"
    # Short enough for a table: what each check expects, and the what-ifs it runs under.
    return "; ".join(c.expect + _under(scenario, c) for c in scenario.checks)


def _under(scenario: Scenario, check: Check) -> str:
    mutations = [*scenario.mutations, *(m for m in check.mutations if m not in scenario.mutations)]
    return f" under {', '.join(mutations)}" if mutations else ""


def verdict(scenario: Scenario, check: Check) -> str:
    """What a check expects, with every mutation it runs under (the scenario's and its own)."""
    if check.example is not None:
        return f"example {check.example} {check.expect}{_under(scenario, check)}"
    what = ", ".join(check.invariants) if check.invariants else "all invariants"
    return f"{what} {check.expect}{_under(scenario, check)}"
