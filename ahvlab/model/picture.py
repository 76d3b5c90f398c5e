"""The one picture of an AHV state that every view reads: hosts, VMs, copies, sessions, timers, reserves.

The model's own state is tuples indexed from 0 and timers held as seconds left (so
the fingerprinted view stays bounded). A :class:`Picture` is the same state as a
person reads it: hosts keyed by their number (from 1), VMs by name, every timer as
the model time it expires (``T+105``), and the figures derived from the state
(a VM's status, a host's free memory and guarantee-mode reserve). The spec's
``format_state`` is the picture's variables, so traces, ``--json``, the TUI, the
shell's ``show``, scenario checkpoints and the docs all name a field the same way::

    host[2].cvm_up   host[2].ha_phase   vm.VM1.status   vm.VM1.copies   leaders
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from ahvlab.model import capacity
from ahvlab.model.cluster import Cluster
from ahvlab.model.state import FENCED, FENCING, LOST, OK, RESTARTED, TIMEOUT, WAITING, AHVState


class SessionPicture(NamedTuple):
    """One iSCSI session (classic: one per disk) or Frodo connection (one per queue); its number is its index."""

    stargate: int | None
    """The host number of the Stargate it is logged in to (None when dropped)."""
    phase: str


class CopyPicture(NamedTuple):
    """One running qemu-kvm process of a VM (two copies of one VM are a phantom VM)."""

    host: int
    sessions: tuple[SessionPicture, ...]
    dies_at: int
    """Model time at which it fails for lack of I/O (45 s after its first failed I/O); -1 while its I/O works."""


class HostPicture(NamedTuple):
    """A host: hypervisor, CVM (Stargate), libvirtd, its network, what its redirector believes, HA's watch over it."""

    id: int
    up: bool
    cvm_up: bool
    libvirtd_up: bool
    partitioned: bool
    health: Mapping[int, bool]
    """What this host's iSCSI redirector believes of every Stargate (by host number), from its last NOP."""
    blocks: frozenset[int]
    """The hosts whose I/O this host's Stargate refuses (block orders it acknowledged)."""
    fenced_by: tuple[int, ...]
    """The Stargates that block this host's I/O."""
    ha_phase: str
    ha_due: int
    """When the HA phase's timer expires (model time; -1: none)."""
    election_due: int
    """When this CVM stands for election (model time; -1: not waiting)."""
    leader: bool
    memory: int
    free_memory: int
    """Memory not used by the VM copies running here (an isolated host still counts the copy written off)."""
    reserve: int | None
    """Guarantee mode: the failover capacity this host holds (the largest segment total from any one other host)."""
    acks_pending: tuple[int, ...] = ()
    """While HA fences this host: the Stargates that got the block order and can answer it, and have not yet."""
    acks_missing: tuple[int, ...] = ()
    """While HA fences this host: every Stargate the fence still waits for (pending, hung or out of reach)."""
    acks_hung: bool = False
    """Failure kind no_ack: this host's Stargate serves I/O but never answers a block order."""
    cut_off: bool = False
    """This host reaches no majority of the running CVMs (a partition or a split's minority side)."""
    side: int = 1
    """Failure kind split: the side of the network it is on (1: host 1's side, 2: the other)."""
    ha_by: int | None = None
    """The leader that runs this host's HA timeline (None while ``ok``)."""
    deadline: int = -1
    """When this host's VMs must run again (T0 + restart_after; -1: none, -2: missed, -3: a later failure excused it)."""
    believes_leader: int | None = None
    """The leader this host's CVM believes in: the first it reaches (None: none)."""
    lease_until: int = -1
    """A leader without quorum: when its lease runs out and it steps down (model time; -1: none)."""


class VMPicture(NamedTuple):
    """A VM: where the cluster runs it, its status, every running copy, its sessions and its address."""

    name: str
    host: int | None
    """The host the cluster runs it on (None: off, or failed without capacity)."""
    status: str
    """``running``, ``restarting`` (its host is under HA), ``failed`` or ``off``."""
    copies: tuple[int, ...]
    """The hosts where a copy runs."""
    io_path: str
    slot: str
    """What a session stands for: ``disk`` (classic path) or ``queue`` (Frodo)."""
    sessions: tuple[SessionPicture, ...]
    """The sessions of the copy on its own host (or of its only copy)."""
    dies_at: tuple[int, ...]
    """Per copy (in host order), when it fails for lack of I/O (-1 while its I/O works)."""
    others: tuple[CopyPicture, ...]
    """The copies besides the one whose sessions are shown (a phantom VM's second copy), with their sessions."""
    address: str | None
    dhcp_pending: bool
    segment: int | None
    """Guarantee mode: the host that holds this VM's failover segment (None: not in guarantee mode, or no plan)."""


class Deadline(NamedTuple):
    """A pending timer: when it expires, what it is about, and what happens then."""

    at: int
    subject: str
    event: str


class Picture(NamedTuple):
    """The whole cluster at one instant."""

    now: int
    host: Mapping[int, HostPicture]
    vm: Mapping[str, VMPicture]
    leaders: frozenset[int]
    leases: frozenset[tuple[str, str]]
    """(VM name, address) pairs of IPAM's lease table."""
    failures: Mapping[str, int]
    """Failures used so far in this run, by kind: ``cvm`` and ``host``."""
    failed_back: bool
    """Some failback (quiesce, then kill) has completed."""
    split: frozenset[int] = frozenset()
    """Failure kind split: the hosts of the side without host 1 (empty: no split)."""
    to_restart: frozenset[str] = frozenset()
    """VMs HA owes a restart outside a host's timeline (found dead on a host it reaches, or no room before)."""

    @property
    def leader(self) -> int | None:
        """The leader when there is exactly one."""
        return next(iter(self.leaders)) if len(self.leaders) == 1 else None

    def variables(self) -> dict[str, object]:
        """The picture as a spec's ``format_state``: name -> value."""
        return dict(zip(self._fields, self, strict=True))


def _due(now: int, timer: int) -> int:
    return now + timer if timer >= 0 else -1


def _plus_one(host: int | None) -> int | None:
    return None if host is None else host + 1


def _status(cl: Cluster, s: AHVState, vm: int) -> str:
    h = s.placement[vm]
    if any(c.host == h for c in s.copies[vm]):
        return "running"
    if vm in s.to_restart:
        return "restarting"
    if h < 0:
        return "failed" if cl.vms[vm].host is not None else "off"
    if cl.ha and s.watch[h].phase != OK:
        return "restarting"
    return "failed"


def _reserves(cl: Cluster, s: AHVState) -> tuple[list[int | None], dict[int, int | None]]:
    """Guarantee mode: each live host's reserve and each VM's segment host under the admission policy.

    A host that is down holds no reserve (None), as the capacity module computes it.
    """
    if cl.config.ha_mode != "guarantee":
        return [None] * cl.n, {}
    policy = capacity.policy_of(cl.config)
    caps = tuple(cl.config.host_memory)
    plan = capacity.state_plan(caps, cl.vm_memory, s.placement, s.host_up, policy)
    if not plan.ok:
        return [None] * cl.n, {}
    segments = {int(v.name): plan.segment_of(k) for k, v in enumerate(plan.vms)}
    return capacity.host_reserves(caps, cl.vm_memory, s.placement, s.host_up, policy), segments


def picture(cl: Cluster, s: AHVState) -> Picture:
    """The picture of state ``s`` of the cluster ``cl``."""
    now = s.now
    used = [0] * cl.n
    for vm, copies in enumerate(s.copies):
        for c in copies:
            used[c.host] += cl.vm_memory[vm]
    reserves, segments = _reserves(cl, s)
    hosts: dict[int, HostPicture] = {}
    tp = cl.topo(s)
    for h in cl.hosts:
        w = s.watch[h]
        hosts[h + 1] = HostPicture(
            id=h + 1,
            up=s.host_up[h],
            cvm_up=s.cvm_up[h],
            libvirtd_up=s.libvirtd_up[h],
            partitioned=s.partitioned[h],
            health={t + 1: s.health[h][t] for t in cl.hosts},
            blocks=frozenset(b + 1 for b in s.blocks[h]),
            fenced_by=tuple(t + 1 for t in cl.hosts if h in s.blocks[t]),
            ha_phase=w.phase,
            ha_due=_due(now, w.timer),
            election_due=_due(now, s.elect_timer[h]),
            leader=h in s.leaders,
            memory=cl.config.host_memory[h],
            free_memory=cl.config.host_memory[h] - used[h],
            reserve=reserves[h],
            acks_pending=tuple(t + 1 for t in cl.pending_acks(s, h)),
            acks_missing=tuple(t + 1 for t in cl.missing_acks(s, h)),
            acks_hung=h in s.mute,
            cut_off=not tp.quorum[h],
            side=2 if h in s.split else 1,
            ha_by=w.by + 1 if w.phase != OK and w.by >= 0 else None,
            deadline=w.due if w.due < -1 else _due(now, w.due),
            believes_leader=_plus_one(tp.leader_for[h]) if tp.leader_for[h] >= 0 else None,
            lease_until=_due(now, s.lease[h]),
        )
    vms: dict[str, VMPicture] = {}
    for vm in cl.vm_range:
        h = s.placement[vm]
        detail = tuple(
            CopyPicture(
                c.host + 1,
                tuple(SessionPicture(x.target + 1 if x.target >= 0 else None, x.phase) for x in c.sessions),
                _due(now, c.io_timer),
            )
            for c in s.copies[vm]
        )
        main = next((c for c in detail if c.host == h + 1), detail[0] if detail else None)
        a = s.address[vm]
        vms[cl.vm_names[vm]] = VMPicture(
            name=cl.vm_names[vm],
            host=h + 1 if h >= 0 else None,
            status=_status(cl, s, vm),
            copies=tuple(c.host for c in detail),
            io_path=cl.vms[vm].io_path,
            slot=cl.slot_key[vm],
            sessions=main.sessions if main is not None else (),
            dies_at=tuple(c.dies_at for c in detail),
            others=tuple(c for c in detail if c is not main),
            address=cl.scope[vm][a] if a >= 0 else None,
            dhcp_pending=s.dhcp_pending[vm],
            segment=_plus_one(segments.get(vm)),
        )
    return Picture(
        now=now,
        host=hosts,
        vm=vms,
        leaders=frozenset(h + 1 for h in s.leaders),
        leases=frozenset((cl.vm_names[v], cl.scope[v][a]) for v, a in s.leases),
        failures={"cvm": s.failures[0], "host": s.failures[1]},
        failed_back=s.failed_back,
        split=frozenset(h + 1 for h in s.split),
        to_restart=frozenset(cl.vm_names[v] for v in s.to_restart),
    )


_PHASE_EVENT = {
    LOST: "HA starts its 40 s timeout",
    TIMEOUT: "HA timeout ends: fence",
    FENCING: "restart (without waiting for every ack)",
    FENCED: "restart its VMs",
    WAITING: "restart its VMs (no block order was sent)",
    RESTARTED: "",
}


def deadlines(cl: Cluster, p: Picture) -> list[Deadline]:
    """Every pending timer, soonest first: ``Deadline(60, "host 2", "HA timeout ends: fence")``.

    The promise of ``restart_by_deadline`` is listed only when the host's timeline would not
    keep it (no step scheduled, or the next one after the deadline): otherwise it is the restart.
    """
    death = cl.timings.vm_io_death
    out: list[Deadline] = []
    for h in p.host.values():
        if h.ha_due >= 0:
            vms = [v.name for v in p.vm.values() if v.host == h.id]
            event = _PHASE_EVENT.get(h.ha_phase, h.ha_phase)
            if h.ha_phase in (FENCED, WAITING, FENCING) and vms:
                event = f"restart {', '.join(vms)}"
            out.append(Deadline(h.ha_due, f"host {h.id}", event))
        late = h.ha_due < 0 or h.ha_due > h.deadline  # the timeline will not restart them by then
        if h.deadline >= 0 and h.ha_phase not in (OK, RESTARTED) and late:
            out.append(Deadline(h.deadline, f"host {h.id}", "its VMs must run again (restart_by_deadline)"))
        if h.lease_until >= 0:
            out.append(Deadline(h.lease_until, f"host {h.id}", "its lease runs out: the leader steps down"))
        if h.election_due >= 0:
            out.append(Deadline(h.election_due, f"host {h.id}", "its CVM stands for Acropolis leader"))
    for v in p.vm.values():
        for host, dies_at in zip(v.copies, v.dies_at, strict=True):
            if dies_at >= 0:
                out.append(Deadline(dies_at, v.name, f"dies on host {host} ({death} s after its first failed I/O)"))
    return sorted(out)
