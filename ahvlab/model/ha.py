"""The control plane: host failures, leader election, failure detection, fencing, VM restart and time.

Time is event-driven: every running timer holds the seconds left; ``tick`` jumps
to the earliest expiry. The step a timer triggers is urgent: time cannot pass
while it is enabled, and neither while a block acknowledgement is in flight or a
dead VM has not been reaped. So the timelines fall at T0, T20, T60, T120 exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ahvlab.checker.spec import Action, Invariant
from ahvlab.model import capacity
from ahvlab.model.cluster import Cluster
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


def _set(t: tuple[Any, ...], i: int, v: Any) -> tuple[Any, ...]:
    return (*t[:i], v, *t[i + 1 :])


class HA:
    """Actions and invariants of the control plane."""

    def __init__(self, cl: Cluster) -> None:
        self.cl = cl
        self.t = cl.timings
        failures = cl.config.failures
        self.enabled = {
            "crash_host": "host" in failures,
            "recover_host": "host" in failures,
            "partition_host": "partition" in failures,
            "heal_partition": "partition" in failures,
            "kill_libvirtd": "libvirtd" in failures,
            "restart_libvirtd": "libvirtd" in failures,
        }

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
        if w.timer != 0 or "no_restart" in self.cl.mut:
            return False
        if w.phase in (FENCED, WAITING):
            return True
        return w.phase == FENCING and "restart_before_ack" in self.cl.mut

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

    def partition_host(self, s: AHVState) -> Succ:
        """A host's network is cut off from the rest of the cluster; it keeps running its VMs."""
        if not self._host_failure_left(s):
            return
        for h in self.cl.hosts:
            if s.host_up[h] and not s.partitioned[h]:
                nxt = s._replace(partitioned=_set(s.partitioned, h, True), failures=self._used(s))
                yield {"host": h + 1}, self.cl.settle(nxt)

    def heal_partition(self, s: AHVState) -> Succ:
        """The isolated host's network comes back."""
        for h in self.cl.hosts:
            if s.partitioned[h] and s.watch[h].phase in _REJOIN_PHASES:
                nxt = self._rejoin(s._replace(partitioned=_set(s.partitioned, h, False)), h)
                yield {"host": h + 1}, self.cl.settle(nxt)

    def kill_libvirtd(self, s: AHVState) -> Succ:
        """A host's libvirtd (its management process) dies; the host and its VMs keep running."""
        if not self._host_failure_left(s):
            return
        for h in self.cl.hosts:
            if s.host_up[h] and s.libvirtd_up[h]:
                nxt = s._replace(libvirtd_up=_set(s.libvirtd_up, h, False), failures=self._used(s))
                yield {"host": h + 1}, self.cl.settle(nxt)

    def restart_libvirtd(self, s: AHVState) -> Succ:
        """libvirtd is started again on its host."""
        for h in self.cl.hosts:
            if s.host_up[h] and not s.libvirtd_up[h] and s.watch[h].phase in _REJOIN_PHASES:
                nxt = self._rejoin(s._replace(libvirtd_up=_set(s.libvirtd_up, h, True)), h)
                yield {"host": h + 1}, self.cl.settle(nxt)

    # -- the HA timeline -------------------------------------------------------------

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
            if "leases_in_memory" in cl.mut:
                nxt = nxt._replace(leases=frozenset())
            yield {"host": h + 1}, cl.settle(nxt)

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

    def fence_host(self, s: AHVState) -> Succ:
        """T60: the timeout expired; the leader tells every Stargate to block I/O from the host."""
        cl = self.cl
        if cl.acting_leader(s) < 0:
            return
        for h in cl.hosts:
            w = s.watch[h]
            if w.phase != TIMEOUT or w.timer != 0:
                continue
            if "no_fencing" in cl.mut:
                nw = Watch(WAITING, self.t.restart_wait)
            elif "restart_before_ack" in cl.mut:
                nw = Watch(FENCING, 0)
            else:
                nw = Watch(FENCING, -1)
            yield {"host": h + 1}, cl.settle(s._replace(watch=_set(s.watch, h, nw)))

    def ack_block(self, s: AHVState) -> Succ:
        """A Stargate blocks I/O from the lost host and acknowledges the order (acks come in any order)."""
        cl = self.cl
        for h in cl.hosts:
            for t in cl.pending_acks(s, h):
                nxt = s._replace(blocks=_set(s.blocks, t, s.blocks[t] | {h}))
                yield {"stargate": t + 1, "host": h + 1}, cl.settle(nxt)

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

    def vm_dies(self, s: AHVState) -> Succ:
        """A VM that could do no I/O for 45 s fails: its qemu-kvm process is gone."""
        cl = self.cl
        for vm, cs in enumerate(s.copies):
            for c in cs:
                if c.io_timer == 0:
                    rest = tuple(x for x in cs if x is not c)
                    yield {"vm": cl.vm_names[vm], "host": c.host + 1}, cl.settle(cl.with_copies(s, vm, rest))

    def tick(self, s: AHVState) -> Succ:
        """Time passes up to the earliest pending timer."""
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

    def actions(self) -> list[Action]:
        fns = [
            self.crash_host,
            self.recover_host,
            self.partition_host,
            self.heal_partition,
            self.kill_libvirtd,
            self.restart_libvirtd,
            self.elect_leader,
            self.start_timeout,
            self.fence_host,
            self.ack_block,
            self.vm_dies,
            self.restart_vms,
            self.start_vm,
            self.tick,
        ]
        return [
            Action(fn.__name__, fn, (fn.__doc__ or "").strip().splitlines()[0])
            for fn in fns
            if self.enabled.get(fn.__name__, True)
        ]

    # -- invariants -------------------------------------------------------------------

    def at_most_one_leader(self, s: AHVState) -> bool:
        """At most one Acropolis leader at any time."""
        return len(s.leaders) <= 1

    def restart_after_fence_ack(self, s: AHVState) -> bool:
        """A lost host's VMs restart only after every Stargate acknowledged the block of that host."""
        cl = self.cl
        return not any(s.watch[h].phase == RESTARTED and cl.pending_acks(s, h) for h in cl.hosts)

    def no_io_from_fenced_host(self, s: AHVState) -> bool:
        """Once the leader holds every ack, no VM on the fenced host gets its I/O accepted by any Stargate."""
        cl = self.cl
        for cs in s.copies:
            for c in cs:
                if s.watch[c.host].phase in (FENCED, RESTARTED) and cl.has_access(s, c):
                    return False
        return True

    def no_phantom_vm(self, s: AHVState) -> bool:
        """No phantom VM: never two running copies of a VM."""
        return all(len(cs) <= 1 for cs in s.copies)

    def single_storage_access(self, s: AHVState) -> bool:
        """Never two copies of a VM with access to its disks."""
        cl = self.cl
        return all(sum(1 for c in cs if cl.has_access(s, c)) <= 1 for cs in s.copies if len(cs) > 1)

    def lost_host_vms_restarted(self, s: AHVState) -> bool:
        """Bounded liveness: once T120 of a lost host has passed, none of its VMs is still waiting to run."""
        return not any(s.watch[h].phase == RESTARTED for h in s.placement if h >= 0)

    def guarantee_protects(self, s: AHVState) -> bool:
        """Guarantee mode: every VM of any one failed host can be restarted on the other hosts' free memory."""
        cl = self.cl
        down = frozenset(
            h
            for h in cl.hosts
            if not (s.host_up[h] and s.libvirtd_up[h] and not s.partitioned[h] and s.watch[h].phase == OK)
        )
        return capacity.guarantee_protects(cl.config.host_memory, cl.vm_memory, s.placement, down)

    def invariants(self) -> list[Invariant]:
        fns: tuple[Any, ...] = (
            self.at_most_one_leader,
            self.restart_after_fence_ack,
            self.no_phantom_vm,
            self.single_storage_access,
            self.no_io_from_fenced_host,
            self.lost_host_vms_restarted,
        )
        if self.cl.config.ha_mode == "guarantee":
            fns = (*fns, self.guarantee_protects)
        return [Invariant(fn.__name__, fn, (fn.__doc__ or "").strip().splitlines()[0]) for fn in fns]
