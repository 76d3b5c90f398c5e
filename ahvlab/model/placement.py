"""Where a VM starts or restarts: the one seam between the model and the capacity rules.

Best effort (the default HA mode): any healthy host with enough free memory, the
starts spread over the hosts with the most free memory first. Guarantee mode is
answered by ``ahvlab.model.capacity.guarantee_targets`` (issue 5) from a plain
:class:`PlacementRequest`: ``{vm: host or None}``.
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
    largest_host_rule: bool = False
    """Guarantee mode with uneven hosts: admission reserves as if every host were the largest."""


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


def guarantee(req: PlacementRequest) -> dict[int, int | None]:
    """Guarantee mode: ``ahvlab.model.capacity.guarantee_targets`` answers (segment hosts, admission)."""
    # Imported by name: the capacity module is another issue's, and z3 stays behind it.
    capacity = importlib.import_module("ahvlab.model.capacity")
    return dict(capacity.guarantee_targets(req))


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
        cl.config.largest_host_rule,
    )
    if cl.config.ha_mode == "guarantee":
        return guarantee(req)
    return best_effort(req)


def start_hosts(cl: Cluster, s: AHVState, vm: int, leader: int) -> list[int]:
    """Every host a powered-off VM may be started on now: the user (or the checker) picks one.

    Best effort: a healthy host with enough free memory. Guarantee mode: a healthy host on
    which admission control admits the VM (``capacity.admissible_hosts``).
    """
    req = PlacementRequest(
        cl.config.host_memory,
        cl.vm_memory,
        s.placement,
        healthy_hosts(cl, s, leader),
        (vm,),
        -1,
        cl.mut,
        cl.config.largest_host_rule,
    )
    if cl.config.ha_mode == "guarantee":
        capacity = importlib.import_module("ahvlab.model.capacity")
        return list(capacity.admissible_hosts(req, vm))
    free = free_memory(req)
    return [h for h in sorted(req.healthy, key=lambda x: (-free[x], x)) if free[h] >= cl.vm_memory[vm]]
