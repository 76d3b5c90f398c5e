"""The state of the AHV model: NamedTuples, tuples indexed by host or VM, frozensets.

Hosts are indexed from 0 inside states; everything shown to a user adds 1.
Timers are held as *seconds left* (-1: not running), so the fingerprinted view
(the state without ``now``) stays bounded while time runs on.
"""

from __future__ import annotations

from typing import Any, NamedTuple

# Session phases (one iSCSI session per classic disk, one connection per Frodo queue).
LOGIN = "login"
"""The redirector answered with a redirect; the login to the target Stargate is in flight."""
CONNECTED = "connected"
QUIESCING = "quiescing"
"""Failback: the remote Stargate is finishing this session's outstanding I/O before it kills it."""
DROPPED = "dropped"
"""No session: QEMU (or Frodo) must log in again through the redirector."""
PHASES = (LOGIN, CONNECTED, QUIESCING, DROPPED)

# HA phases of the leader's watch over one host.
OK = "ok"
LOST = "lost"
"""T0: the leader lost its connection to the host's libvirtd."""
TIMEOUT = "timeout"
"""T20: the leader started its 40 s timeout."""
FENCING = "fencing"
"""T60: block-I/O orders sent to every Stargate; waiting for every ack (no timer)."""
FENCED = "fenced"
"""Every Stargate acknowledged; the restart comes 60 s after the last ack (T120 when they come at T60)."""
WAITING = "waiting"
"""Mutation no_fencing: no block order was sent; waiting for the restart."""
RESTARTED = "restarted"
"""T120: the host's VMs were restarted elsewhere (one ``restart_vms`` step per VM); the host stays out until it
recovers."""
WATCH_PHASES = (OK, LOST, TIMEOUT, FENCING, FENCED, WAITING, RESTARTED)


class Session(NamedTuple):
    """One iSCSI session (classic disk) or Frodo connection (queue)."""

    target: int
    """Index of the Stargate's host, -1 when dropped."""
    phase: str


class Copy(NamedTuple):
    """One running qemu-kvm process of a VM (normally one; two is a phantom VM)."""

    host: int
    sessions: tuple[Session, ...]
    io_timer: int
    """Seconds left before the VM dies after its first failed I/O (45 s), -1 while its I/O works."""


class Watch(NamedTuple):
    """The HA record of one host: its phase and timer, the leader that drives it, the 120 s deadline."""

    phase: str
    timer: int
    by: int = -1
    """The leader whose connection to the host failed and who runs its timeline (-1 while ``ok``)."""
    due: int = -1
    """Seconds left to T0 + restart_after (-1: no deadline; MISSED, EXCUSED below)."""


WATCH_OK = Watch(OK, -1)
MISSED = -2
"""``Watch.due`` once model time has passed the deadline without the host's restart."""
EXCUSED = -3
"""``Watch.due`` once another failure came after this host's T0: a late restart is explained, not tracked."""


class AHVState(NamedTuple):
    """The whole cluster. ``now`` is first so that the view is ``state[1:]``."""

    now: int
    host_up: tuple[bool, ...]
    cvm_up: tuple[bool, ...]
    libvirtd_up: tuple[bool, ...]
    partitioned: tuple[bool, ...]
    """partitioned[h]: host h is cut off from every other host (failure kind ``partition``)."""
    health: tuple[tuple[bool, ...], ...]
    """health[r][t]: does the redirector of host r believe Stargate t is up (last NOP answer)."""
    copies: tuple[tuple[Copy, ...], ...]
    """Per VM, its running copies, ordered by host."""
    placement: tuple[int, ...]
    """Per VM, the host the cluster runs it on (-1: off, or failed without capacity)."""
    leaders: frozenset[int]
    """The CVMs that believe they lead (a follower believes in the leader it reaches)."""
    elect_timer: tuple[int, ...]
    watch: tuple[Watch, ...]
    blocks: tuple[frozenset[int], ...]
    """blocks[t]: hosts whose I/O Stargate t refuses (block orders it acknowledged)."""
    address: tuple[int, ...]
    """Per VM, index of its address in its network's scope, -1 for none."""
    dhcp_pending: tuple[bool, ...]
    leases: frozenset[tuple[int, int]]
    """(vm, address index): the lease table IPAM allocates from."""
    failures: tuple[int, int]
    """(CVM crashes, host-level failures) used so far in this run."""
    failed_back: bool
    """History: some failback (quiesce, then kill) has completed."""
    split: frozenset[int]
    """Failure kind ``split``: the hosts of the side that does not hold host 1 (empty: no split)."""
    lease: tuple[int, ...]
    """lease[h]: seconds left of leader h's lease after it lost its quorum (-1: none running)."""
    mute: frozenset[int]
    """Failure kind ``no_ack``: Stargates that serve I/O and answer NOPs but never answer a block order."""
    to_restart: frozenset[int]
    """VMs HA owes a restart outside a host's timeline: found dead on a host it reaches, or no room before."""


def _fast_replace(cls: Any) -> None:
    """Give a NamedTuple a ``_replace`` that builds the new tuple directly.

    The stock one goes through ``_make(map(kwds.pop, fields, self))`` and costs about twice as
    much; the model calls it several times per successor. Same result, same error for a name
    that is not a field (``ValueError``); mypy still checks the field names against the class.
    """
    index = {name: i for i, name in enumerate(cls._fields)}
    new = tuple.__new__

    def _replace(self: Any, **changes: Any) -> Any:
        values = list(self)
        for name, value in changes.items():
            i = index.get(name)
            if i is None:
                raise ValueError(f"Got unexpected field names: {list(changes)!r}")
            values[i] = value
        return new(cls, values)

    _replace.__doc__ = f"Return a new {cls.__name__} with the given fields replaced."
    cls._replace = _replace


for _cls in (Session, Copy, Watch, AHVState):
    _fast_replace(_cls)
