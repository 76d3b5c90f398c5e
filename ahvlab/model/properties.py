"""The AHV model's temporal properties: what must *eventually* happen, and under which fairness.

Safety says nothing bad happens; these say the cluster recovers. Each property
names the actions it needs to be weakly fair: the cluster's own machinery (timers
fire, the leader runs HA, redirectors probe and QEMU logs in again). Failures and
repairs of the environment (crash, partition, libvirtd loss, a host coming back)
are never fair: a host may stay down forever, and the properties must hold anyway.

- ``VMsRunAgain``: every VM of a lost host eventually runs again (given capacity).
- ``SessionsFailBack``: after the local CVM comes back, sessions eventually return to it.
- ``DHCPAnswered``: a DHCP request is eventually answered while a quorum exists.
- ``LeaderElected``: a leader is eventually elected when a majority is healthy.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Literal

from ahvlab.checker.spec import Property
from ahvlab.model.cluster import Cluster
from ahvlab.model.state import CONNECTED, AHVState, Session

HA_TIMELINE = (
    "tick",
    "start_timeout",
    "fence_host",
    "ack_block",
    "vm_dies",
    "restart_vms",
    "restart_vm",
    "elect_leader",
    "step_down",
)
"""The leader's failure handling: T0 -> T20 -> T60 (block, acks) -> T120 restart; owed restarts, elections."""
SESSION_PATH = ("nop_probe", "drop_session", "login", "finish_login", "quiesce", "kill_remote_sessions")
"""The redirector and QEMU/Frodo: probe health, drop dead sessions, log in again, fail back."""


def _fair(present: Collection[str], names: Iterable[str]) -> dict[str, Literal["weak", "strong"]]:
    """Weak fairness for the named actions this spec has (a sub-model may be left out of a config)."""
    return {n: "weak" for n in names if n in present}


def _runs(cl: Cluster, s: AHVState, vm: int) -> bool:
    """The VM runs where the cluster placed it, on a host the cluster can reach, and its I/O works."""
    h = s.placement[vm]
    if h < 0 or not (s.host_up[h] and s.libvirtd_up[h] and cl.has_quorum(s, h)):
        return False
    return any(c.host == h and c.io_timer < 0 for c in s.copies[vm])


def _serving_majority(cl: Cluster, s: AHVState, h: int) -> bool:
    """Host h reaches a majority of running CVMs (itself included when its CVM runs)."""
    return sum(1 for u in cl.hosts if s.host_up[u] and s.cvm_up[u] and cl.reach(s, h, u)) >= cl.majority


def _quorum_exists(cl: Cluster, s: AHVState) -> bool:
    return any(s.host_up[h] and s.cvm_up[h] and cl.has_quorum(s, h) for h in cl.hosts)


def vms_run_again(cl: Cluster, present: Collection[str]) -> Property:
    should_run = [vm for vm, h in enumerate(cl.initial().placement) if h >= 0]

    def all_run(s: AHVState) -> bool:
        return all(_runs(cl, s, vm) for vm in should_run)

    return Property(
        "VMsRunAgain",
        "leads_to",
        lambda s: not all_run(s),
        all_run,
        "every VM of a lost host eventually runs again (with capacity)",
        # A CVM that crashed is rebooted: without it a CVM crash plus a host loss leaves no quorum, so no leader.
        _fair(present, (*HA_TIMELINE, "start_vm", "recover_cvm")),
    )


def sessions_fail_back(cl: Cluster, present: Collection[str]) -> Property:

    def back_but_remote(s: AHVState) -> bool:
        # The host's own Stargate serves it again and its redirector has seen that, yet a session is elsewhere.
        for cs in s.copies:
            for c in cs:
                h = c.host
                if s.health[h][h] and cl.accepts(s, h, h) and any(x != Session(h, CONNECTED) for x in c.sessions):
                    return True
        return False

    return Property(
        "SessionsFailBack",
        "leads_to",
        back_but_remote,
        lambda s: not back_but_remote(s),
        "after the local CVM comes back, sessions eventually return to it",
        _fair(present, (*SESSION_PATH, *HA_TIMELINE)),
    )


def dhcp_answered(cl: Cluster, present: Collection[str]) -> Property:

    def waiting_with_quorum(s: AHVState) -> bool:
        # A running VM's request waits although its host reaches a majority (which can elect a leader).
        for vm in cl.vm_range:
            h = s.placement[vm]
            if (
                s.dhcp_pending[vm]
                and h >= 0
                and s.host_up[h]
                and _serving_majority(cl, s, h)
                and any(c.host == h for c in s.copies[vm])
            ):
                return True
        return False

    return Property(
        "DHCPAnswered",
        "leads_to",
        waiting_with_quorum,
        lambda s: not waiting_with_quorum(s),
        "a DHCP request is eventually answered while a quorum exists",
        _fair(present, ("serve_dhcp", *HA_TIMELINE)),
    )


def leader_elected(cl: Cluster, present: Collection[str]) -> Property:

    def leaderless_majority(s: AHVState) -> bool:
        return not s.leaders and _quorum_exists(cl, s)

    return Property(
        "LeaderElected",
        "leads_to",
        leaderless_majority,
        lambda s: not leaderless_majority(s),
        "a leader is eventually elected when a majority is healthy",
        # Time passes only once the steps due now have happened (a dead VM reaped, an ack in): they are fair too.
        _fair(present, HA_TIMELINE),
    )


BUILDERS: dict[str, tuple[tuple[str, ...], Callable[[Cluster, Collection[str]], Property]]] = {
    "VMsRunAgain": (("ha",), vms_run_again),
    "SessionsFailBack": (("storage",), sessions_fail_back),
    "DHCPAnswered": (("ipam", "ha"), dhcp_answered),
    "LeaderElected": (("ha",), leader_elected),
}
"""Property name -> (the sub-models it needs, its builder)."""


def ahv_properties(cl: Cluster, actions: Collection[str]) -> list[Property]:
    """The temporal properties of a cluster's config, for the sub-models it has; ``actions`` are its action names."""
    have = set(cl.config.submodels)
    return [build(cl, actions) for parts, build in BUILDERS.values() if have.issuperset(parts)]
