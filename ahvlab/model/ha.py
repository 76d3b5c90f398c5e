"""The control plane: host failures, leader election, failure detection, fencing, VM restart and time.

Time is event-driven: every running timer holds the seconds left; ``tick`` jumps
to the earliest expiry, and ``wait`` lets one of the config's chosen durations
pass (``waits``), so a failure can come at any instant. The step a timer triggers
is urgent: time cannot pass while it is enabled, and neither while a block
acknowledgement is in flight, a dead VM has not been reaped or a dead VM's
restart is owed. So the timelines fall at T0, T20, T60, T120 exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ahvlab.checker.spec import Component, action, explains, invariant
from ahvlab.model import capacity
from ahvlab.model.cluster import FENCE_PHASES, Cluster
from ahvlab.model.mutations import Mutation
from ahvlab.model.placement import restart_targets, start_hosts
from ahvlab.model.state import (
    EXCUSED,
    FENCED,
    FENCING,
    LOST,
    MISSED,
    OK,
    RESTARTED,
    TIMEOUT,
    WAITING,
    WATCH_OK,
    AHVState,
    Watch,
)

Succ = Iterator[tuple[dict[str, Any], AHVState]]

_FAILURE_ACTIONS = {
    "host": ("crash_host", "recover_host"),
    "partition": ("partition_host", "heal_partition"),
    "libvirtd": ("kill_libvirtd", "restart_libvirtd"),
    "split": ("split_network", "heal_split"),
    "block": ("block_outage", "recover_host"),
    "no_ack": ("stop_acks", "resume_acks"),
}
"""Failure kind (config ``failures``) -> the failure and the recovery it brings."""


def _set(t: tuple[Any, ...], i: int, v: Any) -> tuple[Any, ...]:
    return (*t[:i], v, *t[i + 1 :])


def _hosts(hs: Any) -> str:
    return ",".join(str(h + 1) for h in sorted(hs))


class HA(Component):
    """Actions and invariants of the control plane."""

    def __init__(self, cl: Cluster) -> None:
        self.cl = cl
        self.t = cl.timings
        failures = cl.config.failures
        # A failure kind the config leaves out takes its failure and its recovery with it.
        wanted = {name for kind, names in _FAILURE_ACTIONS.items() if kind in failures for name in names}
        self.excluded = {name for names in _FAILURE_ACTIONS.values() for name in names} - wanted
        if not cl.config.waits:
            self.excluded.add("wait")
        if cl.config.ha_mode != "guarantee":
            self.excluded.add("guarantee_protects")
        # Failure kind split: every side that does not hold host 1 (the other side is the rest).
        self.sides = tuple(
            frozenset(h for h in range(1, cl.n) if bits >> (h - 1) & 1) for bits in range(1, 2 ** (cl.n - 1))
        )

    def includes(self, name: str) -> bool:
        return name not in self.excluded

    # -- helpers ------------------------------------------------------------------

    def _host_failure_left(self, s: AHVState) -> bool:
        cfg = self.cl.config
        return s.failures[1] < cfg.max_host_failures and sum(s.failures) < cfg.max_failures

    def _cvm_failure_left(self, s: AHVState) -> bool:
        cfg = self.cl.config
        return s.failures[0] < cfg.max_cvm_failures and sum(s.failures) < cfg.max_failures

    def _used(self, s: AHVState) -> tuple[int, int]:
        return (s.failures[0], s.failures[1] + 1)

    def _rejoin(self, s: AHVState, h: int) -> AHVState:
        """A host comes back. Its Stargate loads the block orders in force (the order reaches it now).

        If HA already restarted its VMs elsewhere, the stale copies are destroyed and the block on it
        lifted. If the host is being fenced (T60 to T120), the fence goes on: its own Stargate loads the
        block of the host itself, so its VMs stay cut off from their disks until the restart.
        """
        if s.watch[h].phase == RESTARTED:
            copies = list(s.copies)
            for vm, cs in enumerate(copies):
                if any(c.host == h for c in cs) and s.placement[vm] != h:
                    copies[vm] = tuple(c for c in cs if c.host != h)
            blocks = tuple(b - {h} for b in s.blocks)
            s = s._replace(copies=tuple(copies), blocks=blocks, watch=_set(s.watch, h, WATCH_OK))
        fenced = self.cl.fenced_hosts(s)
        if s.host_up[h] and s.cvm_up[h] and not fenced <= s.blocks[h]:
            s = s._replace(blocks=_set(s.blocks, h, s.blocks[h] | fenced))
        return s

    def _pending_restart(self, s: AHVState, h: int) -> bool:
        w = s.watch[h]
        if w.timer != 0 or Mutation.NO_RESTART in self.cl.mut or self.cl.driver(s, h) < 0:
            return False
        if w.phase in (FENCED, WAITING):
            return True
        return w.phase == FENCING and Mutation.RESTART_BEFORE_ACK in self.cl.mut

    def _owed_targets(self, s: AHVState) -> list[tuple[int, int]]:
        """(vm, host) for every VM HA owes a restart that has somewhere to go now."""
        cl = self.cl
        ldr = cl.acting_leader(s)
        if ldr < 0 or not s.to_restart:
            return []
        out = []
        for vm in sorted(s.to_restart):
            tgt = restart_targets(cl, s, [vm], -1, ldr).get(vm)
            if tgt is not None:
                out.append((vm, tgt))
        return out

    def urgent(self, s: AHVState) -> bool:
        """Is a step enabled that must happen before time may pass."""
        cl = self.cl
        if any(c.io_timer == 0 for cs in s.copies for c in cs) or 0 in s.elect_timer:
            return True
        if any(s.lease[ldr] == 0 for ldr in s.leaders):
            return True
        for h in cl.hosts:
            w = s.watch[h]
            if w.phase in FENCE_PHASES and cl.pending_acks(s, h):  # no block order is out in other phases
                return True
            if w.timer == 0 and cl.driver(s, h) >= 0 and (w.phase in (LOST, TIMEOUT) or self._pending_restart(s, h)):
                return True
        return bool(self._owed_targets(s))

    def _crash(self, s: AHVState, hosts: Any) -> AHVState:
        """Hosts stop at once: their CVM, libvirtd, redirector and every VM on them."""
        down = frozenset(hosts)
        n = self.cl.n
        return s._replace(
            host_up=tuple(u and h not in down for h, u in enumerate(s.host_up)),
            cvm_up=tuple(u and h not in down for h, u in enumerate(s.cvm_up)),
            libvirtd_up=tuple(u and h not in down for h, u in enumerate(s.libvirtd_up)),
            health=tuple((False,) * n if h in down else row for h, row in enumerate(s.health)),
            copies=tuple(tuple(c for c in cs if c.host not in down) for cs in s.copies),
            mute=s.mute - down,
            failures=self._used(s),
        )

    # -- failures and recoveries -------------------------------------------------

    @action
    def crash_host(self, s: AHVState) -> Succ:
        """A host crashes: its CVM, libvirtd, redirector and every VM on it stop at once."""
        if not self._host_failure_left(s):
            return
        for h in self.cl.hosts:
            if s.host_up[h]:
                yield {"host": h + 1}, self.cl.settle(self._crash(self.cl.excuse(s), (h,)))

    @action
    def block_outage(self, s: AHVState) -> Succ:
        """A block (a chassis of hosts) fails: every host in it crashes at the same instant."""
        if not self._host_failure_left(s):
            return
        for i, block in enumerate(self.cl.blocks):
            if any(s.host_up[h] for h in block):
                yield {"block": i + 1, "hosts": _hosts(block)}, self.cl.settle(self._crash(self.cl.excuse(s), block))

    @action
    def recover_host(self, s: AHVState) -> Succ:
        """A crashed host boots again (at any point of its HA timeline); the leader starts the VMs it owes."""
        cl = self.cl
        for h in cl.hosts:
            if s.host_up[h]:
                continue
            nxt = s._replace(
                host_up=_set(s.host_up, h, True),
                cvm_up=_set(s.cvm_up, h, True),
                libvirtd_up=_set(s.libvirtd_up, h, True),
            )
            # No VM comes back with its host by itself: a VM nobody restarted is owed a restart, and
            # the leader sees it is not running as soon as it reaches the host's libvirtd (settle).
            yield {"host": h + 1}, cl.settle(self._rejoin(nxt, h))

    @action
    def partition_host(self, s: AHVState) -> Succ:
        """A host's network is cut off from the rest of the cluster; it keeps running its VMs."""
        if not self._host_failure_left(s):
            return
        for h in self.cl.hosts:
            if s.host_up[h] and not s.partitioned[h]:
                nxt = self.cl.excuse(s)._replace(partitioned=_set(s.partitioned, h, True), failures=self._used(s))
                yield {"host": h + 1}, self.cl.settle(nxt)

    @action
    def heal_partition(self, s: AHVState) -> Succ:
        """The isolated host's network comes back (before, during or after its fence)."""
        for h in self.cl.hosts:
            if s.partitioned[h]:
                nxt = self._rejoin(s._replace(partitioned=_set(s.partitioned, h, False)), h)
                yield {"host": h + 1}, self.cl.settle(nxt)

    @action
    def split_network(self, s: AHVState) -> Succ:
        """The network divides the hosts into two sides: X hosts cannot talk to the other Y hosts."""
        if s.split or not self._host_failure_left(s):
            return
        for side in self.sides:
            nxt = self.cl.excuse(s)._replace(split=side, failures=self._used(s))
            yield {"side": _hosts(side)}, self.cl.settle(nxt)

    @action
    def heal_split(self, s: AHVState) -> Succ:
        """The two sides of a split talk again; every running Stargate loads the block orders in force."""
        if not s.split:
            return
        nxt = s._replace(split=frozenset())
        fenced = self.cl.fenced_hosts(nxt)
        blocks = tuple(b | fenced if self.cl.serving(nxt, t) else b for t, b in enumerate(nxt.blocks))
        yield {"side": _hosts(s.split)}, self.cl.settle(nxt._replace(blocks=blocks))

    @action
    def kill_libvirtd(self, s: AHVState) -> Succ:
        """A host's libvirtd (its management process) dies; the host and its VMs keep running."""
        if not self._host_failure_left(s):
            return
        for h in self.cl.hosts:
            if s.host_up[h] and s.libvirtd_up[h]:
                nxt = self.cl.excuse(s)._replace(libvirtd_up=_set(s.libvirtd_up, h, False), failures=self._used(s))
                yield {"host": h + 1}, self.cl.settle(nxt)

    @action
    def restart_libvirtd(self, s: AHVState) -> Succ:
        """libvirtd is started again on its host (before, during or after its fence)."""
        for h in self.cl.hosts:
            if s.host_up[h] and not s.libvirtd_up[h]:
                nxt = self._rejoin(s._replace(libvirtd_up=_set(s.libvirtd_up, h, True)), h)
                yield {"host": h + 1}, self.cl.settle(nxt)

    @action
    def stop_acks(self, s: AHVState) -> Succ:
        """A Stargate stays up, serves I/O and answers NOPs, but never answers a block order (a hung handler)."""
        if not self._cvm_failure_left(s):
            return
        for t in self.cl.hosts:
            if self.cl.serving(s, t) and t not in s.mute:
                nxt = self.cl.excuse(s)._replace(mute=s.mute | {t}, failures=(s.failures[0] + 1, s.failures[1]))
                yield {"stargate": t + 1}, self.cl.settle(nxt)

    @action
    def resume_acks(self, s: AHVState) -> Succ:
        """The hung Stargate answers block orders again (the orders still out reach it now)."""
        for t in sorted(s.mute):
            yield {"stargate": t + 1}, self.cl.settle(s._replace(mute=s.mute - {t}))

    # -- the HA timeline -------------------------------------------------------------

    @action
    def elect_leader(self, s: AHVState) -> Succ:
        """A CVM that has seen no leader for 20 s and can reach a majority becomes the Acropolis leader.

        It reads the HA records of the cluster's store: a timeline its predecessor left half done
        (a block order out, acks missing) is its own from now on; ``inherits`` names those hosts.
        """
        cl = self.cl
        t = self.t
        if 0 not in s.elect_timer:
            return  # no CVM's election timer has run out
        for h in cl.hosts:
            if s.elect_timer[h] != 0:
                continue
            watch = list(s.watch)
            inherits = []
            for u in cl.hosts:
                w = watch[u]
                if w.phase != OK and w.by not in s.leaders:
                    w = w._replace(by=h)
                    if w.phase in (FENCING, FENCED, WAITING):
                        inherits.append(u)
                # The new leader cannot reach this host: it is already past T20, so the 40 s timeout starts now.
                if w.phase in (OK, LOST) and not cl.conn_ok(s, h, u):
                    # A loss no leader saw has its T0 put 20 s back; if this run has already used more than
                    # one failure, which came first is not recorded, and a late restart counts as explained.
                    if w.phase == LOST:
                        due = w.due
                    else:
                        due = EXCUSED if sum(s.failures) > 1 else t.restart_after - t.detect_after
                    w = Watch(TIMEOUT, t.timeout, h, due)
                watch[u] = w
            nxt = s._replace(leaders=s.leaders | {h}, watch=tuple(watch))
            if Mutation.LEASES_IN_MEMORY in cl.mut:
                nxt = nxt._replace(leases=frozenset())
            params: dict[str, Any] = {"host": h + 1}
            if inherits:
                params["inherits"] = _hosts(inherits)
            yield params, cl.settle(nxt)

    @action
    def step_down(self, s: AHVState) -> Succ:
        """A leader that lost its quorum and held on for its lease gives the role up when the lease runs out."""
        for ldr in sorted(s.leaders):
            if s.lease[ldr] == 0:
                nxt = s._replace(leaders=s.leaders - {ldr}, lease=_set(s.lease, ldr, -1))
                yield {"host": ldr + 1}, self.cl.settle(nxt)

    @action
    def start_timeout(self, s: AHVState) -> Succ:
        """T20: the connection to the host's libvirtd is still down, so the leader starts the 40 s timeout."""
        for h in self.cl.hosts:
            w = s.watch[h]
            if w.phase == LOST and w.timer == 0 and self.cl.driver(s, h) >= 0:
                nw = w._replace(phase=TIMEOUT, timer=self.t.timeout)
                yield {"host": h + 1}, self.cl.settle(s._replace(watch=_set(s.watch, h, nw)))

    @action
    def fence_host(self, s: AHVState) -> Succ:
        """T60: the timeout expired; the leader tells every Stargate to block I/O from the host."""
        cl = self.cl
        for h in cl.hosts:
            w = s.watch[h]
            if w.phase != TIMEOUT or w.timer != 0 or cl.driver(s, h) < 0:
                continue
            if Mutation.NO_FENCING in cl.mut:
                nw = w._replace(phase=WAITING, timer=self.t.restart_wait)
            elif Mutation.RESTART_BEFORE_ACK in cl.mut:
                nw = w._replace(phase=FENCING, timer=0)
            else:
                nw = w._replace(phase=FENCING, timer=-1)
            yield {"host": h + 1}, cl.settle(s._replace(watch=_set(s.watch, h, nw)))

    @action
    def ack_block(self, s: AHVState) -> Succ:
        """A Stargate blocks I/O from the lost host and acknowledges the order (acks come in any order)."""
        cl = self.cl
        for h in cl.hosts:
            if s.watch[h].phase not in FENCE_PHASES:
                continue  # no block order for this host is out
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
        """T120: the leader restarts the lost host's VMs, one per step, spreading them over healthy hosts."""
        cl = self.cl
        for h in cl.hosts:
            if not self._pending_restart(s, h):
                continue
            vms = [vm for vm in cl.vm_range if s.placement[vm] == h]
            nxt = s
            placed = ""
            if vms:
                # One VM per step, in VM order: a failure can fall between two restarts of one host.
                vm = vms[0]
                tgt = restart_targets(cl, s, vms, h, cl.driver(s, h)).get(vm)
                nxt = self._start(nxt, vm, -1 if tgt is None else tgt)
                if tgt is None:
                    # No room now: HA keeps the VM and starts it when room appears (restart_vm).
                    nxt = nxt._replace(to_restart=nxt.to_restart | {vm})
                placed = f"{cl.vm_names[vm]}->{'none' if tgt is None else tgt + 1}"
            if len(vms) <= 1:
                nxt = nxt._replace(watch=_set(nxt.watch, h, Watch(RESTARTED, -1, s.watch[h].by)))
                if cl.conn_ok(nxt, s.watch[h].by, h):
                    nxt = self._rejoin(nxt, h)  # the host came back during its fence: it is a healthy host again
            yield {"host": h + 1, "targets": placed}, cl.settle(nxt)

    @action
    def restart_vm(self, s: AHVState) -> Succ:
        """The leader starts a VM it owes a restart: found dead on a host it reaches, or no room at T120."""
        cl = self.cl
        for vm, tgt in self._owed_targets(s):
            yield {"vm": cl.vm_names[vm], "host": tgt + 1}, cl.settle(self._start(s, vm, tgt))

    def _start(self, s: AHVState, vm: int, h: int) -> AHVState:
        cl = self.cl
        s = s._replace(placement=_set(s.placement, vm, h))
        if h < 0:
            return s
        s = cl.with_copies(s, vm, (*s.copies[vm], cl.power_on_copy(s, vm, h)))
        if vm in s.to_restart:
            s = s._replace(to_restart=s.to_restart - {vm})
        if cl.ipam and cl.managed[vm]:
            # The guest boots and sends a DHCP request; it has no address until the leader answers.
            s = s._replace(address=_set(s.address, vm, -1), dhcp_pending=_set(s.dhcp_pending, vm, True))
        return s

    @action
    def start_vm(self, s: AHVState) -> Succ:
        """Power on a VM that is off on a host the placement rules allow (a user's action)."""
        cl = self.cl
        ldr = cl.acting_leader(s)
        if ldr < 0:
            return
        if s.to_restart and cl.config.ha_mode == "guarantee":
            # The guarantee is that every VM of a lost host restarts: a user's start waits until
            # the restarts HA owes have run, or it could take the room reserved for them.
            return
        for vm in cl.vm_range:
            if s.placement[vm] >= 0 or s.copies[vm] or vm in s.to_restart:
                continue
            for tgt in start_hosts(cl, s, vm, ldr):
                yield {"vm": cl.vm_names[vm], "host": tgt + 1}, cl.settle(self._start(s, vm, tgt))

    def _timers(self, s: AHVState) -> list[int]:
        timers = [w.timer for w in s.watch if w.timer > 0]
        timers += [w.due for w in s.watch if w.due > 0 and w.phase not in (OK, RESTARTED)]
        timers += [t for t in s.elect_timer if t > 0]
        timers += [t for t in s.lease if t > 0]
        timers += [c.io_timer for cs in s.copies for c in cs if c.io_timer > 0]
        return timers

    def _advance(self, s: AHVState, d: int) -> AHVState:
        """Model time moves on by d seconds (no timer expires on the way); a deadline left behind is missed."""

        def watch(w: Watch) -> Watch:
            timer = w.timer - d if w.timer > 0 else w.timer
            due = w.due
            if due >= 0 and w.phase not in (OK, RESTARTED):
                due = due - d if due > 0 else MISSED
            return w if (timer, due) == (w.timer, w.due) else w._replace(timer=timer, due=due)

        return s._replace(
            now=s.now + d,
            watch=tuple(watch(w) for w in s.watch),
            elect_timer=tuple(t - d if t > 0 else t for t in s.elect_timer),
            lease=tuple(t - d if t > 0 else t for t in s.lease),
            copies=tuple(
                tuple(c._replace(io_timer=c.io_timer - d) if c.io_timer > 0 else c for c in cs) for cs in s.copies
            ),
        )

    @action
    def tick(self, s: AHVState) -> Succ:
        """Time passes up to the earliest pending timer."""
        # No settle: passing time changes no reachability, leader or I/O path; what a timer
        # triggers is the urgent step it enables, which settles. (A lost connection found at
        # a later heartbeat is already in its timer: settle added the wait for the heartbeat.)
        if self.urgent(s):
            return
        timers = self._timers(s)
        if not timers:
            return
        d = min(timers)
        yield {"to": s.now + d}, self._advance(s, d)

    @action
    def wait(self, s: AHVState) -> Succ:
        """Time passes by one of the config's chosen durations (``waits``), if no deadline falls on the way."""
        # No settle, as for tick.
        if self.urgent(s):
            return
        timers = self._timers(s)
        limit = min(timers) if timers else None
        for d in self.cl.config.waits:
            if limit is None or d <= limit:
                yield {"seconds": d}, self._advance(s, d)

    # -- why an action has no step ----------------------------------------------------

    def _budget(self, s: AHVState, kind: str) -> str | None:
        cfg = self.cl.config
        bound, used = (
            (cfg.max_host_failures, s.failures[1]) if kind == "host" else (cfg.max_cvm_failures, s.failures[0])
        )
        if used >= bound or sum(s.failures) >= cfg.max_failures:
            return (
                f"this run's failure budget is spent (max_failures = {cfg.max_failures}, max_{kind}_failures = {bound})"
            )
        return None

    @explains("crash_host", "partition_host", "kill_libvirtd", "block_outage")
    def _why_no_host_failure(self, s: AHVState) -> str:
        return (
            self._budget(s, "host")
            or "no host can fail that way now (each is already down, cut off or without libvirtd)"
        )

    @explains("split_network")
    def _why_no_split(self, s: AHVState) -> str:
        if s.split:
            return f"the network is already split (hosts {_hosts(s.split)} on one side)"
        return self._budget(s, "host") or "no split is possible"

    @explains("heal_split")
    def _why_no_heal_split(self, s: AHVState) -> str:
        return "the network is not split"

    @explains("stop_acks")
    def _why_no_stop_acks(self, s: AHVState) -> str:
        return self._budget(s, "cvm") or "no running Stargate answers block orders any more"

    @explains("resume_acks")
    def _why_no_resume_acks(self, s: AHVState) -> str:
        return "every running Stargate answers block orders"

    @explains("recover_host")
    def _why_no_recovery(self, s: AHVState) -> str:
        return "no host is down"

    @explains("heal_partition")
    def _why_no_heal(self, s: AHVState) -> str:
        return "no host is partitioned"

    @explains("restart_libvirtd")
    def _why_no_libvirtd_restart(self, s: AHVState) -> str:
        return "no running host has lost libvirtd"

    @explains("elect_leader")
    def _why_no_election(self, s: AHVState) -> str:
        if s.leaders:
            return f"host {min(s.leaders) + 1}'s CVM is the Acropolis leader"
        if any(t > 0 for t in s.elect_timer):
            return "no CVM has waited its 20 s without a leader yet (tick first)"
        return "no CVM that reaches a majority of CVMs is waiting to stand"

    @explains("step_down")
    def _why_no_step_down(self, s: AHVState) -> str:
        if any(s.lease[ldr] > 0 for ldr in s.leaders):
            return "a leader without quorum still holds its lease (tick first)"
        return "no leader without quorum is holding on to a lease"

    def _no_leader(self, s: AHVState) -> str | None:
        if self.cl.acting_leader(s) < 0:
            return "there is no Acropolis leader with a quorum to do it"
        return None

    def _no_driver(self, s: AHVState, phase: str) -> str | None:
        hosts = [h for h in self.cl.hosts if s.watch[h].phase == phase]
        if hosts and all(self.cl.driver(s, h) < 0 for h in hosts):
            return f"the leader that ran host {hosts[0] + 1}'s timeline left office; no leader has taken it on yet"
        return None

    @explains("start_timeout")
    def _why_no_timeout_start(self, s: AHVState) -> str:
        if any(w.phase == LOST for w in s.watch):
            return self._no_driver(s, LOST) or "no host's connection has been lost for 20 s"
        return self._no_leader(s) or "no host's connection is lost"

    @explains("fence_host")
    def _why_no_fence(self, s: AHVState) -> str:
        if any(w.phase == TIMEOUT for w in s.watch):
            return self._no_driver(s, TIMEOUT) or "no host's 40 s timeout has expired yet (T60)"
        return self._no_leader(s) or "no host is in its timeout"

    def _waits_for(self, s: AHVState, h: int) -> str:
        """Why host h's fence is not complete, naming the Stargates it waits for."""
        cl = self.cl
        missing = cl.missing_acks(s, h)
        if cl.driver(s, h) < 0:
            return f"host {h + 1}'s block order is out but its leader left office: no leader collects the acks yet"
        mute = [t for t in missing if t in s.mute]
        far = [t for t in missing if t not in mute and not (cl.serving(s, t) and cl.reach(s, s.watch[h].by, t))]
        parts = []
        if mute:
            parts.append(f"Stargate {_hosts(mute)} is up but never answers block orders")
        if far:
            parts.append(
                f"Stargate {_hosts(far)} cannot be reached, and a leader without quorum cannot write it out"
                " of the cluster"
            )
        why = "; ".join(parts) or "acks are in flight"
        return f"host {h + 1}'s fence waits for every ack: {why}"

    @explains("ack_block")
    def _why_no_ack(self, s: AHVState) -> str:
        stuck = [h for h in self.cl.hosts if self.cl.missing_acks(s, h)]
        if stuck:
            return self._waits_for(s, stuck[0])
        return "no block order is waiting for a Stargate's acknowledgement"

    @explains("vm_dies")
    def _why_no_death(self, s: AHVState) -> str:
        return "no VM has had its I/O failing for 45 s"

    @explains("restart_vms")
    def _why_no_restart(self, s: AHVState) -> str:
        cl = self.cl
        if Mutation.NO_RESTART in cl.mut and any(w.phase in (FENCED, WAITING) for w in s.watch):
            return "the no_restart mutation is on: HA never restarts a fenced host's VMs"
        stuck = [h for h in cl.hosts if s.watch[h].phase == FENCING and cl.missing_acks(s, h)]
        if stuck:
            return self._waits_for(s, stuck[0])
        if any(w.phase in (FENCED, WAITING) for w in s.watch):
            return self._no_leader(s) or "the restart is due 60 s after the last acknowledgement (T120): tick first"
        return self._no_leader(s) or "no lost host has been fenced with every Stargate's acknowledgement"

    @explains("restart_vm")
    def _why_no_owed_restart(self, s: AHVState) -> str:
        if not s.to_restart:
            return "HA owes no VM a restart outside a host's timeline"
        names = ", ".join(self.cl.vm_names[v] for v in sorted(s.to_restart))
        return self._no_leader(s) or f"no healthy host has room for {names} now"

    @explains("start_vm")
    def _why_no_start(self, s: AHVState) -> str:
        cl = self.cl
        no_leader = self._no_leader(s)
        if no_leader:
            return no_leader
        off = [cl.vm_names[v] for v in cl.vm_range if s.placement[v] < 0 and not s.copies[v] and v not in s.to_restart]
        owed = [cl.vm_names[v] for v in sorted(s.to_restart)]
        if not off:
            if owed:
                return f"no VM is off by a user: HA owes {', '.join(owed)} a restart (restart_vm)"
            return "every VM is running or being restarted by HA"
        if owed and cl.config.ha_mode == "guarantee":
            return (
                f"HA owes {', '.join(owed)} a restart (restart_vm): in guarantee mode a user's start waits for it,"
                " so that it cannot take the room reserved for a lost host's VMs"
            )
        if cl.config.ha_mode == "guarantee":
            return (
                f"admission refuses {', '.join(off)} on every healthy host: no segment placement would protect every VM"
            )
        return f"no healthy host has the memory for {', '.join(off)}"

    @explains("wait")
    def _why_no_wait(self, s: AHVState) -> str:
        if self.urgent(s):
            return f"time cannot pass at T+{s.now} until the steps due now happen"
        timers = self._timers(s)
        return f"the next deadline is {min(timers)} s away, before any of the waits {list(self.cl.config.waits)}"

    # -- invariants -------------------------------------------------------------------

    @invariant("At most one Acropolis leader at any time.")
    def at_most_one_leader(self, s: AHVState) -> bool:
        """At most one Acropolis leader at any time."""
        return len(s.leaders) <= 1

    @invariant("A lost host's VMs restart only after every Stargate acknowledged the block of that host.")
    def restart_after_fence_ack(self, s: AHVState) -> bool:
        """A lost host's VMs restart only after every Stargate acknowledged the block of that host."""
        cl = self.cl
        return not any(s.watch[h].phase == RESTARTED and cl.missing_acks(s, h) for h in cl.hosts)

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
            if not (s.host_up[h] and s.libvirtd_up[h] and cl.topo(s).quorum[h] and s.watch[h].phase == OK)
        )
        return capacity.guarantee_protects(cl.config.host_memory, cl.vm_memory, s.placement, down)

    @invariant(
        "No orphan VM: a VM that was running is running, or owed a restart by HA (its host's timeline, the "
        "restart list, or the next leader when none is in office), or off by a user."
    )
    def no_orphan_vm(self, s: AHVState) -> bool:
        """No orphan VM: a VM that was running is running, owed a restart by HA, or off by a user."""
        if not s.leaders:
            return True  # no leader in office: the next one takes on every VM it finds dead
        watch = s.watch
        for vm, h in enumerate(s.placement):
            if h < 0 or watch[h].phase != OK:
                continue  # off by a user, on the restart list (placement -1), or in its host's timeline
            for c in s.copies[vm]:
                if c.host == h:
                    break
            else:
                return False
        return True

    @invariant(
        "Every VM of a host lost at T0 is restarted by T0 + restart_after, unless a later failure explains the delay."
    )
    def restart_by_deadline(self, s: AHVState) -> bool:
        """Every VM of a host lost at T0 is restarted by T0 + restart_after, unless a later failure explains it."""
        due_now = False
        for w in s.watch:
            if w.due == MISSED:
                return False
            if w.due == 0 and w.phase not in (OK, RESTARTED):
                due_now = True
        # At the deadline itself, once the steps due in this instant have happened, the restart must be done.
        return not due_now or self.urgent(s)
