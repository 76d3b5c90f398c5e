"""The names a checkpoint expression can read in a state, and the variables ``walk`` shows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ahvlab.checker.spec import Spec
from ahvlab.scenarios import ahv


def enabled_actions(spec: Spec, state: Any) -> dict[str, tuple[Mapping[str, Any], ...]]:
    """Every action name -> the parameters it is enabled with here (empty when it is not enabled)."""
    return {a.name: tuple(dict(p) for p, _ in a.fn(state) or ()) for a in spec.actions()}


def state_env(spec: Spec, state: Any, *, enabled: bool = True) -> dict[str, Any]:
    """The state's variables, ``T`` (its model time), the spec's friendly names and ``enabled``.

    For the AHV model the friendly names come from :mod:`ahvlab.scenarios.ahv`; any other
    spec may offer ``expression_names(state) -> Mapping[str, Any]``.
    """
    env: dict[str, Any] = dict(spec.format_state(state))
    t = spec.time_of(state)
    if t is not None:
        env["T"] = int(t) if float(t).is_integer() else t
    if ahv.is_ahv(spec):
        env.update(ahv.names(spec, state))
    else:
        extra: Callable[[Any], Mapping[str, Any]] | None = getattr(spec, "expression_names", None)
        if extra is not None:
            env.update(extra(state))
    if enabled:
        env["enabled"] = enabled_actions(spec, state)
    return env


def display_vars(spec: Spec, state: Any) -> dict[str, Any]:
    """What ``walk`` diffs between steps: the AHV model's friendly names, else the spec's variables."""
    if ahv.is_ahv(spec):
        return ahv.display(spec, state)
    return dict(spec.format_state(state))
