"""A plain-value picture of one state for the TUI's cluster view and the shell's completion."""

from __future__ import annotations

import importlib
from typing import Any

from ahvlab.model.spec import AHVSpec
from ahvlab.model.state import AHVState


def _vm_status(spec: AHVSpec, s: AHVState, vm: int) -> str:
    h = s.placement[vm]
    if any(c.host == h for c in s.copies[vm]):
        return "running"
    if vm in s.to_restart:
        return "restarting"
    if h < 0:
        return "failed" if spec.cluster.vms[vm].host is not None else "off"
    if spec.ha is not None and s.watch[h].phase != "ok":
        return "restarting"
    return "failed"


def _reserves(spec: AHVSpec, s: AHVState) -> list[int | None]:
    """Guarantee mode: each host's reserved failover capacity under the capacity module's segment plan."""
    capacity = importlib.import_module("ahvlab.model.capacity")
    cl = spec.cluster
    running = tuple(capacity.Vm(cl.vm_names[vm], cl.vm_memory[vm], h) for vm, h in enumerate(s.placement) if h >= 0)
    plan = capacity.plan(tuple(cl.config.host_memory), running, largest_host_rule=cl.config.largest_host_rule)
    if not plan.ok:
        return [None] * cl.n
    return [f.reserve for f in capacity.figures(plan)]


def describe(spec: AHVSpec, state: Any) -> dict[str, Any]:
    """Hosts, leader and VMs of ``state`` as plain values; hosts are numbered from 1.

    ``{"host_ids": [1, 2, 3], "vm_names": [...], "leader": 1 or None, "leaders": [...], "now": T,
    "hosts": [{id, up, cvm_up, libvirtd_up, partitioned, fenced_by, ha_phase, health, memory, free_memory,
    reserve (guarantee mode, else None)}],
    "vms": [{name, host, status, copies, sessions: [(slot, stargate, phase)], address}]}``
    """
    s: AHVState = state
    cl = spec.cluster
    # Memory in use is physical: every running copy holds its VM's memory where it runs,
    # so an isolated host still shows the copy the cluster has written off.
    used = [0] * cl.n
    for vm, copies in enumerate(s.copies):
        for c in copies:
            used[c.host] += cl.vm_memory[vm]
    reserves = _reserves(spec, s) if cl.config.ha_mode == "guarantee" else [None] * cl.n
    tp = cl.topo(s)
    hosts = []
    for h in cl.hosts:
        w = s.watch[h]
        hosts.append(
            {
                "id": h + 1,
                "up": s.host_up[h],
                "cvm_up": s.cvm_up[h],
                "libvirtd_up": s.libvirtd_up[h],
                "partitioned": s.partitioned[h],
                "fenced_by": sorted(t + 1 for t in cl.hosts if h in s.blocks[t]),
                "ha_phase": s.watch[h].phase,
                "health": {t + 1: s.health[h][t] for t in cl.hosts},
                "memory": cl.config.host_memory[h],
                "free_memory": cl.config.host_memory[h] - used[h],
                # A dead host holds no failover capacity for anyone: its reserve is not shown.
                "reserve": reserves[h] if s.host_up[h] else None,
                "cut_off": not tp.quorum[h],
                "side": 2 if h in s.split else 1,
                "ha_by": w.by + 1 if w.phase != "ok" and w.by >= 0 else None,
                "deadline": None if w.due == -1 else (w.due if w.due < -1 else s.now + w.due),
                "missing_acks": [t + 1 for t in cl.missing_acks(s, h)],
                "acks_hung": h in s.mute,
                "lease_until": s.now + s.lease[h] if s.lease[h] >= 0 else None,
                "believes_leader": tp.leader_for[h] + 1 if tp.leader_for[h] >= 0 else None,
            }
        )
    vms = []
    for vm in cl.vm_range:
        h = s.placement[vm]
        main = next((c for c in s.copies[vm] if c.host == h), s.copies[vm][0] if s.copies[vm] else None)
        sessions = []
        if main is not None:
            sessions = [(k, x.target + 1 if x.target >= 0 else None, x.phase) for k, x in enumerate(main.sessions)]
        a = s.address[vm]
        vms.append(
            {
                "name": cl.vm_names[vm],
                "host": h + 1 if h >= 0 else None,
                "status": _vm_status(spec, s, vm),
                "copies": [c.host + 1 for c in s.copies[vm]],
                "io_path": cl.vms[vm].io_path,
                "slot": cl.slot_key[vm],
                "sessions": sessions,
                "address": cl.scope[vm][a] if a >= 0 else None,
                "dhcp_pending": s.dhcp_pending[vm],
                "owed_restart": vm in s.to_restart,
            }
        )
    leaders = sorted(h + 1 for h in s.leaders)
    return {
        "now": s.now,
        "host_ids": [h + 1 for h in cl.hosts],
        "vm_names": list(cl.vm_names),
        "leader": leaders[0] if len(leaders) == 1 else None,
        "leaders": leaders,
        "hosts": hosts,
        "vms": vms,
        "split": sorted(h + 1 for h in s.split),
    }
