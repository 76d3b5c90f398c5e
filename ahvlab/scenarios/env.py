"""The names a checkpoint expression can read in a state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ahvlab.checker.spec import Spec


def state_env(spec: Spec, state: Any) -> dict[str, Any]:
    """The state's variables, ``T`` (its model time, when the spec is timed) and the names the spec adds.

    A spec may offer ``expression_names(state) -> Mapping[str, Any]``: friendlier views of
    its state (e.g. sessions keyed by VM name) for scenario checkpoints.
    """
    env: dict[str, Any] = dict(spec.format_state(state))
    t = spec.time_of(state)
    if t is not None:
        env["T"] = int(t) if float(t).is_integer() else t
    extra: Callable[[Any], Mapping[str, Any]] | None = getattr(spec, "expression_names", None)
    if extra is not None:
        env.update(extra(state))
    return env
