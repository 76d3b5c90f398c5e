"""Classroom scenarios: walkthroughs written as TOML data, played, narrated and verified.

``find_scenario(name_or_path)`` loads a bundled scenario by name or any ``.toml``
file; ``list_scenarios()`` loads every bundled one. The format is in docs/scenarios.md.
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

from ahvlab.checker.errors import SpecLoadError
from ahvlab.checker.expr import Expr, ExprError
from ahvlab.checker.expr import parse as parse_expression
from ahvlab.scenarios.loader import (
    Check,
    Checkpoint,
    Scenario,
    ScriptError,
    ScriptStep,
    load_scenario,
    parse_scenario,
)
from ahvlab.scenarios.runner import Outcome, ScenarioReport, exit_code, junit_suites, report_json, verify


def bundled_dir() -> Path:
    """The folder of the scenarios that ship with ahvlab."""
    return Path(str(resources.files("ahvlab.scenarios") / "data"))


def bundled_names() -> list[str]:
    folder = bundled_dir()
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def list_scenarios() -> list[Scenario]:
    """Every bundled scenario, in name order."""
    return [load_scenario(bundled_dir() / f"{name}.toml") for name in bundled_names()]


def find_scenario(name_or_path: str) -> Scenario:
    """A bundled scenario by name, or a scenario file by path."""
    p = Path(name_or_path)
    if p.suffix == ".toml" or p.exists() or "/" in name_or_path:
        return load_scenario(p)
    names = bundled_names()
    if name_or_path in names:
        return load_scenario(bundled_dir() / f"{name_or_path}.toml")
    close = difflib.get_close_matches(name_or_path, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise SpecLoadError(
        f"no scenario named {name_or_path!r}{hint}",
        expected=f"a path to a .toml file or one of: {', '.join(names) or 'none bundled'}",
    )


__all__ = [
    "Check",
    "Checkpoint",
    "Expr",
    "ExprError",
    "Outcome",
    "Scenario",
    "ScenarioReport",
    "ScriptError",
    "ScriptStep",
    "bundled_dir",
    "bundled_names",
    "exit_code",
    "find_scenario",
    "junit_suites",
    "list_scenarios",
    "load_scenario",
    "parse_expression",
    "parse_scenario",
    "report_json",
    "verify",
]
