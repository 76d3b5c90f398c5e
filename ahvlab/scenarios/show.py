"""Rendering a scenario for people: what changed at a step, the timeline table, the expected verdicts."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any

from ahvlab.checker.spec import Spec
from ahvlab.checker.trace import Step
from ahvlab.checker.values import deep_changes, join, show
from ahvlab.checker.values import show_time as format_time
from ahvlab.model.spec import AHVSpec
from ahvlab.scenarios import ahv
from ahvlab.scenarios.loader import Check, Scenario

MAX_WIDTH = 160


def _short(text: str) -> str:
    return text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 3] + "..."


def display_vars(spec: Spec, state: Any) -> dict[str, Any]:
    """What ``walk`` diffs between steps: the spec's variables but the model time (each step's header shows it)."""
    shown = spec.format_state(state)
    if spec.time_of(state) is not None:
        shown.pop("now", None)
    return shown


def change_lines(spec: Spec, before: Any | None, after: Any) -> list[str]:
    """``path = new (was old)`` for each changed part, in the one path syntax; sets show what came and left."""
    if before is None and isinstance(spec, AHVSpec):
        return ahv.summary(spec.picture(after))
    new_vars = display_vars(spec, after)
    if before is None:
        # The whole state, one line per host or VM when a variable is a table of them.
        lines: list[str] = []
        for k, v in new_vars.items():
            if isinstance(v, Mapping) and v:
                lines.extend(_short(f"{join(k, key)} = {show(x)}") for key, x in v.items())
            else:
                lines.append(_short(f"{k} = {show(v)}"))
        return lines
    old_vars = display_vars(spec, before)
    return [_short(c.line()) for k, v in new_vars.items() for c in deep_changes(k, old_vars.get(k), v)]


def step_label(spec: Spec, step: Step) -> str:
    return "init" if step.action is None else spec.format_step(step.action, step.params)


def _ha_notes(spec: Spec, before: Any, after: Any) -> list[str]:
    """What the control plane did in a step, in the brief's words: HA phases per host, the leader."""
    if not isinstance(spec, AHVSpec):
        return []
    old, new = spec.picture(before), spec.picture(after)
    notes = [f"host {h}: {r.ha_phase}" for h, r in new.host.items() if r.ha_phase != old.host[h].ha_phase]
    if new.leaders != old.leaders:
        notes.append("leader: " + (", ".join(str(h) for h in sorted(new.leaders)) or "none"))
    for name, v in new.vm.items():
        if v.copies != old.vm[name].copies:
            notes.append(f"{name} runs on " + (", ".join(str(h) for h in v.copies) or "no host"))
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
