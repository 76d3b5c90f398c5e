"""DieHard: the water-jug puzzle from Die Hard 3 (tlaplus/Examples, DieHard.tla).

Two jugs of 5 and 3 gallons, a fountain, no markings: get exactly 4 gallons
into the big jug. The "invariant" ``NotSolved`` says it cannot be done, so the
checker's counterexample is the solution, and BFS gives the shortest one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ahvlab.checker.examples._params import whole
from ahvlab.checker.spec import Spec, Successors, action, invariant


class DieHard(Spec):
    """The two jugs; ``big`` and ``small`` are the capacities, ``goal`` the amount wanted in the big jug."""

    class State(NamedTuple):
        big: int
        small: int

    def __init__(self, big: int = 5, small: int = 3, goal: int = 4) -> None:
        self.big_cap = whole("big", big, 1)
        self.small_cap = whole("small", small, 1)
        self.goal = whole("goal", goal, 0)

    def parameters(self) -> dict[str, Any]:
        return {"big": self.big_cap, "small": self.small_cap, "goal": self.goal}

    def init(self) -> Iterator[State]:
        yield self.State(big=0, small=0)

    @action(name="FillSmallJug")
    def fill_small(self, s: State) -> Successors:
        yield {}, s._replace(small=self.small_cap)

    @action(name="FillBigJug")
    def fill_big(self, s: State) -> Successors:
        yield {}, s._replace(big=self.big_cap)

    @action(name="EmptySmallJug")
    def empty_small(self, s: State) -> Successors:
        yield {}, s._replace(small=0)

    @action(name="EmptyBigJug")
    def empty_big(self, s: State) -> Successors:
        yield {}, s._replace(big=0)

    @action(name="SmallToBig")
    def small_to_big(self, s: State) -> Successors:
        poured = min(s.small, self.big_cap - s.big)
        yield {}, self.State(big=s.big + poured, small=s.small - poured)

    @action(name="BigToSmall")
    def big_to_small(self, s: State) -> Successors:
        poured = min(s.big, self.small_cap - s.small)
        yield {}, self.State(big=s.big - poured, small=s.small + poured)

    @invariant("each jug holds between nothing and its capacity", name="TypeOK")
    def type_ok(self, s: State) -> bool:
        return 0 <= s.small <= self.small_cap and 0 <= s.big <= self.big_cap

    @invariant("the big jug never holds the goal (its counterexample is the puzzle's solution)", name="NotSolved")
    def not_solved(self, s: State) -> bool:
        return s.big != self.goal
