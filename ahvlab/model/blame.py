"""Why an AHV invariant is false in a state, in one line that names the hosts, VMs and values.

:meth:`AHVSpec.blame` answers from here; reports, ``--json``, the TUI and the shell
show the line under the violation ("VM1 runs on host 1 and host 3"). Hosts are
numbered from 1 and VMs named, as in the picture.
"""

from __future__ import annotations

from collections.abc import Callable

from ahvlab.model.cluster import Cluster
from ahvlab.model.picture import Picture
from ahvlab.model.state import FENCED, LOGIN, RESTARTED, AHVState

Blamer = Callable[[Cluster, Picture, AHVState], str | None]


def _hosts(ids: list[int]) -> str:
    """``host 1``, ``host 1 and host 3``, ``host 1, host 2 and host 3``."""
    names = [f"host {h}" for h in ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _phantom(cl: Cluster, p: Picture, s: AHVState) -> str | None:
    twice = [f"{v.name} runs on {_hosts(sorted(v.copies))}" for v in p.vm.values() if len(v.copies) > 1]
    return "; ".join(twice) or None


def _storage_access(cl: Cluster, p: Picture, s: AHVState) -> str | None:
    for vm, cs in enumerate(s.copies):
        reach = [c.host + 1 for c in cs if cl.has_access(s, c)]
        if len(reach) > 1:
            return f"{cl.vm_names[vm]} reaches its disks from {_hosts(reach)}"
    return None


def _fenced_io(cl: Cluster, p: Picture, s: AHVState) -> str | None:
    for vm, cs in enumerate(s.copies):
        for c in cs:
            phase = s.watch[c.host].phase
            if phase in (FENCED, RESTARTED) and cl.has_access(s, c):
                return f"{cl.vm_names[vm]} on host {c.host + 1} ({p.host[c.host + 1].ha_phase}) still gets its I/O accepted"
    return None


def _leaders(cl: Cluster, p: Picture, s: AHVState) -> str | None:
    return f"{_hosts(sorted(p.leaders))} are leaders at once" if len(p.leaders) > 1 else None


def _restart_early(cl: Cluster, p: Picture, s: AHVState) -> str | None:
    for h in cl.hosts:
        missing = cl.pending_acks(s, h)
        if s.watch[h].phase == RESTARTED and missing:
            return (
                f"host {h + 1}'s VMs restarted while the Stargate{'s' if len(missing) > 1 else ''} of "
                f"{_hosts([m + 1 for m in missing])} had not acknowledged the block"
            )
    return None


def _waiting(cl: Cluster, p: Picture, s: AHVState) -> str | None:
    late = [cl.vm_names[vm] for vm, h in enumerate(s.placement) if h >= 0 and s.watch[h].phase == RESTARTED]
    return f"{', '.join(late)} still wait{'s' if len(late) == 1 else ''} to run at T+{s.now}" if late else None


def _redirect(cl: Cluster, p: Picture, s: AHVState) -> str | None:
    for vm, cs in enumerate(s.copies):
        for c in cs:
            for i, x in enumerate(c.sessions):
                if x.phase == LOGIN and not s.health[c.host][x.target]:
                    return (
                        f"{cl.vm_names[vm]}'s {cl.slot_key[vm]} {i} on host {c.host + 1} logs in to host "
                        f"{x.target + 1}'s Stargate, which its redirector believes down"
                    )
    return None


def _sessions(cl: Cluster, p: Picture, s: AHVState) -> str | None:
    for v in p.vm.values():
        vm = cl.vm_index[v.name]
        spec = cl.vms[vm]
        want = spec.disks if cl.classic[vm] else (spec.num_queues if spec.vcpus >= 2 else 1)
        for c in s.copies[vm]:
            if len(c.sessions) != want:
                what = "disks" if cl.classic[vm] else f"vCPU{'s' if spec.vcpus != 1 else ''} (wants {want})"
                size = spec.disks if cl.classic[vm] else spec.vcpus
                return f"{v.name} on host {c.host + 1} has {len(c.sessions)} sessions for {size} {what}"
    return None


def _addresses(cl: Cluster, p: Picture, s: AHVState) -> str | None:
    holders: dict[str, list[str]] = {}
    for v in p.vm.values():
        if v.address is not None:
            holders.setdefault(f"{cl.net_of[cl.vm_index[v.name]]}/{v.address}", []).append(v.name)
    for key, vms in holders.items():
        if len(vms) > 1:
            return f"{' and '.join(vms)} both hold {key.partition('/')[2]}"
    return None


def _kept_address(cl: Cluster, p: Picture, s: AHVState) -> str | None:
    first = cl.initial().address
    for vm, (a, a0) in enumerate(zip(s.address, first, strict=True)):
        if a0 >= 0 and a not in (-1, a0):
            return f"{cl.vm_names[vm]} had {cl.scope[vm][a0]} and now has {cl.scope[vm][a]}"
    return None


def _guarantee(cl: Cluster, p: Picture, s: AHVState) -> str | None:
    free = ", ".join(f"host {h.id} {h.free_memory} GiB free" for h in p.host.values())
    return f"no placement restarts every VM of one failed host: {free}"


BLAME: dict[str, Blamer] = {
    "no_phantom_vm": _phantom,
    "single_storage_access": _storage_access,
    "no_io_from_fenced_host": _fenced_io,
    "at_most_one_leader": _leaders,
    "restart_after_fence_ack": _restart_early,
    "lost_host_vms_restarted": _waiting,
    "redirect_to_healthy": _redirect,
    "one_session_per_disk": _sessions,
    "frodo_queue_count": _sessions,
    "unique_addresses": _addresses,
    "restarted_vm_keeps_address": _kept_address,
    "guarantee_protects": _guarantee,
}
"""Invariant name -> the function that says why it fails (an invariant not here gets no blame line)."""


def blame(cl: Cluster, picture: Picture, state: AHVState, invariant: str) -> str | None:
    """One line naming what makes ``invariant`` false in ``state`` (None when it holds or has no blamer)."""
    fn = BLAME.get(invariant)
    return fn(cl, picture, state) if fn is not None else None
