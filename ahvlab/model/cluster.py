"""Per-config tables and the predicates every sub-model shares (reachability, I/O acceptance, quorum).

:meth:`Cluster.settle` applies the consequences that happen in the same instant as
any step: a leader without quorum steps down, CVMs without a leader arm their
election timer, the leader notices a lost libvirtd connection (T0), the last
block acknowledgement completes a fence, and a VM doing I/O sees its first failed
I/O the moment no Stargate will accept it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ahvlab.model.config import Config, Timings
from ahvlab.model.mutations import Mutation
from ahvlab.model.state import (
    CONNECTED,
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

FENCE_PHASES = (FENCING, FENCED, RESTARTED)
"""Phases in which a block order for the host is out."""


class Topo(NamedTuple):
    """What the reachability fields of a state imply (computed once per distinct combination)."""

    acc: tuple[tuple[bool, ...], ...]
    """acc[t][h]: Stargate t accepts I/O (and answers NOPs) from host h."""
    io_ok: tuple[bool, ...]
    serving: tuple[bool, ...]
    quorum: tuple[bool, ...]
    eligible: tuple[bool, ...]
    kept: frozenset[int]
    """The leaders that keep their role: CVM running, majority reachable."""
    leader_for: tuple[int, ...]
    acting: int
    conn: tuple[bool, ...]
    """The acting leader's libvirtd connection to every host works."""
    ack_from: tuple[int, ...]
    """Stargates a block order reaches: running and reachable from the acting leader."""
    truth: tuple[tuple[bool, ...], ...]
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
            t = Timings(t.heartbeat, t.detect_after, t.timeout, t.fence_at + 30, t.vm_io_death, t.election_after)
        self.timings = t
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
        self._topo: dict[tuple[object, ...], Topo] = {}
        self._settled: dict[tuple[object, ...], Any] = {}
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
        )

    # -- shared predicates ------------------------------------------------------

    def topo(self, s: AHVState) -> Topo:
        """The derived reachability tables of a state, cached on the fields they depend on."""
        key = (s.host_up, s.cvm_up, s.libvirtd_up, s.partitioned, s.blocks, s.leaders)
        tp = self._topo.get(key)
        if tp is None:
            tp = self._compute_topo(s)
            self._topo[key] = tp
        return tp

    def _compute_topo(self, s: AHVState) -> Topo:
        hosts = self.hosts
        reach = self.reach
        serving = tuple(s.host_up[t] and s.cvm_up[t] for t in hosts)
        acc = []
        for t in hosts:
            row = []
            for h in hosts:
                if not serving[t] or h in s.blocks[t]:
                    row.append(False)
                elif t == h:
                    # The isolated host's own Stargate needs its replicas: they refuse once they block the host.
                    row.append(not (s.partitioned[h] and any(h in s.blocks[u] for u in hosts)))
                else:
                    row.append(not (s.partitioned[t] or s.partitioned[h]))
            acc.append(tuple(row))
        io_ok = tuple(any(acc[t][h] for t in hosts) for h in hosts)
        quorum = tuple(sum(1 for u in hosts if serving[u] and reach(s, h, u)) >= self.majority for h in hosts)
        anyone = Mutation.ELECTION_WITHOUT_QUORUM in self.mut
        if Mutation.ELECTION_NEEDS_ALL in self.mut:
            # The mutation: a CVM may lead only if it reaches every CVM (unanimity instead of a majority).
            eligible = tuple(anyone or all(serving[u] and reach(s, h, u) for u in hosts) for h in hosts)
        else:
            eligible = tuple(anyone or q for q in quorum)
        kept = frozenset(ldr for ldr in s.leaders if serving[ldr] and eligible[ldr])
        order = sorted(s.leaders)
        leader_for = tuple(next((ldr for ldr in order if reach(s, h, ldr)), -1) for h in hosts)
        acting = next((ldr for ldr in order if quorum[ldr]), order[0] if order else -1)
        conn = tuple(acting >= 0 and s.host_up[h] and s.libvirtd_up[h] and reach(s, acting, h) for h in hosts)
        # Block orders come from the leader: with none, no order is in flight.
        ack_from = tuple(t for t in hosts if serving[t] and acting >= 0 and reach(s, acting, t))
        truth = tuple(tuple(acc[t][r] for t in hosts) for r in hosts)
        return Topo(tuple(acc), io_ok, serving, quorum, eligible, kept, leader_for, acting, conn, ack_from, truth)

    @staticmethod
    def reach(s: AHVState, a: int, b: int) -> bool:
        """Can host a talk to host b over the external network (a host always reaches itself)."""
        return a == b or not (s.partitioned[a] or s.partitioned[b])

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
        """The leader host h can reach (-1: none)."""
        return self.topo(s).leader_for[h]

    def acting_leader(self, s: AHVState) -> int:
        """The leader that runs HA (the one with quorum when a mutation made two)."""
        return self.topo(s).acting

    def conn_ok(self, s: AHVState, leader: int, h: int) -> bool:
        """Does the leader's once-per-second connection to host h's libvirtd work."""
        return s.host_up[h] and s.libvirtd_up[h] and self.reach(s, leader, h)

    def pending_acks(self, s: AHVState, h: int) -> list[int]:
        """Stargates that got the block order for host h and have not acknowledged it yet."""
        if self.no_fencing or s.watch[h].phase not in FENCE_PHASES:
            return []
        return [t for t in self.topo(s).ack_from if h not in s.blocks[t]]

    def fenced_hosts(self, s: AHVState) -> frozenset[int]:
        if self.no_fencing:
            return frozenset()
        return frozenset(h for h in self.hosts if s.watch[h].phase in FENCE_PHASES)

    def eligible(self, s: AHVState, h: int) -> bool:
        """May CVM h stand for election (it sees a majority, or the mutation ignores quorum)."""
        return self.topo(s).eligible[h]

    # -- consequences in the same instant ----------------------------------------

    def settle(self, s: AHVState) -> AHVState:
        if not self.ha:
            return s
        key = (s.host_up, s.cvm_up, s.libvirtd_up, s.partitioned, s.blocks, s.leaders, s.elect_timer, s.watch)
        control = self._settled.get(key)
        if control is None:
            control = self._settle_control(s)
            self._settled[key] = control
        leaders, new_et, new_watch, io_ok = control
        if leaders is not s.leaders or new_et is not s.elect_timer or new_watch is not s.watch:
            s = s._replace(leaders=leaders, elect_timer=new_et, watch=new_watch)
        return self._settle_io(s, io_ok)

    def _settle_control(
        self, s: AHVState
    ) -> tuple[frozenset[int], tuple[int, ...], tuple[Watch, ...], tuple[bool, ...]]:
        """Leaders, election timers and HA phases after the instant's consequences (a pure function, cached)."""
        hosts = self.hosts
        tp = self.topo(s)
        # A leader whose CVM died is gone; one that lost its majority steps down (its Zookeeper session ends).
        leaders = s.leaders
        if tp.kept != leaders:
            leaders = tp.kept
            tp = self.topo(s._replace(leaders=leaders))
        et = s.elect_timer
        new_et = tuple(
            -1
            if not tp.serving[h] or tp.leader_for[h] >= 0 or not tp.eligible[h]
            else (et[h] if et[h] >= 0 else self.timings.election_after)
            for h in hosts
        )
        if new_et == et:
            new_et = et
        acting = tp.acting
        watch = s.watch
        out = list(watch)
        for h in hosts:
            w = watch[h]
            if acting >= 0:
                ok = tp.conn[h]
                if not ok and w.phase == OK:
                    out[h] = Watch(LOST, self.timings.detect_after)
                elif ok and w.phase in (LOST, TIMEOUT):
                    out[h] = WATCH_OK
            if w.phase == FENCING and acting >= 0 and not any(h not in s.blocks[t] for t in tp.ack_from):
                # The 60 s to the restart count from the last ack: the isolated VMs' first failed I/O is at
                # the latest then, so they are dead (45 s) before the restart even when acks come late.
                out[h] = Watch(FENCED, self.timings.restart_wait)
        new_watch = tuple(out)
        if new_watch == watch:
            new_watch = watch
        return leaders, new_et, new_watch, tp.io_ok

    def _settle_io(self, s: AHVState, io_ok: tuple[bool, ...]) -> AHVState:
        """A VM doing I/O sees its first failed I/O when no Stargate accepts its host; a working path clears it."""
        copies = s.copies
        new_copies = None
        death = self.timings.vm_io_death
        for i in self.vm_range:
            if not self.does_io[i] or not copies[i]:
                continue
            changed = False
            cs = []
            for c in copies[i]:
                ok = io_ok[c.host]
                if not ok and c.io_timer < 0:
                    c = c._replace(io_timer=death)
                    changed = True
                elif ok and c.io_timer >= 0:
                    c = c._replace(io_timer=-1)
                    changed = True
                cs.append(c)
            if changed:
                if new_copies is None:
                    new_copies = list(copies)
                new_copies[i] = tuple(cs)
        if new_copies is not None:
            s = s._replace(copies=tuple(new_copies))
        return s

    # -- helpers for actions ----------------------------------------------------

    def power_on_copy(self, s: AHVState, vm: int, h: int) -> Copy:
        """A new qemu-kvm process on host h: its first login goes to the local Stargate if it is believed up."""
        sess = Session(h, CONNECTED) if s.health[h][h] and self.accepts(s, h, h) else Session(-1, "dropped")
        return Copy(h, (sess,) * self.n_sessions[vm], -1)

    def with_copies(self, s: AHVState, vm: int, copies: tuple[Copy, ...]) -> AHVState:
        cs = list(s.copies)
        cs[vm] = tuple(sorted(copies, key=lambda c: c.host))
        return s._replace(copies=tuple(cs))
