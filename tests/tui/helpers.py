"""Workbenches over the toy specs of ``tests/toys.py`` for the TUI tests, and a recorder of the messages an app posts.

The AHV model is big and grows; these keep the app's tests (and its snapshots) about the app.
"""

from __future__ import annotations

from textual.message import Message

from ahvlab.checker.session import Session
from ahvlab.model.picture import Picture
from ahvlab.workbench import Workbench
from tests.toys import Clock, FuseBox, MiniCluster, Odometer, mini_picture

NARRATION = {
    0: "All three lamps are dark.",
    1: "Lamp 0 comes on.",
    3: "All lamps are on: the invariant breaks here.",
}


def workbench(*, scripted: bool = True) -> Workbench:
    """A workbench over :class:`FuseBox`; ``scripted`` loads a 4-step walk that ends in a violation."""
    session = Session(FuseBox())
    if scripted:
        for lamp in range(3):
            session.do("switch", {"lamp": lamp})
        session.do("wait")
        session.load(session.trace, NARRATION)
    return Workbench(session, "Lamps: a toy spec", "tests.toys:FuseBox")


def clock() -> Workbench:
    """A workbench over :class:`Clock`, where a check finds nothing."""
    return Workbench(Session(Clock()), "Clock: nothing fails", "tests.toys:Clock")


class Recorder:
    """Collects every message of the given types that reaches any part of the app."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def __call__(self, message: Message) -> None:
        self.messages.append(message)

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]


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
    return MiniBench(session, "Partition what-if: no fencing", "tests.toys:MiniCluster")


def odometer() -> Workbench:
    """A workbench over :class:`Odometer`, whose check runs until it is stopped."""
    return Workbench(Session(Odometer()), "Odometer: a long check", "tests.toys:Odometer")
