"""A small timed spec for the TUI tests: three lamps on a timer, never all on together.

The AHV model is big and written by others; this one keeps the app's tests about
the app. It has parameters, time, a narration and a reachable violation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from textual.message import Message

from ahvlab.checker.session import Session
from ahvlab.checker.spec import Spec, action, invariant
from ahvlab.model.picture import CopyPicture, HostPicture, Picture, SessionPicture, VMPicture
from ahvlab.workbench import Workbench


class Lamps(Spec):
    class State(NamedTuple):
        on: tuple[bool, bool, bool]
        clock: int
        broken: frozenset[str]

    def init(self) -> Iterator[State]:
        yield self.State(on=(False, False, False), clock=0, broken=frozenset())

    @action
    def switch(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """flip one lamp"""
        for lamp in range(3):
            on = list(s.on)
            on[lamp] = not on[lamp]
            yield {"lamp": lamp}, s._replace(on=tuple(on))

    @action
    def wait(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """let 20 seconds pass"""
        if s.clock < 60:
            yield {}, s._replace(clock=s.clock + 20)

    @action
    def fuse(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """a fuse blows: its lamp goes dark"""
        for lamp in range(3):
            if s.on[lamp] and f"fuse{lamp}" not in s.broken:
                on = list(s.on)
                on[lamp] = False
                yield {"lamp": lamp}, s._replace(on=tuple(on), broken=s.broken | {f"fuse{lamp}"})

    @invariant("the three lamps are never on together")
    def not_all_on(self, s: State) -> bool:
        return not all(s.on)

    @invariant("the clock never passes one minute")
    def within_a_minute(self, s: State) -> bool:
        return s.clock <= 60

    def time_of(self, state: Any) -> float | None:
        return float(state.clock)


NARRATION = {
    0: "All three lamps are dark.",
    1: "Lamp 0 comes on.",
    3: "All lamps are on: the invariant breaks here.",
}


def workbench(*, scripted: bool = True) -> Workbench:
    """A workbench over :class:`Lamps`; ``scripted`` loads a 4-step walk that ends in a violation."""
    session = Session(Lamps())
    if scripted:
        for lamp in range(3):
            session.do("switch", {"lamp": lamp})
        session.do("wait")
        session.load(session.trace, NARRATION)
    return Workbench(session, "Lamps: a toy spec", "tui_toy:Lamps")


class Ring(Spec):
    """A counter that goes round 0..3: nothing ever fails, so a check explores four states and finds nothing."""

    class State(NamedTuple):
        x: int

    def init(self) -> Iterator[State]:
        yield self.State(0)

    @action
    def step(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """count one up, modulo 4"""
        yield {}, s._replace(x=(s.x + 1) % 4)

    @invariant("x stays below 4")
    def below_four(self, s: State) -> bool:
        return s.x < 4


def ring() -> Workbench:
    return Workbench(Session(Ring()), "Ring: nothing fails", "tui_toy:Ring")


class Recorder:
    """Collects every message of the given types that reaches any part of the app."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


class MiniCluster(Spec):
    """Three hosts and two VMs: partition a host and, without fencing, HA restarts a VM that still runs.

    Its :func:`mini_describe` has the AHV model's description shape, so the cluster
    view's tests do not move when the real model grows.
    """

    class State(NamedTuple):
        now: int
        partitioned: tuple[bool, ...]
        vm_hosts: tuple[frozenset[int], ...]
        """The hosts running a copy of each VM (0-based)."""

    def __init__(self, fencing: bool = False) -> None:
        self.fencing = fencing

    def init(self) -> Iterator[State]:
        yield self.State(0, (False, False, False), (frozenset({0}), frozenset({2})))

    @action
    def partition_host(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """a host loses the network"""
        for h in range(3):
            if not any(s.partitioned):
                cut = list(s.partitioned)
                cut[h] = True
                yield {"host": h + 1}, s._replace(partitioned=tuple(cut))

    @action
    def tick(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """jump to the next HA deadline (T+60 fence, T+120 restart)"""
        if any(s.partitioned) and s.now < 120:
            now = s.now + 60
            vm_hosts = s.vm_hosts
            if now == 120:
                lost = s.partitioned.index(True)
                spare = next(h for h in range(3) if h != lost)
                # With fencing the lost copy is gone before the restart; without, it still runs.
                vm_hosts = tuple(
                    (frozenset(hs - {lost}) if self.fencing else hs) | {spare} if lost in hs else hs for hs in vm_hosts
                )
            yield {}, s._replace(now=now, vm_hosts=vm_hosts)

    @invariant("a VM never runs as two copies (no phantom VM)")
    def no_phantom_vm(self, s: State) -> bool:
        return all(len(hs) <= 1 for hs in s.vm_hosts)

    def time_of(self, state: Any) -> float | None:
        return float(state.now)

    def format_state(self, state: Any) -> dict[str, Any]:
        return mini_picture(self, state).variables()


def mini_picture(spec: MiniCluster, s: MiniCluster.State) -> Picture:
    """The toy's state as the AHV model's picture, so the cluster view's tests do not move when the model grows."""
    lost = [h for h in range(3) if s.partitioned[h]]
    hosts = {
        h + 1: HostPicture(
            id=h + 1,
            up=True,
            cvm_up=True,
            libvirtd_up=True,
            partitioned=s.partitioned[h],
            health={t + 1: not (s.partitioned[t] and t != h) for t in range(3)},
            blocks=frozenset(),
            fenced_by=tuple(t + 1 for t in range(3) if t != h) if spec.fencing and h in lost and s.now >= 60 else (),
            ha_phase=("lost" if s.now < 60 else "fenced" if spec.fencing else "timed out") if h in lost else "ok",
            ha_due=-1,
            election_due=-1,
            leader=h == 1,
            memory=32,
            free_memory=32 - 8 * sum(h in hs for hs in s.vm_hosts),
            reserve=None,
        )
        for h in range(3)
    }
    vms = {}
    for v, hs in enumerate(s.vm_hosts):
        main = min(hs) + 1
        sessions = (SessionPicture(main, "connected"), SessionPicture(main, "connected"))
        vms[f"VM{v + 1}"] = VMPicture(
            name=f"VM{v + 1}",
            host=main,
            status="running",
            copies=tuple(sorted(h + 1 for h in hs)),
            io_path="classic" if v == 0 else "frodo",
            slot="disk" if v == 0 else "queue",
            sessions=sessions,
            dies_at=tuple(-1 for _ in hs),
            others=tuple(CopyPicture(h + 1, sessions, -1) for h in sorted(hs) if h + 1 != main),
            address=f"10.0.0.{10 + v}",
            dhcp_pending=False,
            segment=None,
        )
    return Picture(s.now, hosts, vms, frozenset({2}), frozenset(), {"cvm": 0, "host": len(lost)}, False)


class MiniBench(Workbench):
    """A workbench over :class:`MiniCluster` with one mutation (``no_fencing``) and one timing, like the AHV model's."""

    def picture(self, index: int | None = None) -> Picture | None:
        s = self.session
        spec = s.spec
        assert isinstance(spec, MiniCluster)
        return mini_picture(spec, s.steps[s.cursor if index is None else index].state)

    def active_mutations(self) -> list[str]:
        return [name for name, (_doc, on) in self.mutations().items() if on]

    def changed_timings(self) -> dict[str, float]:
        return {}

    def mutations(self) -> dict[str, tuple[str, bool]]:
        spec = self.session.spec
        assert isinstance(spec, MiniCluster)
        return {"no_fencing": ("HA restarts VMs without fencing the lost host first", not spec.fencing)}

    def timings(self) -> dict[str, float]:
        return {"ha_timeout": 40.0, "heartbeat": 1.0}

    def set_mutation(self, name: str, on: bool) -> int:
        return self.session.rebase(MiniCluster(fencing=not on))


MINI_NARRATION = {
    0: "Three healthy hosts; host 2 runs the Acropolis leader.",
    1: "Host 1 loses the network. Its VM keeps running but cannot reach its disks.",
    3: "Without fencing, HA restarts VM1 on host 2 while the old copy still runs: a phantom VM.",
}


def mini(*, scripted: bool = True) -> MiniBench:
    """The partition what-if: partition host 1, then two ticks to the restart (a phantom VM without fencing)."""
    session = Session(MiniCluster())
    if scripted:
        session.do("partition_host", {"host": 1})
        session.do("tick")
        session.do("tick")
        session.load(session.trace, MINI_NARRATION)
    return MiniBench(session, "Partition what-if: no fencing", "tui_toy:MiniCluster")


class Odometer(Spec):
    """Counts to a million one by one: a check that runs long enough to be stopped by hand."""

    class State(NamedTuple):
        km: int

    def init(self) -> Iterator[State]:
        yield self.State(0)

    @action
    def drive(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """one more kilometre"""
        if s.km < 1_000_000:
            yield {}, s._replace(km=s.km + 1)
        else:
            yield {}, s

    @invariant("the odometer never runs backwards")
    def forward(self, s: State) -> bool:
        return s.km >= 0


def odometer() -> Workbench:
    return Workbench(Session(Odometer()), "Odometer: a long check", "tui_toy:Odometer")
