"""I/O paths 1 and 2: CVM failures, the iSCSI redirector's NOP health table, sessions, failback, Frodo queues.

Both paths log in through the host's redirector (127.0.0.1:3261): a classic VM
holds one session per disk, a Frodo VM one connection per queue (``num_queues``
if it had >= 2 vCPUs at power-on, else one). A login is redirected to the local
Stargate if the redirector believes it up, else to any Stargate it believes up.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ahvlab.checker.spec import Component, action, explains, invariant, sometimes
from ahvlab.model.cluster import FENCE_PHASES, Cluster, remember
from ahvlab.model.mutations import Mutation
from ahvlab.model.state import CONNECTED, DROPPED, LOGIN, PHASES, QUIESCING, AHVState, Copy, Session

Succ = Iterator[tuple[dict[str, Any], AHVState]]
_DROPPED = Session(-1, DROPPED)
Copies = tuple[tuple[Copy, ...], ...]


class Slots(NamedTuple):
    """Every session of a state's copies by phase, in (vm, copy, slot) order, and the verdicts of the
    invariants on the session counts: what the session steps and invariants look for. A pure function
    of ``copies`` (and the config), which few values take (tens to hundreds in a run)."""

    dropped: tuple[tuple[int, int, int, int], ...]
    """(vm, copy index, slot, host) of every dropped session."""
    login: tuple[tuple[int, int, int, int, int], ...]
    """(vm, copy index, slot, host, target) of every login in flight."""
    live: tuple[tuple[int, int, int, int, int], ...]
    """(vm, copy index, slot, host, target) of every session that is not dropped."""
    connected: tuple[tuple[int, int], ...]
    """(host, target) of every connected session."""
    remote_connected: tuple[tuple[int, int], ...]
    """Sorted (Stargate, host) pairs with a connected session of that host on that remote Stargate."""
    remote_quiescing: tuple[tuple[int, int], ...]
    """The same for quiescing sessions."""
    disks_ok: bool
    """Every running copy of a classic VM holds one session per disk (``one_session_per_disk``)."""
    queues_ok: bool
    """Every running copy of a Frodo VM holds its number of queue connections (``frodo_queue_count``)."""


def _slots(cl: Cluster, copies: Copies) -> Slots:
    dropped, login, live, connected = [], [], [], []
    for vm, cs in enumerate(copies):
        for ci, c in enumerate(cs):
            h = c.host
            for k, x in enumerate(c.sessions):
                if x.phase == DROPPED:
                    dropped.append((vm, ci, k, h))
                    continue
                live.append((vm, ci, k, h, x.target))
                if x.phase == LOGIN:
                    login.append((vm, ci, k, h, x.target))
                elif x.phase == CONNECTED:
                    connected.append((h, x.target))

    def remote(phase: str) -> tuple[tuple[int, int], ...]:
        found = {(x.target, c.host) for cs in copies for c in cs for x in c.sessions if x.phase == phase}
        return tuple(sorted((t, h) for t, h in found if t != h))

    disks_ok = queues_ok = True
    for vm, cs in enumerate(copies):
        spec = cl.vms[vm]
        if cl.classic[vm]:
            disks_ok = disks_ok and all(len(c.sessions) == spec.disks for c in cs)
        else:
            want = spec.num_queues if spec.vcpus >= 2 else 1
            queues_ok = queues_ok and all(len(c.sessions) == want for c in cs)
    return Slots(
        tuple(dropped),
        tuple(login),
        tuple(live),
        tuple(connected),
        remote(CONNECTED),
        remote(QUIESCING),
        disks_ok,
        queues_ok,
    )


class Storage(Component):
    """Actions, invariants and examples of the storage I/O path."""

    def __init__(self, cl: Cluster) -> None:
        self.cl = cl
        self._wf_copies: dict[Any, bool] = {}
        self._wf_hosts: dict[Any, bool] = {}
        self._wf_control: dict[Any, bool] = {}
        self._slots: dict[Copies, Slots] = {}
        self._slots_memo: tuple[object, Any] = (None, None)
        """(copies, its Slots): the copies :meth:`slots` answered for last (the steps of one state share them)."""

    # -- helpers ----------------------------------------------------------------

    def _params(self, s: AHVState, vm: int, ci: int, k: int, **extra: Any) -> dict[str, Any]:
        p: dict[str, Any] = {"vm": self.cl.vm_names[vm], self.cl.slot_key[vm]: k}
        if len(s.copies[vm]) > 1:
            p["host"] = s.copies[vm][ci].host + 1
        p.update(extra)
        return p

    def _set_session(self, s: AHVState, vm: int, ci: int, k: int, sess: Session) -> AHVState:
        # A session changes: its copy keeps its host, so the VM's copies stay in host order.
        cs = s.copies[vm]
        c = cs[ci]
        sessions = (*c.sessions[:k], sess, *c.sessions[k + 1 :])
        vm_copies = (*cs[:ci], Copy(c.host, sessions, c.io_timer), *cs[ci + 1 :])
        return s._replace(copies=(*s.copies[:vm], vm_copies, *s.copies[vm + 1 :]))

    def slots(self, copies: Copies) -> Slots:
        """The sessions of these copies by phase, cached on the ``copies`` value (a pure function of it)."""
        memo = self._slots_memo
        if memo[0] is copies:
            known: Slots = memo[1]
            return known
        sl = self._slots.get(copies)
        if sl is None:
            sl = remember(self._slots, copies, _slots(self.cl, copies))
        self._slots_memo = (copies, sl)
        return sl

    # -- actions ------------------------------------------------------------------

    @action
    def crash_cvm(self, s: AHVState) -> Succ:
        """A CVM crashes: its Stargate stops serving I/O and answering NOPs."""
        cfg = self.cl.config
        if s.failures[0] >= cfg.max_cvm_failures or sum(s.failures) >= cfg.max_failures:
            return
        for h in self.cl.hosts:
            if s.host_up[h] and s.cvm_up[h]:
                up = (*s.cvm_up[:h], False, *s.cvm_up[h + 1 :])
                # A crash also ends a hung block-order handler (failure kind no_ack): it boots fresh.
                nxt = self.cl.excuse(s)._replace(
                    cvm_up=up, failures=(s.failures[0] + 1, s.failures[1]), mute=s.mute - {h}
                )
                yield {"host": h + 1}, self.cl.settle(nxt)

    @action
    def recover_cvm(self, s: AHVState) -> Succ:
        """A crashed CVM boots again; its Stargate loads the block orders still in force."""
        if all(s.cvm_up):
            return  # no CVM is down
        fenced = self.cl.fenced_hosts(s)
        for h in self.cl.hosts:
            if s.host_up[h] and not s.cvm_up[h]:
                up = (*s.cvm_up[:h], True, *s.cvm_up[h + 1 :])
                blocks = (*s.blocks[:h], s.blocks[h] | fenced, *s.blocks[h + 1 :])
                yield {"host": h + 1}, self.cl.settle(s._replace(cvm_up=up, blocks=blocks))

    @action
    def nop_probe(self, s: AHVState) -> Succ:
        """The redirector sends a NOP-Out to one Stargate; its health table catches up with the answer.

        A Stargate found down also ends the host's sessions on it: QEMU's own iSCSI
        timeout is the NOP timeout, so no connected session to a dead Stargate
        survives a completed NOP round. When no probe would change anything, one
        stuttering probe is kept (the redirector probes forever): a settled cluster
        is not a deadlock.
        """
        cl = self.cl
        truth = cl.topo(s).truth  # truth[r][t]: does Stargate t accept (and answer) host r
        first = -1
        changed = False
        health = s.health
        for r in cl.hosts:
            if not s.host_up[r]:
                continue
            if first < 0:
                first = r
            row = health[r]
            if row == truth[r]:
                continue
            for t, ok in enumerate(truth[r]):
                if ok == row[t]:
                    continue
                new_row = (*row[:t], ok, *row[t + 1 :])
                new_health = (*health[:r], new_row, *health[r + 1 :])
                copies = s.copies if ok else self._drop_on(s.copies, r, t)
                yield {"redirector": r + 1, "stargate": t + 1}, cl.settle(s._replace(health=new_health, copies=copies))
                changed = True
        if not changed and first >= 0:
            yield {"redirector": first + 1, "stargate": 1}, s

    @staticmethod
    def _drop_on(copies: Copies, r: int, t: int) -> Copies:
        """Every session of a copy on host r with Stargate t dropped (``copies`` itself when there is none)."""
        out = None
        for vm, cs in enumerate(copies):
            new_cs = None
            for ci, c in enumerate(cs):
                if c.host != r:
                    continue
                for x in c.sessions:
                    if x.target == t:
                        break
                else:
                    continue
                if new_cs is None:
                    new_cs = list(cs)
                new_cs[ci] = Copy(r, tuple(_DROPPED if x.target == t else x for x in c.sessions), c.io_timer)
            if new_cs is not None:
                if out is None:
                    out = list(copies)
                out[vm] = tuple(new_cs)
        return copies if out is None else tuple(out)

    @action
    def drop_session(self, s: AHVState) -> Succ:
        """A session drops because its Stargate no longer serves it (dead, unreachable or blocking the host)."""
        cl = self.cl
        acc = cl.topo(s).acc
        for vm, ci, k, h, t in self.slots(s.copies).live:
            if not acc[t][h]:
                yield (
                    self._params(s, vm, ci, k, stargate=t + 1),
                    cl.settle(self._set_session(s, vm, ci, k, _DROPPED)),
                )

    @action
    def login(self, s: AHVState) -> Succ:
        """QEMU (or Frodo) logs in at the redirector, which redirects it: local if believed up, else a remote one."""
        cl = self.cl
        ignore = Mutation.REDIRECT_IGNORES_HEALTH in cl.mut
        for vm, ci, k, h in self.slots(s.copies).dropped:
            row = s.health[h]
            if ignore:
                targets: tuple[int, ...] = cl.hosts
            elif row[h]:
                targets = (h,)
            else:
                targets = tuple(t for t in cl.hosts if row[t])
            for t in targets:
                yield self._params(s, vm, ci, k, stargate=t + 1), self._set_session(s, vm, ci, k, Session(t, LOGIN))

    @action
    def finish_login(self, s: AHVState) -> Succ:
        """The target Stargate accepts the login: the session is connected."""
        cl = self.cl
        logins = self.slots(s.copies).login
        if not logins:
            return
        acc = cl.topo(s).acc
        for vm, ci, k, h, t in logins:
            if acc[t][h]:
                yield (
                    self._params(s, vm, ci, k, stargate=t + 1),
                    cl.settle(self._set_session(s, vm, ci, k, Session(t, CONNECTED))),
                )

    @action
    def quiesce(self, s: AHVState) -> Succ:
        """Failback, step 1: the local Stargate answers NOPs again, so the remote one quiesces that host's sessions."""
        cl = self.cl
        if Mutation.NO_FAILBACK in cl.mut:
            return
        serving = cl.topo(s).serving if cl.ha else tuple(a and b for a, b in zip(s.host_up, s.cvm_up, strict=True))
        for t, h in self.slots(s.copies).remote_connected:
            if serving[t] and s.host_up[h] and s.health[h][h]:
                nxt = self._set_where(s, t, h, CONNECTED, Session(t, QUIESCING))
                yield {"stargate": t + 1, "host": h + 1}, nxt

    def _set_where(self, s: AHVState, t: int, h: int, phase: str, new: Session) -> AHVState:
        copies = list(s.copies)
        for vm, cs in enumerate(copies):
            if any(c.host == h for c in cs):
                copies[vm] = tuple(
                    c._replace(sessions=tuple(new if x.target == t and x.phase == phase else x for x in c.sessions))
                    if c.host == h
                    else c
                    for c in cs
                )
        return s._replace(copies=tuple(copies))

    @action
    def kill_remote_sessions(self, s: AHVState) -> Succ:
        """Failback, step 2: the remote Stargate kills the quiesced sessions; QEMU logs in again."""
        cl = self.cl
        for t, h in self.slots(s.copies).remote_quiescing:
            nxt = self._set_where(s, t, h, QUIESCING, _DROPPED)
            yield {"stargate": t + 1, "host": h + 1}, cl.settle(nxt._replace(failed_back=True))

    def includes(self, name: str) -> bool:
        return name != "crash_cvm" or "cvm" in self.cl.config.failures

    # -- why an action has no step ------------------------------------------------

    @explains("crash_cvm")
    def _why_no_crash_cvm(self, s: AHVState) -> str:
        cfg = self.cl.config
        if s.failures[0] >= cfg.max_cvm_failures or sum(s.failures) >= cfg.max_failures:
            return (
                f"this run's failure budget is spent (max_failures = {cfg.max_failures}, "
                f"max_cvm_failures = {cfg.max_cvm_failures})"
            )
        return "no running CVM on a running host"

    @explains("recover_cvm")
    def _why_no_recover_cvm(self, s: AHVState) -> str:
        return "no CVM is down"

    @explains("nop_probe")
    def _why_no_probe(self, s: AHVState) -> str:
        return "every redirector's health table already matches the truth"

    @explains("drop_session")
    def _why_no_drop(self, s: AHVState) -> str:
        return "no connected session is on a Stargate that died"

    @explains("login")
    def _why_no_login(self, s: AHVState) -> str:
        return "no session is waiting to log in"

    @explains("finish_login")
    def _why_no_finish_login(self, s: AHVState) -> str | None:
        return None if self.slots(s.copies).login else "no login is in progress"

    @explains("quiesce")
    def _why_no_quiesce(self, s: AHVState) -> str:
        if Mutation.NO_FAILBACK in self.cl.mut:
            return "the no_failback mutation is on: a remote Stargate never quiesces"
        return "no session is on a remote Stargate while its own host's Stargate is back and believed healthy"

    @explains("kill_remote_sessions")
    def _why_no_kill(self, s: AHVState) -> str | None:
        quiescing = any(x.phase == QUIESCING for cs in s.copies for c in cs for x in c.sessions)
        return None if quiescing else "no quiescing session to kill"

    # -- invariants -----------------------------------------------------------

    @invariant("Every field has its type and shape: tuples per host and per VM, phases and targets in range.")
    def well_formed(self, s: AHVState) -> bool:
        """Every field has its type and shape: tuples per host and per VM, phases and targets in range."""
        # Most states share these parts with many others: each part's verdict is cached on exactly the
        # fields it reads (the health tables and the timers vary apart, so they are keyed apart).
        k1 = (s.copies, s.host_up)
        ok = self._wf_copies.get(k1)
        if ok is None:
            ok = remember(self._wf_copies, k1, self._copies_well_formed(s))
        if not ok:
            return False
        k2 = (s.host_up, s.cvm_up, s.libvirtd_up, s.partitioned, s.health)
        ok = self._wf_hosts.get(k2)
        if ok is None:
            ok = remember(self._wf_hosts, k2, self._hosts_well_formed(s))
        if not ok:
            return False
        k3 = (s.leaders, s.elect_timer, s.watch, s.blocks, s.split, s.lease, s.mute, s.to_restart, s.placement)
        ok = self._wf_control.get(k3)
        if ok is None:
            ok = remember(self._wf_control, k3, self._control_well_formed(s))
        n, nvm = self.cl.n, self.cl.nvm
        return (
            ok
            and len(s.address) == nvm
            and isinstance(s.now, int)
            and s.now >= 0
            and all(-1 <= p < n for p in s.placement)
        )

    @invariant("A redirect never points at a Stargate the redirector believes down.")
    def redirect_to_healthy(self, s: AHVState) -> bool:
        """A redirect never points at a Stargate the redirector believes down."""
        health = s.health
        return all(health[h][t] for _vm, _ci, _k, h, t in self.slots(s.copies).login)

    @invariant("Every running copy of a classic VM holds exactly one session per disk.")
    def one_session_per_disk(self, s: AHVState) -> bool:
        """Every running copy of a classic VM holds exactly one session per disk."""
        return self.slots(s.copies).disks_ok

    @invariant("A Frodo VM powered on with >= 2 vCPUs has num_queues connections; with 1 vCPU exactly one.")
    def frodo_queue_count(self, s: AHVState) -> bool:
        """A Frodo VM powered on with >= 2 vCPUs has num_queues connections; with 1 vCPU exactly one."""
        return self.slots(s.copies).queues_ok

    @invariant("No connected session to a dead Stargate survives a completed NOP round of its redirector.")
    def no_session_on_dead_stargate(self, s: AHVState) -> bool:
        """No connected session to a dead Stargate survives a completed NOP round of its redirector."""
        connected = self.slots(s.copies).connected
        if not connected:
            return True
        tp = self.cl.topo(s)
        truth, serving = tp.truth, tp.serving
        # A session counts once its redirector's round is complete (its health row is the truth).
        return all(serving[t] or s.health[h] != truth[h] for h, t in connected)

    def _copies_well_formed(self, s: AHVState) -> bool:
        n, nvm = self.cl.n, self.cl.nvm
        if len(s.copies) != nvm:
            return False
        for copies in s.copies:
            hosts = [c.host for c in copies]
            if hosts != sorted(set(hosts)):
                return False
            for c in copies:
                if not (0 <= c.host < n and s.host_up[c.host]) or c.io_timer < -1:
                    return False
                for x in c.sessions:
                    if x.phase not in PHASES or (x.phase == DROPPED) != (x.target == -1) or x.target >= n:
                        return False
        return True

    def _hosts_well_formed(self, s: AHVState) -> bool:
        """The per-host tuples: their shape, the health tables, no CVM running on a host that is down."""
        cl = self.cl
        n = cl.n
        for f in (s.host_up, s.cvm_up, s.libvirtd_up, s.partitioned):
            if len(f) != n or not all(isinstance(b, bool) for b in f):
                return False
        if len(s.health) != n or any(len(row) != n for row in s.health):
            return False
        return not any(not s.host_up[h] and s.cvm_up[h] for h in cl.hosts)

    def _control_well_formed(self, s: AHVState) -> bool:
        """Leaders, timers, HA records, blocks, the split, the leases, mute Stargates and the restart list."""
        cl = self.cl
        n = cl.n
        if len(s.placement) != cl.nvm:
            return False
        if any(not (0 <= ldr < n) for ldr in s.leaders) or len(s.elect_timer) != n or len(s.watch) != n:
            return False
        if any(w.timer < -1 for w in s.watch) or any(t < -1 for t in s.elect_timer):
            return False
        if any(b - set(cl.hosts) for b in s.blocks):
            return False
        if len(s.lease) != n or any(s.lease[h] >= 0 and h not in s.leaders for h in cl.hosts):
            return False
        if s.split - frozenset(range(1, n)) or s.mute - set(cl.hosts):
            return False
        if s.to_restart - set(cl.vm_range) or any(s.placement[vm] >= 0 for vm in s.to_restart):
            return False
        return not any(h in b for b in s.blocks for h in cl.hosts if h in b and s.watch[h].phase not in FENCE_PHASES)

    # -- the three multipathing pictures ------------------------------------------

    @sometimes("Normal state: every running VM's sessions are connected to its local Stargate.")
    def normal_paths(self, s: AHVState) -> bool:
        """Normal state: every running VM's sessions are connected to its local Stargate."""
        running = [c for cs in s.copies for c in cs]
        return bool(running) and all(x == Session(c.host, CONNECTED) for c in running for x in c.sessions)

    @sometimes("Local CVM down: a VM's sessions are all connected to a remote Stargate.")
    def local_cvm_down(self, s: AHVState) -> bool:
        """Local CVM down: a VM's sessions are all connected to a remote Stargate."""
        for cs in s.copies:
            for c in cs:
                h = c.host
                if (
                    s.host_up[h]
                    and not s.cvm_up[h]
                    and c.sessions
                    and all(x.phase == CONNECTED and x.target != h for x in c.sessions)
                ):
                    return True
        return False

    @sometimes("Local CVM back up: after a quiesce and kill, every session is local again.")
    def local_cvm_back(self, s: AHVState) -> bool:
        """Local CVM back up: after a quiesce and kill, every session is local again."""
        return (
            s.failed_back and all(c or not u for c, u in zip(s.cvm_up, s.host_up, strict=True)) and self.normal_paths(s)
        )
