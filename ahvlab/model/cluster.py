"""Per-config tables and the predicates every sub-model shares (reachability, I/O acceptance, quorum).

:meth:`Cluster.settle` applies the consequences that happen in the same instant as
any step: a leader without quorum steps down (or starts its lease), CVMs without
a leader arm their election timer, a leader notices a lost libvirtd connection
(T0, at its next heartbeat), the last block acknowledgement completes a fence, a
VM doing I/O sees its first failed I/O the moment no Stargate will accept it, and
the leader takes on the restart of a VM it finds dead on a host it reaches.
"""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple, TypeVar

from ahvlab.model.config import Config
from ahvlab.model.mutations import Mutation
from ahvlab.model.state import (
    CONNECTED,
    EXCUSED,
    FENCED,
    FENCING,
    LOST,
    OK,
    RESTARTED,
    TIMEOUT,
    WATCH_OK,
    AHVState,
    Copy,
    Session,
    Watch,
)

Matrix = tuple[tuple[bool, ...], ...]

FENCE_PHASES = (FENCING, FENCED, RESTARTED)
"""Phases in which a block order for the host is out."""

CACHE_LIMIT = 1 << 16
"""Entries a per-config cache of a pure function of some state fields holds before it is emptied (bounded
memory on long runs; an emptied cache only costs recomputation)."""

K = TypeVar("K")
V = TypeVar("V")


def remember(cache: dict[K, V], key: K, value: V) -> V:
    """Store a computed value in a bounded cache (emptied when full) and return it."""
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


class Topo(NamedTuple):
    """What the reachability fields of a state imply (computed once per distinct combination)."""

    reach: Matrix
    """reach[a][b]: host a talks to host b over the external network (a host always reaches itself)."""
    acc: Matrix
    """acc[t][h]: Stargate t accepts I/O (and answers NOPs) from host h."""
    io_ok: tuple[bool, ...]
    serving: tuple[bool, ...]
    quorum: tuple[bool, ...]
    """quorum[h]: CVM h reaches a majority of the cluster's CVMs that run (itself included)."""
    eligible: tuple[bool, ...]
    leader_for: tuple[int, ...]
    """The leader each CVM believes in: the first leader it reaches (-1: none)."""
    acting: int
    """The leader users and IPAM talk to: the one with quorum first (-1: none)."""
    order: tuple[int, ...]
    """The leaders, those with quorum first: the first that loses a host runs its timeline."""
    truth: Matrix
    """truth[r]: the health table redirector r would hold after a complete NOP round."""


class Cluster:
    """A config turned into the tables and predicates the actions use."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.mut = config.mutations
        self.no_fencing = Mutation.NO_FENCING in self.mut
        self.n = config.hosts
        self.hosts = tuple(range(self.n))
        self.majority = self.n // 2 + 1
        self.ha = "ha" in config.submodels
        self.ipam = "ipam" in config.submodels
        t = config.timings
        if Mutation.TIMEOUT_TOO_SHORT in self.mut:
            # A timing change, not a code path: restart 30 s after the block order instead of 60 s.
            t = dataclasses.replace(t, restart_after=t.fence_at + 30)
        self.timings = t
        self.heartbeat = t.heartbeat
        self.at_partition = config.io_fails_at == "partition"
        self.blocks = tuple(tuple(h - 1 for h in b) for b in config.blocks)
        self.vms = config.vms
        self.nvm = len(config.vms)
        self.vm_range = tuple(range(self.nvm))
        self.vm_names = tuple(vm.name for vm in config.vms)
        self.vm_index = {name: i for i, name in enumerate(self.vm_names)}
        self.classic = tuple(vm.io_path == "classic" for vm in config.vms)
        self.slot_key = tuple("disk" if c else "queue" for c in self.classic)
        self.vm_memory = tuple(vm.memory for vm in config.vms)
        self.does_io = tuple(vm.does_io for vm in config.vms)
        self.n_sessions = tuple(self._sessions_at_power_on(i) for i in self.vm_range)
        nets = {net.name: net for net in config.networks}
        self.net_of = tuple(vm.network for vm in config.vms)
        self.scope = tuple(nets[vm.network].addresses() if vm.network else () for vm in config.vms)
        self.managed = tuple(bool(s) for s in self.scope)
        self._reach: dict[tuple[object, ...], Matrix] = {}
        self._topo: dict[tuple[object, ...], Topo] = {}
        self._topo_memo: tuple[object, Any] = (None, None)
        """(state, its Topo): the last state :meth:`topo` answered for."""
        self._settled: dict[tuple[object, ...], Any] = {}
        self._settle_memo: tuple[object, Any] = (None, None)
        """(key, control): the control part :meth:`settle` found last."""
        self._instant_memo: tuple[object, object, object, Any] = (None, None, None, None)
        """(copies, placement, control, answer): the I/O and dead-VM part :meth:`settle` found last."""
        self.net_peers = tuple(
            tuple(j for j in self.vm_range if self.net_of[j] == self.net_of[i] and self.managed[j])
            for i in self.vm_range
        )

    def _sessions_at_power_on(self, i: int) -> int:
        vm = self.vms[i]
        if vm.io_path == "classic":
            return vm.disks
        if vm.vcpus >= 2 or Mutation.FRODO_IGNORES_VCPUS in self.mut:
            return vm.num_queues
        return 1

    # -- the initial state ------------------------------------------------------

    def initial(self) -> AHVState:
        n = self.n
        up = (True,) * n
        copies: list[tuple[Copy, ...]] = []
        placement: list[int] = []
        address: list[int] = []
        leases: set[tuple[int, int]] = set()
        used: dict[str | None, int] = {}
        for i, vm in enumerate(self.vms):
            if vm.host is None:
                copies.append(())
                placement.append(-1)
                address.append(-1)
                continue
            h = vm.host - 1
            copies.append((Copy(h, (Session(h, CONNECTED),) * self.n_sessions[i], -1),))
            placement.append(h)
            if self.ipam and self.managed[i]:
                a = used.get(vm.network, 0)
                used[vm.network] = a + 1
                address.append(a)
                leases.add((i, a))
            else:
                address.append(-1)
        return AHVState(
            now=0,
            host_up=up,
            cvm_up=up,
            libvirtd_up=up,
            partitioned=(False,) * n,
            health=(up,) * n,
            copies=tuple(copies),
            placement=tuple(placement),
            leaders=frozenset({self.config.leader - 1}) if self.ha else frozenset(),
            elect_timer=(-1,) * n,
            watch=(WATCH_OK,) * n,
            blocks=(frozenset(),) * n,
            address=tuple(address),
            dhcp_pending=(False,) * self.nvm,
            leases=frozenset(leases),
            failures=(0, 0),
            failed_back=False,
            split=frozenset(),
            lease=(-1,) * n,
            mute=frozenset(),
            to_restart=frozenset(),
        )

    # -- shared predicates ------------------------------------------------------

    def reach_matrix(self, s: AHVState) -> Matrix:
        """Who talks to whom: a cut-off host reaches nobody; a split divides the others into its two sides."""
        key = (s.partitioned, s.split)
        m = self._reach.get(key)
        if m is None:
            part, side = s.partitioned, s.split
            m = tuple(
                tuple(a == b or (not part[a] and not part[b] and (a in side) == (b in side)) for b in self.hosts)
                for a in self.hosts
            )
            self._reach[key] = m
        return m

    def topo(self, s: AHVState) -> Topo:
        """The derived reachability tables of a state, cached on the fields they depend on."""
        # The actions of one state ask for its topo many times: the last state asked about is kept with
        # its answer (by identity; the memo holds the state, so no other object can have its identity).
        memo = self._topo_memo
        if memo[0] is s:
            known: Topo = memo[1]
            return known
        key = (s.host_up, s.cvm_up, s.libvirtd_up, s.partitioned, s.split, s.blocks, s.leaders)
        tp = self._topo.get(key)
        if tp is None:
            tp = remember(self._topo, key, self._compute_topo(s))
        self._topo_memo = (s, tp)
        return tp

    def _compute_topo(self, s: AHVState) -> Topo:
        hosts = self.hosts
        reach = self.reach_matrix(s)
        serving = tuple(s.host_up[t] and s.cvm_up[t] for t in hosts)
        quorum = tuple(sum(1 for u in hosts if serving[u] and reach[h][u]) >= self.majority for h in hosts)
        # Storage quorum: a Stargate commits a write only while its side of the network holds a majority of
        # the cluster's hosts that run. A crashed CVM on a reachable host is known dead and costs no quorum
        # (the brief's local-CVM-down failover works on any cluster); a cut network does.
        squorum = tuple(sum(1 for u in hosts if s.host_up[u] and reach[t][u]) >= self.majority for t in hosts)
        some_quorum = any(serving[t] and squorum[t] for t in hosts)
        blocked = tuple(any(h in b for b in s.blocks) for h in hosts)
        no_quorum_needed = Mutation.STORAGE_WITHOUT_QUORUM in self.mut
        acc = []
        for t in hosts:
            row = []
            for h in hosts:
                if not serving[t] or h in s.blocks[t] or not reach[t][h]:
                    row.append(False)
                elif squorum[t] or no_quorum_needed:
                    row.append(True)
                else:
                    # A Stargate without a quorum cannot commit a write. Reading "block" of the 45 s rule: a
                    # cut-off host's own Stargate keeps its VMs going on the local replica until the majority
                    # fences the host (its first block ack); with no majority anywhere nobody fences, and no
                    # quorum holds the write: the I/O fails at once. Reading "partition": it fails at once.
                    row.append(not self.at_partition and t == h and some_quorum and not blocked[h])
            acc.append(tuple(row))
        io_ok = tuple(any(acc[t][h] for t in hosts) for h in hosts)
        anyone = Mutation.ELECTION_WITHOUT_QUORUM in self.mut
        if Mutation.ELECTION_NEEDS_ALL in self.mut:
            # The mutation: a CVM may lead only if it reaches every CVM (unanimity instead of a majority).
            eligible = tuple(anyone or all(serving[u] and reach[h][u] for u in hosts) for h in hosts)
        else:
            eligible = tuple(anyone or q for q in quorum)
        order = tuple(sorted(s.leaders, key=lambda ldr: (not quorum[ldr], ldr)))
        by_host = sorted(s.leaders)
        leader_for = tuple(next((ldr for ldr in by_host if reach[h][ldr]), -1) for h in hosts)
        acting = order[0] if order else -1
        truth = tuple(tuple(acc[t][r] for t in hosts) for r in hosts)
        return Topo(reach, tuple(acc), io_ok, serving, quorum, eligible, leader_for, acting, order, truth)

    def reach(self, s: AHVState, a: int, b: int) -> bool:
        """Can host a talk to host b over the external network (a host always reaches itself)."""
        return self.reach_matrix(s)[a][b]

    @staticmethod
    def serving(s: AHVState, t: int) -> bool:
        """Is Stargate t running (its host and its CVM up)."""
        return s.host_up[t] and s.cvm_up[t]

    def accepts(self, s: AHVState, t: int, h: int) -> bool:
        """Does Stargate t accept I/O (and answer NOPs) from host h."""
        return self.topo(s).acc[t][h]

    def host_io_ok(self, s: AHVState, h: int) -> bool:
        """Could a VM on host h do I/O at all (some Stargate accepts it)."""
        return self.topo(s).io_ok[h]

    def has_access(self, s: AHVState, c: Copy) -> bool:
        """Does this running copy hold a connected session to a Stargate that accepts its I/O."""
        acc = self.topo(s).acc
        return any(x.phase == CONNECTED and acc[x.target][c.host] for x in c.sessions)

    def has_quorum(self, s: AHVState, h: int) -> bool:
        """Can CVM h talk to a majority of the CVMs (itself included)."""
        return self.topo(s).quorum[h]

    def leader_for(self, s: AHVState, h: int) -> int:
        """The leader host h believes in: the first it reaches (-1: none)."""
        return self.topo(s).leader_for[h]

    def acting_leader(self, s: AHVState) -> int:
        """The leader users start VMs through: the one with quorum when there are two (-1: none)."""
        return self.topo(s).acting

    def driver(self, s: AHVState, h: int) -> int:
        """The leader that runs host h's HA timeline (-1: its leader left office and nobody took it on yet)."""
        by = s.watch[h].by
        return by if by in s.leaders else -1

    def conn_ok(self, s: AHVState, leader: int, h: int) -> bool:
        """Does the leader's once-per-heartbeat connection to host h's libvirtd work."""
        return s.host_up[h] and s.libvirtd_up[h] and self.reach_matrix(s)[leader][h]

    def needed_acks(self, s: AHVState, leader: int, h: int) -> tuple[int, ...]:
        """The Stargates whose ack the leader waits for before host h counts as fenced.

        A leader with quorum waits for every running Stargate it reaches: the majority has
        written the others out of the cluster, and they load the block orders when they
        return. A leader without quorum can write nobody out: it waits for every Stargate.
        """
        tp = self.topo(s)
        if tp.quorum[leader] or Mutation.FENCE_REACHABLE_ONLY in self.mut:
            return tuple(t for t in self.hosts if tp.serving[t] and tp.reach[leader][t])
        return self.hosts

    def missing_acks(self, s: AHVState, h: int) -> list[int]:
        """Stargates host h's fence still waits for (empty when no block order is out or it is complete)."""
        ldr = self.driver(s, h)
        if self.no_fencing or ldr < 0 or s.watch[h].phase not in FENCE_PHASES:
            return []
        return [t for t in self.needed_acks(s, ldr, h) if h not in s.blocks[t]]

    def pending_acks(self, s: AHVState, h: int) -> list[int]:
        """Stargates that got the block order for host h, can answer it, and have not yet."""
        missing = self.missing_acks(s, h)
        if not missing:
            return []
        tp = self.topo(s)
        ldr = s.watch[h].by
        return [t for t in missing if tp.serving[t] and tp.reach[ldr][t] and t not in s.mute]

    def fenced_hosts(self, s: AHVState) -> frozenset[int]:
        if self.no_fencing:
            return frozenset()
        return frozenset(h for h in self.hosts if s.watch[h].phase in FENCE_PHASES)

    def eligible(self, s: AHVState, h: int) -> bool:
        """May CVM h stand for election (it sees a majority, or the mutation ignores quorum)."""
        return self.topo(s).eligible[h]

    def excuse(self, s: AHVState) -> AHVState:
        """A failure happens now: every host already in its HA timeline may now restart late (restart_by_deadline)."""
        if all(w.phase in (OK, RESTARTED) or w.due == EXCUSED for w in s.watch):
            return s
        return s._replace(watch=tuple(w if w.phase in (OK, RESTARTED) else w._replace(due=EXCUSED) for w in s.watch))

    def detect_delay(self, s: AHVState) -> int:
        """Seconds to the leader's next heartbeat: a lost connection is noticed then (T0)."""
        return -s.now % self.heartbeat

    # -- consequences in the same instant ----------------------------------------

    def settle(self, s: AHVState) -> AHVState:
        if not self.ha:
            return s
        key = (
            s.host_up,
            s.cvm_up,
            s.libvirtd_up,
            s.partitioned,
            s.split,
            s.blocks,
            s.leaders,
            s.elect_timer,
            s.watch,
            s.lease,
            s.now % self.heartbeat,
        )
        # The successors of one state mostly share these fields with it and with each other (the same
        # objects): the last key is compared first, which is cheap on identical fields (tuple equality
        # checks identity before values), before the dict hashes the key and compares its values.
        last_key, control = self._settle_memo
        if key != last_key:
            control = self._settled.get(key)
            if control is None:
                control = remember(self._settled, key, self._settle_control(s))
            self._settle_memo = (key, control)
        leaders, new_et, new_watch, new_lease, io_ok, knows = control
        # The I/O timers and the dead VMs are a pure function of (copies, placement, control); successors
        # of one state often share all three objects (a NOP probe that finds a Stargate up changes neither).
        # The last answer is kept by identity: the memo holds the three, so no other object has their ids.
        memo = self._instant_memo
        if memo[0] is s.copies and memo[1] is s.placement and memo[2] is control:
            copies, placement, owed = memo[3]
        else:
            copies = self._settle_io(s.copies, io_ok)
            placement, owed = self._settle_dead(s.placement, copies, knows)
            self._instant_memo = (s.copies, s.placement, control, (copies, placement, owed))
        to_restart = s.to_restart | owed if owed else s.to_restart
        if (
            leaders is s.leaders
            and new_et is s.elect_timer
            and new_watch is s.watch
            and new_lease is s.lease
            and copies is s.copies
            and placement is s.placement
        ):
            return s
        # One new state for all of the instant's consequences.
        return AHVState(
            s.now,
            s.host_up,
            s.cvm_up,
            s.libvirtd_up,
            s.partitioned,
            s.health,
            copies,
            placement,
            leaders,
            new_et,
            new_watch,
            s.blocks,
            s.address,
            s.dhcp_pending,
            s.leases,
            s.failures,
            s.failed_back,
            s.split,
            new_lease,
            s.mute,
            to_restart,
        )

    def _settle_control(
        self, s: AHVState
    ) -> tuple[
        frozenset[int], tuple[int, ...], tuple[Watch, ...], tuple[int, ...], tuple[bool, ...], tuple[bool, ...] | None
    ]:
        """Leaders, leases, election timers and HA records after the instant's consequences (pure, cached)."""
        hosts = self.hosts
        t = self.timings
        tp = self.topo(s)
        # A leader whose CVM died is gone. One that lost its majority steps down at once, or holds on
        # until its lease runs out (``step_down``); one that finds its majority again keeps the role.
        lease = list(s.lease)
        kept = set()
        for ldr in s.leaders:
            if not tp.serving[ldr]:
                lease[ldr] = -1
            elif tp.eligible[ldr]:
                lease[ldr] = -1
                kept.add(ldr)
            elif t.leader_lease > 0:
                if lease[ldr] < 0:
                    lease[ldr] = t.leader_lease
                kept.add(ldr)
        for h in hosts:
            if h not in kept:
                lease[h] = -1
        new_lease = tuple(lease)
        if new_lease == s.lease:
            new_lease = s.lease
        leaders = s.leaders
        if kept != leaders:
            leaders = frozenset(kept)
            tp = self.topo(s._replace(leaders=leaders))
        et = s.elect_timer
        new_et = tuple(
            -1
            if not tp.serving[h] or tp.leader_for[h] >= 0 or not tp.eligible[h]
            else (et[h] if et[h] >= 0 else t.election_after)
            for h in hosts
        )
        if new_et == et:
            new_et = et
        reach = tp.reach
        delay = -s.now % self.heartbeat
        watch = s.watch
        out = list(watch)
        for h in hosts:
            w = watch[h]
            conn = tuple(s.host_up[h] and s.libvirtd_up[h] and reach[ldr][h] for ldr in tp.order)
            if w.phase != OK and w.by not in leaders and tp.order:
                # Its leader left office: the HA record is in the cluster's store, and the first leader
                # in office carries it on where it stands (elect_leader names what it inherits).
                w = w._replace(by=tp.order[0])
                out[h] = w
            if w.phase == OK:
                lost_by = next((ldr for ldr, ok in zip(tp.order, conn, strict=True) if not ok), -1)
                if lost_by >= 0:
                    out[h] = Watch(LOST, t.detect_after + delay, lost_by, t.restart_after + delay)
                continue
            if w.by not in leaders:
                continue
            ok = s.host_up[h] and s.libvirtd_up[h] and reach[w.by][h]
            if ok and w.phase in (LOST, TIMEOUT):
                out[h] = WATCH_OK
            elif w.phase == FENCING and not self.no_fencing:
                needed = self.needed_acks(s._replace(leaders=leaders), w.by, h)
                if all(h in s.blocks[u] for u in needed):
                    # The 60 s to the restart count from the last ack: the isolated VMs' first failed I/O is at
                    # the latest then, so they are dead (45 s) before the restart even when acks come late.
                    out[h] = w._replace(phase=FENCED, timer=t.restart_wait)
        new_watch = tuple(out)
        if new_watch == watch:
            new_watch = watch
        # The leader learns from a host's libvirtd which VMs run there: it may take on a dead one's restart.
        knows = tuple(new_watch[h].phase == OK and any(self.conn_ok(s, ldr, h) for ldr in leaders) for h in hosts)
        return leaders, new_et, new_watch, new_lease, tp.io_ok, knows if any(knows) else None

    def _settle_io(self, copies: tuple[tuple[Copy, ...], ...], io_ok: tuple[bool, ...]) -> tuple[tuple[Copy, ...], ...]:
        """A VM doing I/O sees its first failed I/O when no Stargate accepts its host; a working path clears it.

        Returns ``copies`` itself when no timer changes.
        """
        new_copies = None
        death = self.timings.vm_io_death
        does_io = self.does_io
        for i, cs in enumerate(copies):
            if not cs or not does_io[i]:
                continue
            changed = False
            for c in cs:
                # The timer must start (I/O fails, none running) or stop (I/O works, one running).
                if io_ok[c.host] == (c.io_timer >= 0):
                    changed = True
                    break
            if changed:
                if new_copies is None:
                    new_copies = list(copies)
                new_copies[i] = tuple(
                    c
                    if io_ok[c.host] != (c.io_timer >= 0)
                    else Copy(c.host, c.sessions, -1 if io_ok[c.host] else death)
                    for c in cs
                )
        return copies if new_copies is None else tuple(new_copies)

    def _settle_dead(
        self, placement: tuple[int, ...], copies: tuple[tuple[Copy, ...], ...], knows: tuple[bool, ...] | None
    ) -> tuple[tuple[int, ...], frozenset[int]]:
        """A VM placed on a host the leader reaches, with no copy running there, is owed a restart.

        This is who restarts a VM that died while its host's timeline was cancelled (the host
        came back before the block order): the leader sees it is not running and takes it on.
        Returns the placement (``placement`` itself when no VM is owed) and the VMs now owed.
        ``knows`` is None when the leader knows no host's VMs.
        """
        if knows is None or Mutation.FORGET_DEAD_VMS in self.mut:
            return placement, frozenset()
        owed = None
        for vm, h in enumerate(placement):
            if h < 0 or not knows[h]:
                continue
            for c in copies[vm]:
                if c.host == h:
                    break
            else:
                owed = (owed or set()) | {vm}
        if owed is None:
            return placement, frozenset()
        return tuple(-1 if vm in owed else h for vm, h in enumerate(placement)), frozenset(owed)

    # -- helpers for actions ----------------------------------------------------

    def power_on_copy(self, s: AHVState, vm: int, h: int) -> Copy:
        """A new qemu-kvm process on host h: its first login goes to the local Stargate if it is believed up."""
        sess = Session(h, CONNECTED) if s.health[h][h] and self.accepts(s, h, h) else Session(-1, "dropped")
        return Copy(h, (sess,) * self.n_sessions[vm], -1)

    def with_copies(self, s: AHVState, vm: int, copies: tuple[Copy, ...]) -> AHVState:
        cs = list(s.copies)
        cs[vm] = tuple(sorted(copies, key=lambda c: c.host))
        return s._replace(copies=tuple(cs))
