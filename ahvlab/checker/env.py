"""The names an expression can read in a state of any spec: its variables, ``T``, the spec's own names, ``enabled``.

Scenario checkpoints, ``ahvlab trace --expr``, the shell's ``eval`` and the TUI's
watch list all evaluate in this environment, so one expression means the same
everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ahvlab.checker.spec import Spec


def enabled_actions(spec: Spec, state: Any) -> dict[str, tuple[Mapping[str, Any], ...]]:
    """Every action name -> the parameters it is enabled with here (empty when it is not enabled)."""
    return {a.name: tuple(dict(p) for p, _ in a.fn(state) or ()) for a in spec.actions()}


def state_env(spec: Spec, state: Any, *, enabled: bool = True) -> dict[str, Any]:
    """The state's variables, ``T`` (its model time), ``spec.expression_names(state)`` and ``enabled``."""
    env: dict[str, Any] = dict(spec.format_state(state))
    t = spec.time_of(state)
    if t is not None:
        env["T"] = int(t) if float(t).is_integer() else t
    env.update(spec.expression_names(state))
    if enabled:
        env["enabled"] = enabled_actions(spec, state)
    return env
