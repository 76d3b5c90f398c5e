"""Mutations ("what-ifs"): named switches that break one mechanism of the model on purpose.

A mutation is a :class:`Mutation` value, never a bare string: the config turns the
names a user writes into members (an unknown name is an error there, with the list),
and the model tests membership with the member itself.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from enum import StrEnum


class Mutation(StrEnum):
    """Every what-if of the AHV model; the value is the name users write."""

    NO_FAILBACK = "no_failback"
    REDIRECT_IGNORES_HEALTH = "redirect_ignores_health"
    FRODO_IGNORES_VCPUS = "frodo_ignores_vcpus"
    NO_FENCING = "no_fencing"
    RESTART_BEFORE_ACK = "restart_before_ack"
    TIMEOUT_TOO_SHORT = "timeout_too_short"
    ELECTION_WITHOUT_QUORUM = "election_without_quorum"
    LEASES_IN_MEMORY = "leases_in_memory"
    SEGMENTS_NOT_SHARED_CORRECTLY = "segments_not_shared_correctly"
    NO_RESTART = "no_restart"
    DHCP_LOCAL_ONLY = "dhcp_local_only"
    ELECTION_NEEDS_ALL = "election_needs_all"
    FORGET_DEAD_VMS = "forget_dead_vms"
    STORAGE_WITHOUT_QUORUM = "storage_without_quorum"
    FENCE_REACHABLE_ONLY = "fence_reachable_only"

    @property
    def doc(self) -> str:
        """One line: what it breaks and which property exposes it."""
        return _DOCS[self]


_DOCS: dict[Mutation, str] = {
    Mutation.NO_FAILBACK: "the remote Stargate never quiesces: sessions stay remote forever (SessionsFailBack; "
    "the failback example is never found)",
    Mutation.REDIRECT_IGNORES_HEALTH: "the redirector redirects to any Stargate, even one it believes down "
    "(redirect_to_healthy)",
    Mutation.FRODO_IGNORES_VCPUS: "Frodo opens num_queues connections even for a 1-vCPU VM (frodo_queue_count)",
    Mutation.NO_FENCING: "the leader restarts a lost host's VMs without blocking its I/O first (no_phantom_vm)",
    Mutation.RESTART_BEFORE_ACK: "the leader restarts right after the block order, before every ack "
    "(restart_after_fence_ack)",
    Mutation.TIMEOUT_TOO_SHORT: "HA restarts at T90 instead of T120, before the isolated VM's T60+45 death "
    "(no_phantom_vm)",
    Mutation.ELECTION_WITHOUT_QUORUM: "a CVM elects itself without a majority: two leaders in a partition "
    "(at_most_one_leader)",
    Mutation.LEASES_IN_MEMORY: "IPAM leases live only in the leader's memory: duplicate address after a leader "
    "change (unique_addresses)",
    Mutation.SEGMENTS_NOT_SHARED_CORRECTLY: "guarantee mode: a host's reserve is its largest single segment, as if "
    "VMs of one host could share it (guarantee_protects)",
    Mutation.NO_RESTART: "HA fences a lost host but never restarts its VMs (restart_by_deadline at T120; "
    "VMsRunAgain: a lasso)",
    Mutation.DHCP_LOCAL_ONLY: "a DHCP request is answered only by a leader on the VM's own host, never over the "
    "VXLAN tunnel (DHCPAnswered)",
    Mutation.ELECTION_NEEDS_ALL: "an election needs every CVM instead of a majority: after one CVM is lost no "
    "leader is ever elected (LeaderElected; VMsRunAgain is reported first)",
    Mutation.FORGET_DEAD_VMS: "a VM that died while its host was cut off is forgotten when HA cancels: nobody "
    "restarts it (no_orphan_vm: partition + CVM crash of the VM's host, healed before T60)",
    Mutation.STORAGE_WITHOUT_QUORUM: "a Stargate serves I/O without a quorum of Stargates: a cut-off host's VMs do "
    "I/O forever (single_storage_access at T120 after partition_host)",
    Mutation.FENCE_REACHABLE_ONLY: "a leader without quorum waits only for the acks of the Stargates it reaches "
    "(with election_without_quorum: no_phantom_vm, the minority leader restarts VMs that still run)",
}

MUTATIONS: dict[str, str] = {m.value: m.doc for m in Mutation}
"""Mutation name -> one line: what it breaks and which invariant or example exposes it."""


class UnknownMutation(ValueError):
    """A name that is no mutation; the message names the closest one, or lists them all."""


def mutation(name: str) -> Mutation:
    """The member a user's name means; :class:`UnknownMutation` (one line, with a suggestion) if none."""
    try:
        return Mutation(name)
    except ValueError:
        close = difflib.get_close_matches(name, list(MUTATIONS), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UnknownMutation(f"unknown mutation {name!r}{hint}") from None


def mutations(names: Iterable[str]) -> frozenset[Mutation]:
    """A set of members from names (strings or members); the first unknown name raises :class:`UnknownMutation`."""
    return frozenset(mutation(str(n)) for n in names)
