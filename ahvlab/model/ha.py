"""The control plane: host failures, leader election, failure detection, fencing, VM restart and time.

Time is event-driven: every running timer holds the seconds left; ``tick`` jumps
to the earliest expiry. The step a timer triggers is urgent: time cannot pass
while it is enabled, and neither while a block acknowledgement is in flight or a
dead VM has not been reaped. So the timelines fall at T0, T20, T60, T120 exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ahvlab.checker.spec import Component, action, explains, invariant
from ahvlab.model import capacity
from ahvlab.model.cluster import Cluster
from ahvlab.model.mutations import Mutation
from ahvlab.model.placement import restart_targets, start_hosts
from ahvlab.model.state import (
    FENCED,
    FENCING,
    LOST,
    OK,
    RESTARTED,
    TIMEOUT,
    WAITING,
    WATCH_OK,
    AHVState,
    Watch,
)

Succ = Iterator[tuple[dict[str, Any], AHVState]]
_REJOIN_PHASES = (OK, LOST, TIMEOUT, RESTARTED)
"""A lost host may come back before the block order, or once HA has restarted its VMs elsewhere."""


_FAILURE_ACTIONS = {
    "host": ("crash_host", "recover_host"),
    "partition": ("partition_host", "heal_partition"),
    "libvirtd": ("kill_libvirtd", "restart_libvirtd"),
}
"""Failure kind (config ``failures``) -> the failure and the recovery it brings."""


def _set(t: tuple[Any, ...], i: int, v: Any) -> tuple[Any, ...]:
    return (*t[:i], v, *t[i + 1 :])


class HA(Component):
    """Actions and invariants of the control plane."""

    def __init__(self, cl: Cluster) -> None:
        self.cl = cl
        self.t = cl.timings
        failures = cl.config.failures
        # A failure kind the config leaves out takes its failure and its recovery with it.
        self.excluded = {name for kind, names in _FAILURE_ACTIONS.items() if kind not in failures for name in names}
        if cl.config.ha_mode != "guarantee":
            self.excluded.add("guarantee_protects")

    def includes(self, name: str) -> bool:
        return name not in self.excluded

    # -- helpers ------------------------------------------------------------------

    def _host_failure_left(self, s: AHVState) -> bool:
        cfg = self.cl.config
        return s.failures[1] < cfg.max_host_failures and sum(s.failures) < cfg.max_failures

    def _used(self, s: AHVState) -> tuple[int, int]:
        return (s.failures[0], s.failures[1] + 1)

    def _rejoin(self, s: AHVState, h: int) -> AHVState:
        """A host comes back. Its Stargate loads the block orders in force (the order reaches it now).

        If HA already restarted its VMs elsewhere, the stale copies are destroyed and the block on it lifted.
        """
        if s.watch[h].phase == RESTARTED:
            copies = list(s.copies)
            for vm, cs in enumerate(copies):
                if any(c.host == h for c in cs) and s.placement[vm] != h:
                    copies[vm] = tuple(c for c in cs if c.host != h)
            blocks = tuple(b - {h} for b in s.blocks)
            s = s._replace(copies=tuple(copies), blocks=blocks, watch=_set(s.watch, h, WATCH_OK))
        fenced = self.cl.fenced_hosts(s) - {h}
        if not fenced <= s.blocks[h]:
            s = s._replace(blocks=_set(s.blocks, h, s.blocks[h] | fenced))
        return s

    def _pending_restart(self, s: AHVState, h: int) -> bool:
        w = s.watch[h]
        if w.timer != 0 or Mutation.NO_RESTART in self.cl.mut:
            return False
        if w.phase in (FENCED, WAITING):
            return True
        return w.phase == FENCING and Mutation.RESTART_BEFORE_ACK in self.cl.mut

    def urgent(self, s: AHVState) -> bool:
        """Is a step enabled that must happen before time may pass."""
        cl = self.cl
        if any(c.io_timer == 0 for cs in s.copies for c in cs) or 0 in s.elect_timer:
            return True
        ldr = cl.acting_leader(s)
        for h in cl.hosts:
            if cl.pending_acks(s, h):
                return True
            w = s.watch[h]
            if ldr >= 0 and w.timer == 0 and (w.phase in (LOST, TIMEOUT) or self._pending_restart(s, h)):
                return True
        return False

    # -- failures and recoveries -------------------------------------------------

    @action
    def crash_host(self, s: AHVState) -> Succ:
        """A host crashes: its CVM, libvirtd, redirector and every VM on it stop at once."""
        if not self._host_failure_left(s):
            return
        for h in self.cl.hosts:
            if not s.host_up[h]:
                continue
            copies = tuple(tuple(c for c in cs if c.host != h) for cs in s.copies)
            nxt = s._replace(
                host_up=_set(s.host_up, h, False),
                cvm_up=_set(s.cvm_up, h, False),
                libvirtd_up=_set(s.libvirtd_up, h, False),
                health=_set(s.health, h, (False,) * self.cl.n),
                copies=copies,
                failures=self._used(s),
            )
            yield {"host": h + 1}, self.cl.settle(nxt)

    @action
    def recover_host(self, s: AHVState) -> Succ:
        """A crashed host boots again (once HA has restarted its VMs elsewhere)."""
        cl = self.cl
        for h in cl.hosts:
            if s.host_up[h] or s.watch[h].phase not in (OK, RESTARTED):
                continue
            nxt = s._replace(
                host_up=_set(s.host_up, h, True),
                cvm_up=_set(s.cvm_up, h, True),
                libvirtd_up=_set(s.libvirtd_up, h, True),
            )
            nxt = self._rejoin(nxt, h)
            # VMs nobody restarted (the cluster had no leader) come back with their host.
            for vm in cl.vm_range:
                if nxt.placement[vm] == h and not nxt.copies[vm]:
                    nxt = cl.with_copies(nxt, vm, (cl.power_on_copy(nxt, vm, h),))
            yield {"host": h + 1}, cl.settle(nxt)

    @action
    def partition_host(self, s: AHVState) -> Succ:
        """A host's network is cut off from the rest of the cluster; it keeps running its VMs."""
        if not self._host_failure_left(s):
            return
        for h in self.cl.hosts:
            if s.host_up[h] and not s.partitioned[h]:
                nxt = s._replace(partitioned=_set(s.partitioned, h, True), failures=self._used(s))
                yield {"host": h + 1}, self.cl.settle(nxt)

    @action
    def heal_partition(self, s: AHVState) -> Succ:
        """The isolated host's network comes back."""
        for h in self.cl.hosts:
            if s.partitioned[h] and s.watch[h].phase in _REJOIN_PHASES:
                nxt = self._rejoin(s._replace(partitioned=_set(s.partitioned, h, False)), h)
                yield {"host": h + 1}, self.cl.settle(nxt)

    @action
    def kill_libvirtd(self, s: AHVState) -> Succ:
        """A host's libvirtd (its management process) dies; the host and its VMs keep running."""
        if not self._host_failure_left(s):
            return
        for h in self.cl.hosts:
            if s.host_up[h] and s.libvirtd_up[h]:
                nxt = s._replace(libvirtd_up=_set(s.libvirtd_up, h, False), failures=self._used(s))
                yield {"host": h + 1}, self.cl.settle(nxt)

    @action
    def restart_libvirtd(self, s: AHVState) -> Succ:
        """libvirtd is started again on its host."""
        for h in self.cl.hosts:
            if s.host_up[h] and not s.libvirtd_up[h] and s.watch[h].phase in _REJOIN_PHASES:
                nxt = self._rejoin(s._replace(libvirtd_up=_set(s.libvirtd_up, h, True)), h)
                yield {"host": h + 1}, self.cl.settle(nxt)

    # -- the HA timeline -------------------------------------------------------------

    @action
    def elect_leader(self, s: AHVState) -> Succ:
        """A CVM that has seen no leader for 20 s and can reach a majority becomes the Acropolis leader."""
        cl = self.cl
        for h in cl.hosts:
            if s.elect_timer[h] != 0:
                continue
            watch = list(s.watch)
            for u in cl.hosts:
                # The new leader cannot reach this host: it is already past T20, so the 40 s timeout starts now.
                if watch[u].phase in (OK, LOST) and not cl.conn_ok(s, h, u):
                    watch[u] = Watch(TIMEOUT, self.t.timeout)
            nxt = s._replace(leaders=s.leaders | {h}, watch=tuple(watch))
            if Mutation.LEASES_IN_MEMORY in cl.mut:
                nxt = nxt._replace(leases=frozenset())
            yield {"host": h + 1}, cl.settle(nxt)

    @action
    def start_timeout(self, s: AHVState) -> Succ:
        """T20: the connection to the host's libvirtd is still down, so the leader starts the 40 s timeout."""
        if self.cl.acting_leader(s) < 0:
            return
        for h in self.cl.hosts:
            w = s.watch[h]
            if w.phase == LOST and w.timer == 0:
                yield (
                    {"host": h + 1},
                    self.cl.settle(s._replace(watch=_set(s.watch, h, Watch(TIMEOUT, self.t.timeout)))),
                )

    @action
    def fence_host(self, s: AHVState) -> Succ:
        """T60: the timeout expired; the leader tells every Stargate to block I/O from the host."""
        cl = self.cl
        if cl.acting_leader(s) < 0:
            return
        for h in cl.hosts:
            w = s.watch[h]
            if w.phase != TIMEOUT or w.timer != 0:
                continue
            if Mutation.NO_FENCING in cl.mut:
                nw = Watch(WAITING, self.t.restart_wait)
            elif Mutation.RESTART_BEFORE_ACK in cl.mut:
                nw = Watch(FENCING, 0)
            else:
                nw = Watch(FENCING, -1)
            yield {"host": h + 1}, cl.settle(s._replace(watch=_set(s.watch, h, nw)))

    @action
    def ack_block(self, s: AHVState) -> Succ:
        """A Stargate blocks I/O from the lost host and acknowledges the order (acks come in any order)."""
        cl = self.cl
        for h in cl.hosts:
            for t in cl.pending_acks(s, h):
                nxt = s._replace(blocks=_set(s.blocks, t, s.blocks[t] | {h}))
                yield {"stargate": t + 1, "host": h + 1}, cl.settle(nxt)

    @action
    def vm_dies(self, s: AHVState) -> Succ:
        """A VM that could do no I/O for 45 s fails: its qemu-kvm process is gone."""
        cl = self.cl
        for vm, cs in enumerate(s.copies):
            for c in cs:
                if c.io_timer == 0:
                    rest = tuple(x for x in cs if x is not c)
                    yield {"vm": cl.vm_names[vm], "host": c.host + 1}, cl.settle(cl.with_copies(s, vm, rest))

    @action
    def restart_vms(self, s: AHVState) -> Succ:
        """T120: the leader restarts the lost host's VMs, spreading the starts over healthy hosts."""
        cl = self.cl
        ldr = cl.acting_leader(s)
        if ldr < 0:
            return
        for h in cl.hosts:
            if not self._pending_restart(s, h):
                continue
            vms = [vm for vm in cl.vm_range if s.placement[vm] == h]
            targets = restart_targets(cl, s, vms, h, ldr)
            nxt = s
            placed = []
            for vm in vms:
                tgt = targets.get(vm)
                nxt = self._start(nxt, vm, -1 if tgt is None else tgt)
                placed.append(f"{cl.vm_names[vm]}->{'none' if tgt is None else tgt + 1}")
            nxt = nxt._replace(watch=_set(nxt.watch, h, Watch(RESTARTED, -1)))
            yield {"host": h + 1, "targets": " ".join(placed)}, cl.settle(nxt)

    def _start(self, s: AHVState, vm: int, h: int) -> AHVState:
        cl = self.cl
        s = s._replace(placement=_set(s.placement, vm, h))
        if h < 0:
            return s
        s = cl.with_copies(s, vm, (*s.copies[vm], cl.power_on_copy(s, vm, h)))
        if cl.ipam and cl.managed[vm]:
            # The guest boots and sends a DHCP request; it has no address until the leader answers.
            s = s._replace(address=_set(s.address, vm, -1), dhcp_pending=_set(s.dhcp_pending, vm, True))
        return s

    @action
    def start_vm(self, s: AHVState) -> Succ:
        """Power on a VM that is off (or failed for lack of capacity) on a host the placement rules allow."""
        cl = self.cl
        ldr = cl.acting_leader(s)
        if ldr < 0:
            return
        for vm in cl.vm_range:
            if s.placement[vm] >= 0 or s.copies[vm]:
                continue
            for tgt in start_hosts(cl, s, vm, ldr):
                yield {"vm": cl.vm_names[vm], "host": tgt + 1}, cl.settle(self._start(s, vm, tgt))

    @action
    def tick(self, s: AHVState) -> Succ:
        """Time passes up to the earliest pending timer."""
        # No settle: passing time changes no reachability, leader or I/O path; what a timer
        # triggers is the urgent step it enables, which settles.
        if self.urgent(s):
            return
        timers = [w.timer for w in s.watch if w.timer > 0]
        timers += [t for t in s.elect_timer if t > 0]
        timers += [c.io_timer for cs in s.copies for c in cs if c.io_timer > 0]
        if not timers:
            return
        d = min(timers)
        watch = tuple(Watch(w.phase, w.timer - d) if w.timer > 0 else w for w in s.watch)
        et = tuple(t - d if t > 0 else t for t in s.elect_timer)
        copies = tuple(
            tuple(c._replace(io_timer=c.io_timer - d) if c.io_timer > 0 else c for c in cs) for cs in s.copies
        )
        yield {"to": s.now + d}, s._replace(now=s.now + d, watch=watch, elect_timer=et, copies=copies)

    # -- why an action has no step ----------------------------------------------------

    @explains("crash_host", "partition_host", "kill_libvirtd")
    def _why_no_host_failure(self, s: AHVState) -> str:
        cfg = self.cl.config
        if s.failures[1] >= cfg.max_host_failures or sum(s.failures) >= cfg.max_failures:
            return (
                f"this run's failure budget is spent (max_failures = {cfg.max_failures}, "
                f"max_host_failures = {cfg.max_host_failures})"
            )
        return "no host can fail that way now (each is already down, partitioned or without libvirtd)"

    @explains("recover_host")
    def _why_no_recovery(self, s: AHVState) -> str:
        return "no host is down (or its HA restart has not finished)"

    @explains("heal_partition")
    def _why_no_heal(self, s: AHVState) -> str:
        return "no host is partitioned (or its HA restart has not finished)"

    @explains("restart_libvirtd")
    def _why_no_libvirtd_restart(self, s: AHVState) -> str:
        return "no host has lost libvirtd (or its HA restart has not finished)"

    @explains("elect_leader")
    def _why_no_election(self, s: AHVState) -> str:
        if s.leaders:
            return f"host {min(s.leaders) + 1}'s CVM is the Acropolis leader"
        if any(t > 0 for t in s.elect_timer):
            return "no CVM has waited its 20 s without a leader yet (tick first)"
        return "no CVM that reaches a majority of CVMs is waiting to stand"

    def _no_leader(self, s: AHVState) -> str | None:
        if self.cl.acting_leader(s) < 0:
            return "there is no Acropolis leader with a quorum to do it"
        return None

    @explains("start_timeout")
    def _why_no_timeout_start(self, s: AHVState) -> str:
        if any(w.phase == LOST for w in s.watch):
            return self._no_leader(s) or "no host's connection has been lost for 20 s"
        return self._no_leader(s) or "no host's connection is lost"

    @explains("fence_host")
    def _why_no_fence(self, s: AHVState) -> str:
        if any(w.phase == TIMEOUT for w in s.watch):
            return self._no_leader(s) or "no host's 40 s timeout has expired yet (T60)"
        return self._no_leader(s) or "no host is in its timeout"

    @explains("ack_block")
    def _why_no_ack(self, s: AHVState) -> str:
        return self._no_leader(s) or "no block order is waiting for a Stargate's acknowledgement"

    @explains("vm_dies")
    def _why_no_death(self, s: AHVState) -> str:
        return "no isolated VM has had its I/O failing for 45 s"

    @explains("restart_vms")
    def _why_no_restart(self, s: AHVState) -> str:
        if any(w.phase in (FENCED, WAITING) for w in s.watch):
            return self._no_leader(s) or "the restart is due 60 s after the last acknowledgement (T120): tick first"
        return self._no_leader(s) or "no lost host has been fenced with every Stargate's acknowledgement"

    @explains("start_vm")
    def _why_no_start(self, s: AHVState) -> str:
        cl = self.cl
        off = [cl.vm_names[v] for v in cl.vm_range if s.placement[v] < 0 and not s.copies[v]]
        no_leader = self._no_leader(s)
        if no_leader:
            return no_leader
        if not off:
            return "every VM is running or being restarted"
        if cl.config.ha_mode == "guarantee":
            return (
                f"admission refuses {', '.join(off)} on every healthy host: no segment placement would protect every VM"
            )
        return f"no healthy host has the memory for {', '.join(off)}"

    # -- invariants -------------------------------------------------------------------

    @invariant("At most one Acropolis leader at any time.")
    def at_most_one_leader(self, s: AHVState) -> bool:
        """At most one Acropolis leader at any time."""
        return len(s.leaders) <= 1

    @invariant("A lost host's VMs restart only after every Stargate acknowledged the block of that host.")
    def restart_after_fence_ack(self, s: AHVState) -> bool:
        """A lost host's VMs restart only after every Stargate acknowledged the block of that host."""
        cl = self.cl
        return not any(s.watch[h].phase == RESTARTED and cl.pending_acks(s, h) for h in cl.hosts)

    @invariant("No phantom VM: never two running copies of a VM.")
    def no_phantom_vm(self, s: AHVState) -> bool:
        """No phantom VM: never two running copies of a VM."""
        return all(len(cs) <= 1 for cs in s.copies)

    @invariant("Never two copies of a VM with access to its disks.")
    def single_storage_access(self, s: AHVState) -> bool:
        """Never two copies of a VM with access to its disks."""
        cl = self.cl
        return all(sum(1 for c in cs if cl.has_access(s, c)) <= 1 for cs in s.copies if len(cs) > 1)

    @invariant("Once the leader holds every ack, no VM on the fenced host gets its I/O accepted by any Stargate.")
    def no_io_from_fenced_host(self, s: AHVState) -> bool:
        """Once the leader holds every ack, no VM on the fenced host gets its I/O accepted by any Stargate."""
        cl = self.cl
        for cs in s.copies:
            for c in cs:
                if s.watch[c.host].phase in (FENCED, RESTARTED) and cl.has_access(s, c):
                    return False
        return True

    @invariant("Bounded liveness: once T120 of a lost host has passed, none of its VMs is still waiting to run.")
    def lost_host_vms_restarted(self, s: AHVState) -> bool:
        """Bounded liveness: once T120 of a lost host has passed, none of its VMs is still waiting to run."""
        return not any(s.watch[h].phase == RESTARTED for h in s.placement if h >= 0)

    @invariant("Guarantee mode: every VM of any one failed host can be restarted on the other hosts' free memory.")
    def guarantee_protects(self, s: AHVState) -> bool:
        """Guarantee mode: every VM of any one failed host can be restarted on the other hosts' free memory."""
        cl = self.cl
        down = frozenset(
            h
            for h in cl.hosts
            if not (s.host_up[h] and s.libvirtd_up[h] and not s.partitioned[h] and s.watch[h].phase == OK)
        )
        return capacity.guarantee_protects(cl.config.host_memory, cl.vm_memory, s.placement, down)
