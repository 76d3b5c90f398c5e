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
        """One line: what it breaks (which property catches it is the mutation matrix's answer)."""
        return _DOCS[self]


_DOCS: dict[Mutation, str] = {
    Mutation.NO_FAILBACK: "the remote Stargate never quiesces: sessions stay remote forever",
    Mutation.REDIRECT_IGNORES_HEALTH: "the redirector redirects to any Stargate, even one it believes down",
    Mutation.FRODO_IGNORES_VCPUS: "Frodo opens num_queues connections even for a 1-vCPU VM",
    Mutation.NO_FENCING: "the leader restarts a lost host's VMs without blocking its I/O first",
    Mutation.RESTART_BEFORE_ACK: "the leader restarts right after the block order, before every ack",
    Mutation.TIMEOUT_TOO_SHORT: "HA restarts at T90 instead of T120, before the isolated VM's T60+45 death",
    Mutation.ELECTION_WITHOUT_QUORUM: "a CVM elects itself without a majority: two leaders in a partition",
    Mutation.LEASES_IN_MEMORY: "IPAM leases live only in the leader's memory: duplicate address after a leader change",
    Mutation.SEGMENTS_NOT_SHARED_CORRECTLY: "guarantee mode: a host's reserve is its largest single segment, as if "
    "VMs of one host could share it",
    Mutation.NO_RESTART: "HA fences a lost host but never restarts its VMs",
    Mutation.DHCP_LOCAL_ONLY: "a DHCP request is answered only by a leader on the VM's own host, never over the "
    "VXLAN tunnel",
    Mutation.ELECTION_NEEDS_ALL: "an election needs every CVM instead of a majority: after one CVM is lost no "
    "leader is ever elected",
    Mutation.FORGET_DEAD_VMS: "a VM that died while its host was cut off is forgotten when HA cancels: nobody "
    "restarts it (caught by no_orphan_vm with two failures: partition + CVM crash of its host)",
    Mutation.STORAGE_WITHOUT_QUORUM: "a Stargate serves I/O without a storage quorum: a cut-off host's own Stargate "
    "serves it forever (caught by no_io_from_fenced_host at T60)",
    Mutation.FENCE_REACHABLE_ONLY: "a leader without quorum waits only for the acks of the Stargates it reaches "
    "(caught with election_without_quorum by no_io_from_fenced_host at T60)",
}

MUTATIONS: dict[str, str] = {m.value: m.doc for m in Mutation}
"""Mutation name -> one line: what it breaks. What catches it is computed (:mod:`ahvlab.model.matrix`)."""


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
