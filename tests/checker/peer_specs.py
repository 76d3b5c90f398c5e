"""Small specs for issue 18: two invariants that fail at different depths, a deadlock, a blame hook, a lasso."""

from __future__ import annotations

from typing import Any, NamedTuple

from ahvlab.checker.spec import Action, Spec, action, invariant, leads_to


class XY(NamedTuple):
    x: int
    y: int


class Climb(Spec):
    """x climbs to 4, y to 2; ``x_below_3`` fails after 3 steps, ``y_below_2`` after 2; (4, 2) is a deadlock."""

    def init(self):
        yield XY(0, 0)

    @action
    def inc_x(self, s):
        if s.x < 4:
            yield {}, s._replace(x=s.x + 1)

    @action
    def inc_y(self, s):
        if s.y < 2:
            yield {}, s._replace(y=s.y + 1)

    @invariant("x stays below 3")
    def x_below_3(self, s):
        return s.x < 3

    @invariant("y stays below 2")
    def y_below_2(self, s):
        return s.y < 2

    @invariant("x + y stays below 100")
    def sum_small(self, s):
        return s.x + s.y < 100

    def blame(self, invariant: str, state: Any) -> str | None:
        if invariant == "x_below_3":
            return f"x is {state.x}"
        return None


class Wander(Spec):
    """A walk on 0..9 by +1, +2 and -1 steps; ``far`` fails at 7 (BFS: 4 steps), and ``wait`` is a no-op."""

    class State(NamedTuple):
        pos: int

    def init(self):
        yield self.State(0)

    @action
    def step(self, s):
        for d in (1, 2, -1):
            if 0 <= s.pos + d <= 9:
                yield {"by": d}, self.State(s.pos + d)

    @action
    def wait(self, s):
        yield {}, s

    @invariant("pos stays below 7")
    def near(self, s):
        return s.pos < 7


class Roam(Spec):
    """Wander's walk with a temporal property: once at 7 or beyond, the walker comes home to 0 (it may not).

    ``step`` has the fairness given (none by default: the walker may stop anywhere, so reaching 7 and
    stopping there violates ``home``; weakly fair: it roams 6 -> 7 -> 6 forever instead).
    """

    class State(NamedTuple):
        pos: int

    def __init__(self, fair: str | None = None) -> None:
        self.fair = fair

    def init(self):
        yield self.State(0)

    def actions(self):
        return [Action("step", self.step, "move by +1, +2 or -1", self.fair), Action("wait", self.wait, "a no-op")]  # type: ignore[arg-type]

    def step(self, s):
        for d in (1, 2, -1):
            if 0 <= s.pos + d <= 9:
                yield {"by": d}, self.State(s.pos + d)

    def wait(self, s):
        yield {}, s

    @leads_to("far from home, the walker comes home")
    def home(self, s):
        return (s.pos >= 7, s.pos == 0)
