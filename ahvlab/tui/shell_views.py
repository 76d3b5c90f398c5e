"""What the shell shows of a state: the spec's variables, and for the AHV model the names a teacher writes.

On the AHV model, ``show`` and the completion of field paths use the scenario
vocabulary (hosts by number, VMs by name: ``host.2.ha_phase``, ``vm.VM1.status``,
``copies.VM1``) on top of the model's raw variables, and the changes a step made
are listed under the names ``scenario walk`` uses, so the shell, the scenarios
and the docs speak alike.
"""

from __future__ import annotations

from typing import Any

from ahvlab.checker.spec import Spec


def _ahv() -> Any | None:
    try:
        from ahvlab.scenarios import ahv
    except ImportError:
        return None
    return ahv


def is_ahv(spec: Spec) -> bool:
    ahv = _ahv()
    return bool(ahv is not None and ahv.is_ahv(spec))


def state_names(spec: Spec, state: Any) -> dict[str, Any]:
    """Every name a path may start with: the variables, overridden by the friendly AHV names where they exist."""
    variables = spec.format_state(state)
    ahv = _ahv()
    if ahv is None or not ahv.is_ahv(spec):
        return variables
    friendly: dict[str, Any] = ahv.names(spec, state)
    return {**friendly, **{k: v for k, v in variables.items() if k not in friendly}}


def shown_names(spec: Spec, state: Any) -> dict[str, Any]:
    """What ``show`` without a path prints: the friendly AHV names, or every variable of another spec."""
    ahv = _ahv()
    if ahv is None or not ahv.is_ahv(spec):
        return spec.format_state(state)
    return dict(ahv.names(spec, state))


def change_names(spec: Spec, state: Any) -> dict[str, Any]:
    """The values a step's changes are computed over (the AHV model: leaders, host, vm, leases)."""
    ahv = _ahv()
    if ahv is None or not ahv.is_ahv(spec):
        return spec.format_state(state)
    out: dict[str, Any] = ahv.display(spec, state)
    return out
