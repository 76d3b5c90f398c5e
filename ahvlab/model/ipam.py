"""IPAM: the Acropolis leader answers the DHCP requests of VMs on managed networks.

The request is intercepted by OpenFlow rules on the host's bridge; the leader
serves it locally if it runs on that host, else over the VXLAN tunnel. With no
leader the request stays pending. Leases are stored durably (they survive a
leader change); a VM that has a lease gets the same address back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ahvlab.checker.spec import Component, action, explains, invariant
from ahvlab.model.cluster import Cluster, remember
from ahvlab.model.mutations import Mutation
from ahvlab.model.state import AHVState

Succ = Iterator[tuple[dict[str, Any], AHVState]]


class IPAM(Component):
    """Actions and invariants of AHV's IP address management."""

    def __init__(self, cl: Cluster) -> None:
        self.cl = cl
        self.initial_address = cl.initial().address
        self._verdicts: dict[tuple[int, ...], tuple[bool, bool, bool]] = {}

    def _address_verdicts(self, address: tuple[int, ...]) -> tuple[bool, bool, bool]:
        """The three invariants on addresses (below) read nothing but ``address``: their verdicts are cached on it (few values)."""
        v = self._verdicts.get(address)
        if v is None:
            v = remember(self._verdicts, address, (self._unique(address), self._in_scope(address), self._kept(address)))
        return v

    def _unique(self, address: tuple[int, ...]) -> bool:
        cl = self.cl
        seen: set[tuple[str | None, int]] = set()
        for vm in cl.vm_range:
            a = address[vm]
            if a < 0:
                continue
            key = (cl.net_of[vm], a)
            if key in seen:
                return False
            seen.add(key)
        return True

    def _in_scope(self, address: tuple[int, ...]) -> bool:
        cl = self.cl
        return all(
            -1 <= address[vm] < len(cl.scope[vm]) and (cl.managed[vm] or address[vm] == -1) for vm in cl.vm_range
        )

    def _kept(self, address: tuple[int, ...]) -> bool:
        return all(a in (-1, a0) for a, a0 in zip(address, self.initial_address, strict=True) if a0 >= 0)

    def lease_for(self, s: AHVState, vm: int) -> int:
        """The address the leader hands to this VM: its lease, else the lowest free one (-1: scope full)."""
        for v, a in s.leases:
            if v == vm:
                return a
        taken = {a for v, a in s.leases if v in self.cl.net_peers[vm]}
        for a in range(len(self.cl.scope[vm])):
            if a not in taken:
                return a
        return -1

    @action
    def serve_dhcp(self, s: AHVState) -> Succ:
        """The leader answers a VM's DHCP request intercepted on its host (locally, or over the VXLAN tunnel)."""
        cl = self.cl
        for vm in cl.vm_range:
            if not s.dhcp_pending[vm] or not cl.managed[vm]:
                continue
            h = s.placement[vm]
            if h < 0 or not any(c.host == h for c in s.copies[vm]):
                continue
            ldr = cl.leader_for(s, h)
            if ldr < 0:
                continue  # pending until a leader is reachable
            if ldr != h and Mutation.DHCP_LOCAL_ONLY in cl.mut:
                continue  # the mutation: nothing crosses the VXLAN tunnel to a remote leader
            a = self.lease_for(s, vm)
            if a < 0:
                continue
            nxt = s._replace(
                address=(*s.address[:vm], a, *s.address[vm + 1 :]),
                dhcp_pending=(*s.dhcp_pending[:vm], False, *s.dhcp_pending[vm + 1 :]),
                leases=s.leases | {(vm, a)},
            )
            params = {"vm": cl.vm_names[vm], "leader": ldr + 1, "via": "local" if ldr == h else "vxlan"}
            yield params, cl.settle(nxt)

    @explains("serve_dhcp")
    def _why_no_dhcp(self, s: AHVState) -> str:
        if not any(s.dhcp_pending):
            return "no DHCP request is pending"
        if Mutation.DHCP_LOCAL_ONLY in self.cl.mut:
            return "the dhcp_local_only mutation is on: a request never crosses the VXLAN tunnel to a remote leader"
        return "the pending request cannot reach a leader (none, or not reachable from its host)"

    # -- invariants -------------------------------------------------------------------

    @invariant("No address is handed to two VMs of the same network.")
    def unique_addresses(self, s: AHVState) -> bool:
        """No address is handed to two VMs of the same network."""
        return self._address_verdicts(s.address)[0]

    @invariant("Every address comes from its network's scope; VMs on unmanaged networks get none from AHV.")
    def address_in_scope(self, s: AHVState) -> bool:
        """Every address comes from its network's scope; VMs on unmanaged networks get none from AHV."""
        return self._address_verdicts(s.address)[1]

    @invariant("A VM keeps its address across an HA restart.")
    def restarted_vm_keeps_address(self, s: AHVState) -> bool:
        """A VM keeps its address across an HA restart."""
        return self._address_verdicts(s.address)[2]
