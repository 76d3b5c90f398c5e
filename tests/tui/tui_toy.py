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
from ahvlab.tui.workbench import Workbench


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
