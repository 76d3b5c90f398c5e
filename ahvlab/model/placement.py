"""Where a VM starts or restarts: the one seam between the model and the capacity rules.

Best effort (the default HA mode): any healthy host with enough free memory, the
starts spread over the hosts with the most free memory first. Guarantee mode asks
``ahvlab.model.capacity`` (issue 5): its segment plan for restarts, its admission
for starts; a ``capacity.guarantee_targets(PlacementRequest) -> {vm: host or None}``
replaces both if the capacity module defines one.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import NamedTuple

from ahvlab.model.cluster import Cluster
from ahvlab.model.state import OK, AHVState


class PlacementRequest(NamedTuple):
    """A placement question in plain values (hosts and VMs 0-based)."""

    host_memory: tuple[int, ...]
    vm_memory: tuple[int, ...]
    placement: tuple[int, ...]
    """Where every VM runs now (-1: nowhere)."""
    healthy: tuple[int, ...]
    """Hosts that may receive a VM."""
    to_place: tuple[int, ...]
    """The VMs to (re)start, in order."""
    lost_host: int
    """The host whose VMs are restarted (-1 for a plain start)."""
    mutations: frozenset[str] = frozenset()
    """The config's mutations (guarantee mode reads ``segments_not_shared_correctly``)."""


def healthy_hosts(cl: Cluster, s: AHVState, leader: int) -> tuple[int, ...]:
    """Hosts the leader can start VMs on: up, CVM and libvirtd running, reachable, not under HA."""
    return tuple(
        h
        for h in cl.hosts
        if s.host_up[h] and s.cvm_up[h] and s.libvirtd_up[h] and cl.reach(s, leader, h) and s.watch[h].phase == OK
    )


def free_memory(req: PlacementRequest) -> list[int]:
    """Memory left on every host after the VMs placed there."""
    free = list(req.host_memory)
    for vm, h in enumerate(req.placement):
        if h >= 0:
            free[h] -= req.vm_memory[vm]
    return free


def best_effort(req: PlacementRequest) -> dict[int, int | None]:
    """Each VM to the healthy host with the most free memory (lowest number on a tie), if it fits."""
    free = free_memory(req)
    for vm in req.to_place:
        if req.placement[vm] >= 0:
            free[req.placement[vm]] += req.vm_memory[vm]  # a restarted VM no longer uses its old host
    out: dict[int, int | None] = {}
    for vm in req.to_place:
        fits = [h for h in req.healthy if free[h] >= req.vm_memory[vm]]
        if not fits:
            out[vm] = None
            continue
        h = max(fits, key=lambda x: (free[x], -x))
        free[h] -= req.vm_memory[vm]
        out[vm] = h
    return out


def guarantee(req: PlacementRequest, names: Sequence[str]) -> dict[int, int | None]:
    """Guarantee mode through ``ahvlab.model.capacity``: restarts go to the VM's reserved segment host,
    starts only where admission keeps every VM protected. A VM whose segment host is not healthy (a second
    failure) falls back to best effort.
    """
    # Imported by name: the capacity module is another issue's, and z3 stays behind it.
    capacity = importlib.import_module("ahvlab.model.capacity")
    custom = getattr(capacity, "guarantee_targets", None)
    if callable(custom):
        return dict(custom(req))
    caps = tuple(req.host_memory)
    index = [vm for vm, h in enumerate(req.placement) if h >= 0]
    running = tuple(capacity.Vm(names[vm], req.vm_memory[vm], req.placement[vm]) for vm in index)
    out: dict[int, int | None] = {}
    if req.lost_host >= 0:
        plan = capacity.plan(caps, running)
        moves = capacity.restart_targets(plan, (req.lost_host,)) if plan.ok else {}
        for k, h in moves.items():
            if h in req.healthy:
                out[index[k]] = h
        rest = [vm for vm in req.to_place if vm not in out]
        if rest:
            taken = list(req.placement)
            for vm, h in out.items():
                taken[vm] = h
            out.update(best_effort(req._replace(placement=tuple(taken), to_place=tuple(rest))))
        return out
    free = free_memory(req)
    for vm in req.to_place:
        out[vm] = None
        for h in sorted(req.healthy, key=lambda x: (-free[x], x)):
            if capacity.admit(caps, running, capacity.Vm(names[vm], req.vm_memory[vm], h)).admitted:
                out[vm] = h
                break
    return out


def restart_targets(cl: Cluster, s: AHVState, vms: Sequence[int], lost_host: int, leader: int) -> dict[int, int | None]:
    """Target host per VM (None: no capacity) for an HA restart or a start (``lost_host`` = -1)."""
    req = PlacementRequest(
        cl.config.host_memory,
        cl.vm_memory,
        s.placement,
        healthy_hosts(cl, s, leader),
        tuple(vms),
        lost_host,
        cl.mut,
    )
    if cl.config.ha_mode == "guarantee":
        return guarantee(req, cl.vm_names)
    return best_effort(req)
