"""AHVSpec: the sub-models a config asks for, composed into one checker spec."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from ahvlab.checker.errors import SpecLoadError
from ahvlab.checker.spec import Action, Invariant, Property, Spec
from ahvlab.model.cluster import Cluster
from ahvlab.model.config import Config, config_to_dict, default_config
from ahvlab.model.explain import why_disabled
from ahvlab.model.ha import HA
from ahvlab.model.ipam import IPAM
from ahvlab.model.properties import ahv_properties
from ahvlab.model.state import AHVState, Copy, Session, Watch
from ahvlab.model.storage import Storage


class SessionView(NamedTuple):
    """A session as shown to users: the Stargate's host (0: none) and the phase."""

    stargate: int
    phase: str


class CopyView(NamedTuple):
    """A running copy of a VM as shown to users; ``dies_at`` is T+seconds (-1: its I/O works)."""

    host: int
    sessions: tuple[SessionView, ...]
    dies_at: int


class WatchView(NamedTuple):
    """The leader's HA phase for a host and when its timer expires (T+seconds, -1: none)."""

    phase: str
    due: int


def _due(now: int, timer: int) -> int:
    return now + timer if timer >= 0 else -1


def _left(now: int, due: int) -> int:
    return due - now if due >= 0 else -1


def _fields(x: Any, names: Sequence[str]) -> list[Any]:
    """Fields of a record that may come back from a trace file as a NamedTuple, a mapping or a sequence."""
    if isinstance(x, Mapping):
        return [x[n] for n in names]
    return list(x)


class AHVSpec(Spec):
    """The Nutanix AHV cluster of BRIEF.md, built from a :class:`Config`."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config if config is not None else default_config()
        self.cluster = Cluster(self.config)
        self.storage = Storage(self.cluster)
        self.ha = HA(self.cluster) if self.cluster.ha else None
        self.ipam = IPAM(self.cluster) if self.cluster.ipam else None
        parts: list[Any] = [self.storage]
        if self.ha is not None:
            parts.append(self.ha)
        if self.ipam is not None:
            parts.append(self.ipam)
        acts: list[Action] = []
        invs: list[Invariant] = []
        for p in parts:
            acts += p.actions()
        # Storage shape first, then the HA invariants from the most specific to the most general.
        invs += self.storage.invariants()
        if self.ha is not None:
            invs += self.ha.invariants()
        if self.ipam is not None:
            invs += self.ipam.invariants()
        self._actions = acts
        self._invariants = invs
        self._properties = [*self.storage.properties(), *ahv_properties(self)]

    display_index_base = 1
    """Per-host and per-VM tuples read as host 1.., VM1.. in reports."""

    @property
    def name(self) -> str:
        return "AHVCluster"

    def init(self) -> Iterable[AHVState]:
        yield self.cluster.initial()

    def actions(self) -> Sequence[Action]:
        return self._actions

    def invariants(self) -> Sequence[Invariant]:
        return self._invariants

    def properties(self) -> Sequence[Property]:
        return self._properties

    def view(self, s: AHVState) -> tuple[Any, ...]:
        """Everything but ``now``: timers are already held as seconds left."""
        return s[1:]

    def time_of(self, state: Any) -> float | None:
        return state.now

    def explain_disabled(self, state: Any, action: str) -> str | None:
        """Why ``action`` has no step here, in one sentence (the shell, the TUI and scenarios show it)."""
        return why_disabled(self, state, action)

    def parameters(self) -> dict[str, Any]:
        """The whole config, as the TOML table ``config_from_dict`` reads back (traces reopen on it)."""
        return {"config": config_to_dict(self.config)}

    # -- display ------------------------------------------------------------------

    def format_state(self, state: Any) -> dict[str, Any]:
        s: AHVState = state
        cl = self.cluster
        now = s.now
        sessions = tuple(
            tuple(
                CopyView(
                    c.host + 1,
                    tuple(SessionView(x.target + 1, x.phase) for x in c.sessions),
                    _due(now, c.io_timer),
                )
                for c in cs
            )
            for cs in s.copies
        )
        return {
            "now": now,
            "host_up": s.host_up,
            "stargate_up": s.cvm_up,
            "libvirtd_up": s.libvirtd_up,
            "partitioned": s.partitioned,
            "health": s.health,
            "sessions": sessions,
            "placement": tuple(h + 1 for h in s.placement),
            "leaders": frozenset(h + 1 for h in s.leaders),
            "election_due": tuple(_due(now, t) for t in s.elect_timer),
            "ha": tuple(WatchView(w.phase, _due(now, w.timer)) for w in s.watch),
            "blocks": tuple(frozenset(h + 1 for h in b) for b in s.blocks),
            "address": tuple(cl.scope[vm][a] if a >= 0 else "" for vm, a in enumerate(s.address)),
            "dhcp_pending": s.dhcp_pending,
            "leases": frozenset((cl.vm_names[v], cl.scope[v][a]) for v, a in s.leases),
            "failures": s.failures,
            "failed_back": s.failed_back,
        }

    def state_from_vars(self, variables: Mapping[str, Any]) -> Any:
        """Invert :meth:`format_state` (for traces loaded from ITF files)."""
        cl = self.cluster
        v = variables
        try:
            now = int(v["now"])
            copies = []
            for cs in v["sessions"]:
                out = []
                for c in cs:
                    host, sess, dies = _fields(c, CopyView._fields)
                    ss = tuple(
                        Session(*(int(t) - 1, str(p))) for t, p in (_fields(x, SessionView._fields) for x in sess)
                    )
                    out.append(Copy(int(host) - 1, ss, _left(now, int(dies))))
                copies.append(tuple(out))
            watch = []
            for w in v["ha"]:
                phase, due = _fields(w, WatchView._fields)
                watch.append(Watch(str(phase), _left(now, int(due))))
            index = {name: i for i, name in enumerate(cl.vm_names)}
            address = []
            for vm, a in enumerate(v["address"]):
                address.append(cl.scope[vm].index(a) if a else -1)
            leases = frozenset((index[n], cl.scope[index[n]].index(a)) for n, a in v["leases"])
            return AHVState(
                now=now,
                host_up=tuple(bool(b) for b in v["host_up"]),
                cvm_up=tuple(bool(b) for b in v["stargate_up"]),
                libvirtd_up=tuple(bool(b) for b in v["libvirtd_up"]),
                partitioned=tuple(bool(b) for b in v["partitioned"]),
                health=tuple(tuple(bool(b) for b in row) for row in v["health"]),
                copies=tuple(copies),
                placement=tuple(int(h) - 1 for h in v["placement"]),
                leaders=frozenset(int(h) - 1 for h in v["leaders"]),
                elect_timer=tuple(_left(now, int(d)) for d in v["election_due"]),
                watch=tuple(watch),
                blocks=tuple(frozenset(int(h) - 1 for h in b) for b in v["blocks"]),
                address=tuple(address),
                dhcp_pending=tuple(bool(b) for b in v["dhcp_pending"]),
                leases=leases,
                failures=(int(v["failures"][0]), int(v["failures"][1])),
                failed_back=bool(v["failed_back"]),
            )
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            raise SpecLoadError(
                f"the trace's variables do not describe an AHVCluster state ({type(exc).__name__}: {exc})",
                expected="the variables written by AHVSpec.format_state",
            ) from None
