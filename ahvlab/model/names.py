"""The AHV model's vocabulary for expressions: hosts by number, VMs by name, read off the picture.

A scenario checkpoint, ``ahvlab trace --expr``, the shell's ``eval`` and the TUI's
watch list all read these names (``spec.expression_names(state)``):
``sessions["VM2"][0].stargate == 1``, ``host[2].ha_phase == "fenced"``,
``all(2 in blocked[t] for t in up_hosts)``, and in guarantee mode ``admits("VM01", 1)``.
"""

from __future__ import annotations

from typing import Any

from ahvlab.checker.expr import ExprError, Function
from ahvlab.model import capacity
from ahvlab.model.cluster import Cluster
from ahvlab.model.picture import Picture
from ahvlab.model.state import AHVState


def expression_names(cl: Cluster, p: Picture, state: AHVState) -> dict[str, Any]:
    """The names a checkpoint or trace expression reads in an AHV state (docs/scenarios.md, "Names in the AHV model")."""
    extra = _capacity_names(cl, state) if cl.config.ha_mode == "guarantee" else {}
    return extra | {
        "hosts": tuple(p.host),
        "vms": tuple(p.vm),
        "host": p.host,
        "vm": p.vm,
        "sessions": {name: v.sessions for name, v in p.vm.items()},
        "copies": {name: v.copies for name, v in p.vm.items()},
        "status": {name: v.status for name, v in p.vm.items()},
        "placement": {name: v.host for name, v in p.vm.items()},
        "address": {name: v.address for name, v in p.vm.items()},
        "blocked": {h: r.blocks for h, r in p.host.items()},
        "ha": {h: r.ha_phase for h, r in p.host.items()},
        "deadline": {h: r.deadline for h, r in p.host.items()},
        "missing_acks": {h: frozenset(r.acks_missing) for h, r in p.host.items()},
        "up_hosts": tuple(h for h, r in p.host.items() if r.up),
        "leader": p.leader,
        "leaders": p.leaders,
        "leases": p.leases,
        "failed_back": p.failed_back,
    }


def _capacity_names(cl: Cluster, state: AHVState) -> dict[str, Any]:
    """Guarantee mode: the segment plan of the running VMs, and admission as a question (hosts from 1).

    Admission is asked with the config's own policy (method, largest-host rule, the
    mutation's reserve rule), exactly as the model's ``start_vm`` asks it, so a
    checkpoint never claims a start the model does not offer. ``protected`` is the
    physical truth (:data:`capacity.EXACT`), whatever the policy.
    """
    cfg = cl.config
    vm_names = cl.vm_names
    sizes = cl.vm_memory
    caps = tuple(cfg.host_memory)
    placement = tuple(state.placement)
    policy = capacity.policy_of(cfg)
    up = tuple(state.host_up)

    def running(skip: int = -1) -> tuple[capacity.Vm, ...]:
        return tuple(capacity.Vm(vm_names[i], sizes[i], h) for i, h in enumerate(placement) if h >= 0 and i != skip)

    plan = capacity.state_plan(caps, sizes, placement, up, policy)
    hosts = range(1, len(caps) + 1)
    figs = {f.host + 1: f for f in capacity.figures(plan, reserve_rule=policy.reserve_rule)} if plan.ok else {}
    reserves = capacity.host_reserves(caps, sizes, placement, up, policy)
    segment: dict[str, int | None] = {}
    for k, v in enumerate(plan.vms):
        seg = plan.segment_of(k) if plan.ok else None
        segment[vm_names[int(v.name)]] = None if seg is None else seg + 1

    def admission(vm: str, host: int) -> capacity.Admission:
        if vm not in vm_names:
            raise ExprError(f"no VM {vm!r}; the VMs are: {', '.join(vm_names)}")
        if isinstance(host, bool) or not isinstance(host, int) or host not in hosts:
            raise ExprError(f"no host {host!r}; the hosts are 1..{len(caps)}")
        i = vm_names.index(vm)
        return capacity.admit(caps, running(skip=i), capacity.Vm(vm, sizes[i], host - 1), policy)

    return {
        "protected": capacity.plan(caps, running(), capacity.EXACT).ok,
        "reserve": dict(zip(hosts, reserves, strict=True)),
        "free_for_vms": {h: figs[h].free_for_vms if figs and up[h - 1] else None for h in hosts},
        "parcels": {h: sum(sizes[i] for i, p in enumerate(placement) if p == h - 1) for h in hosts},
        "segment": segment,
        "admits": Function(lambda vm, host: admission(vm, host).admitted, "admits(vm, host)"),
        "why_refused": Function(lambda vm, host: admission(vm, host).reason, "why_refused(vm, host)"),
    }
