"""Where a VM starts or restarts: the one seam between the model and the capacity rules.

Best effort (the default HA mode): a start may go to any healthy host with enough
free memory; a restart uses ``capacity.best_effort_restart``, which spreads the VMs
over the hosts with the most free memory and restarts every lost VM whenever some
assignment fits. Guarantee mode is answered by ``capacity.guarantee_targets`` and
``capacity.admissible_hosts`` under the config's admission policy
(``capacity.policy_of``). Every question is one :class:`PlacementRequest`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ahvlab.model import capacity
from ahvlab.model.capacity import PlacementRequest
from ahvlab.model.cluster import Cluster
from ahvlab.model.state import OK, AHVState

__all__ = ["PlacementRequest", "best_effort", "free_memory", "healthy_hosts", "restart_targets", "start_hosts"]


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
    """Best effort: the healthy host of each VM to (re)start (None: no room), by ``capacity.best_effort_restart``."""
    free = free_memory(req)
    for vm in req.to_place:
        if req.placement[vm] >= 0:
            free[req.placement[vm]] += req.vm_memory[vm]  # a restarted VM no longer uses its old host
    got = capacity.best_effort_restart([free[h] for h in req.healthy], [req.vm_memory[vm] for vm in req.to_place])
    return {vm: None if k is None else req.healthy[k] for vm, k in zip(req.to_place, got, strict=True)}


def _request(cl: Cluster, s: AHVState, vms: Sequence[int], lost_host: int, leader: int) -> PlacementRequest:
    return PlacementRequest(
        cl.config.host_memory,
        cl.vm_memory,
        s.placement,
        healthy_hosts(cl, s, leader),
        tuple(vms),
        lost_host,
        capacity.policy_of(cl.config),
    )


def restart_targets(cl: Cluster, s: AHVState, vms: Sequence[int], lost_host: int, leader: int) -> dict[int, int | None]:
    """Target host per VM (None: no capacity) for an HA restart or a start (``lost_host`` = -1)."""
    req = _request(cl, s, vms, lost_host, leader)
    if cl.config.ha_mode == "guarantee":
        return capacity.guarantee_targets(req)
    return best_effort(req)


def start_hosts(cl: Cluster, s: AHVState, vm: int, leader: int) -> list[int]:
    """Every host a powered-off VM may be started on now: the user (or the checker) picks one.

    Best effort: a healthy host with enough free memory. Guarantee mode: a healthy host on
    which admission control admits the VM (``capacity.admissible_hosts``).
    """
    req = _request(cl, s, (vm,), -1, leader)
    if cl.config.ha_mode == "guarantee":
        return capacity.admissible_hosts(req, vm)
    free = free_memory(req)
    return [h for h in sorted(req.healthy, key=lambda x: (-free[x], x)) if free[h] >= cl.vm_memory[vm]]
