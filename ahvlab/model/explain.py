"""Why an action of the AHV model is not enabled in a state: one sentence for the shell, the TUI and scenarios.

Only called for an action that has no successor, so each answer names the first
condition of the action's guard that does not hold, in the domain's words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ahvlab.model.state import FENCED, LOGIN, LOST, QUIESCING, TIMEOUT, WAITING, AHVState

if TYPE_CHECKING:
    from ahvlab.model.spec import AHVSpec

_HOST_FAILURES = {"crash_host": "host", "partition_host": "partition", "kill_libvirtd": "libvirtd"}
_RECOVERIES = {
    "recover_host": "no host is down (or its HA restart has not finished)",
    "heal_partition": "no host is partitioned (or its HA restart has not finished)",
    "restart_libvirtd": "no host has lost libvirtd (or its HA restart has not finished)",
    "recover_cvm": "no CVM is down",
}
_LEADER_STEPS = {"start_timeout", "fence_host", "ack_block", "restart_vms", "start_vm"}


def why_disabled(spec: AHVSpec, s: AHVState, action: str) -> str | None:
    """One sentence: why ``action`` has no step in ``s`` (None when there is nothing useful to say)."""
    cl = spec.cluster
    cfg = cl.config
    if action not in {a.name for a in spec.actions()}:
        return f"this cluster's config leaves it out (submodels: {', '.join(sorted(cfg.submodels))})"
    if action in _HOST_FAILURES:
        kind = _HOST_FAILURES[action]
        if kind not in cfg.failures:
            return f"'{kind}' failures are not switched on in this config (failures: {', '.join(sorted(cfg.failures))})"
        if s.failures[1] >= cfg.max_host_failures or sum(s.failures) >= cfg.max_failures:
            return (
                f"this run's failure budget is spent (max_failures = {cfg.max_failures}, "
                f"max_host_failures = {cfg.max_host_failures})"
            )
        return "no host can fail that way now (each is already down, partitioned or without libvirtd)"
    if action == "crash_cvm":
        if "cvm" not in cfg.failures:
            return "CVM failures are not switched on in this config"
        if s.failures[0] >= cfg.max_cvm_failures or sum(s.failures) >= cfg.max_failures:
            return (
                f"this run's failure budget is spent (max_failures = {cfg.max_failures}, "
                f"max_cvm_failures = {cfg.max_cvm_failures})"
            )
        return "no running CVM on a running host"
    if action in _RECOVERIES:
        return _RECOVERIES[action]
    if action == "tick":
        return _why_no_tick(spec, s)
    if action == "elect_leader":
        if s.leaders:
            return f"host {min(s.leaders) + 1}'s CVM is the Acropolis leader"
        if any(t > 0 for t in s.elect_timer):
            return "no CVM has waited its 20 s without a leader yet (tick first)"
        return "no CVM that reaches a majority of CVMs is waiting to stand"
    if action in _LEADER_STEPS and cl.acting_leader(s) < 0:
        return "there is no Acropolis leader with a quorum to do it"
    return _why_ha_step(spec, s, action) or _why_storage_step(spec, s, action)


def _why_no_tick(spec: AHVSpec, s: AHVState) -> str:
    ha = spec.ha
    if ha is not None and ha.urgent(s):
        now = [a.name for a in spec.actions() if a.name != "tick" and any(True for _ in a.fn(s))]
        return f"time cannot pass at T+{s.now} until the steps due now happen (enabled now: {', '.join(now)})"
    return "no timer is running: nothing is scheduled to happen"


def _why_ha_step(spec: AHVSpec, s: AHVState, action: str) -> str | None:
    phases = {w.phase for w in s.watch}
    if action == "start_timeout":
        return "no host's connection has been lost for 20 s" if LOST in phases else "no host's connection is lost"
    if action == "fence_host":
        return "no host's 40 s timeout has expired yet (T60)" if TIMEOUT in phases else "no host is in its timeout"
    if action == "ack_block":
        return "no block order is waiting for a Stargate's acknowledgement"
    if action == "restart_vms":
        if phases & {FENCED, WAITING}:
            return "the restart is due 60 s after the last acknowledgement (T120): tick first"
        return "no lost host has been fenced with every Stargate's acknowledgement"
    if action == "vm_dies":
        return "no isolated VM has had its I/O failing for 45 s"
    if action == "start_vm":
        off = [spec.cluster.vm_names[v] for v in spec.cluster.vm_range if s.placement[v] < 0 and not s.copies[v]]
        if not off:
            return "every VM is running or being restarted"
        if spec.config.ha_mode == "guarantee":
            return (
                f"admission refuses {', '.join(off)} on every healthy host: no segment placement would protect every VM"
            )
        return f"no healthy host has the memory for {', '.join(off)}"
    if action == "serve_dhcp":
        if not any(s.dhcp_pending):
            return "no DHCP request is pending"
        if "dhcp_local_only" in spec.config.mutations:
            return "the dhcp_local_only mutation is on: a request never crosses the VXLAN tunnel to a remote leader"
        return "the pending request cannot reach a leader (none, or not reachable from its host)"
    return None


def _why_storage_step(spec: AHVSpec, s: AHVState, action: str) -> str | None:
    sessions = [x for copies in s.copies for c in copies for x in c.sessions]
    if action == "login":
        return "no session is waiting to log in"
    if action == "finish_login":
        return "no login is in progress" if not any(x.phase == LOGIN for x in sessions) else None
    if action == "drop_session":
        return "no connected session is on a Stargate that died"
    if action == "quiesce":
        if "no_failback" in spec.config.mutations:
            return "the no_failback mutation is on: a remote Stargate never quiesces"
        return "no session is on a remote Stargate while its own host's Stargate is back and believed healthy"
    if action == "kill_remote_sessions":
        return "no quiescing session to kill" if not any(x.phase == QUIESCING for x in sessions) else None
    if action == "nop_probe":
        return "every redirector's health table already matches the truth"
    return None
