"""A tiny timed spec the scenario framework's tests run against (the AHV model is tested elsewhere)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from ahvlab.checker import Spec, action, invariant


class Room(NamedTuple):
    t: int
    x: int
    lamps: tuple[bool, ...]
    """Lamp i+1 is on; lamps are numbered from 1 like the AHV model's hosts."""


class Lamps(Spec):
    """A counter, a clock that jumps 20 s at a time up to T+60, and lamps that toggle."""

    def __init__(self, top: int = 3, lamps: int = 2) -> None:
        self.top = top
        self.n = lamps

    def init(self) -> Iterator[Room]:
        yield Room(0, 0, (False,) * self.n)

    @action
    def inc(self, s: Room) -> Iterator[tuple[dict[str, Any], Room]]:
        """Count one up, up to the top."""
        if s.x < self.top:
            yield {}, s._replace(x=s.x + 1)

    @action
    def toggle(self, s: Room) -> Iterator[tuple[dict[str, Any], Room]]:
        """Switch one lamp."""
        for i in range(self.n):
            lamps = list(s.lamps)
            lamps[i] = not lamps[i]
            yield {"lamp": i + 1}, s._replace(lamps=tuple(lamps))

    @action
    def tick(self, s: Room) -> Iterator[tuple[dict[str, Any], Room]]:
        """Jump to the next deadline (every 20 s, until T+60)."""
        if s.t < 60:
            yield {}, s._replace(t=s.t + 20)

    @invariant("the counter stays below its top")
    def below_top(self, s: Room) -> bool:
        return s.x < self.top

    @invariant("never every lamp on at once")
    def not_all_on(self, s: Room) -> bool:
        return not all(s.lamps)

    def time_of(self, state: Room) -> float:
        return state.t

    def explain_disabled(self, state: Room, action: str) -> str | None:
        if action == "inc":
            return f"the counter is at its top ({self.top})"
        if action == "tick":
            return "the clock stops at T+60"
        return None

    def expression_names(self, state: Room) -> Mapping[str, Any]:
        return {"lamp": {i + 1: on for i, on in enumerate(state.lamps)}, "lamp_ids": tuple(range(1, self.n + 1))}
