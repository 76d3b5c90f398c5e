"""Small specs the checker's own tests use (the TLA+ ports live in ahvlab/checker/examples)."""

from __future__ import annotations

from typing import NamedTuple

from ahvlab.checker import Spec, action, invariant, sometimes


class Jugs(NamedTuple):
    big: int
    small: int


class Pour(Spec):
    """DieHard in miniature: two jugs of 5 and 3 gallons."""

    def init(self):
        yield Jugs(0, 0)

    @action
    def fill_small(self, s):
        yield {}, s._replace(small=3)

    @action
    def fill_big(self, s):
        yield {}, s._replace(big=5)

    @action
    def empty_small(self, s):
        yield {}, s._replace(small=0)

    @action
    def empty_big(self, s):
        yield {}, s._replace(big=0)

    @action
    def small_to_big(self, s):
        poured = min(s.small, 5 - s.big)
        yield {}, Jugs(s.big + poured, s.small - poured)

    @action
    def big_to_small(self, s):
        poured = min(s.big, 3 - s.small)
        yield {}, Jugs(s.big - poured, s.small + poured)

    @invariant("the big jug never holds 4 gallons")
    def big_is_not_4(self, s):
        return s.big != 4

    @sometimes("the small jug holds 1 gallon")
    def small_holds_1(self, s):
        return s.small == 1


class Counter(NamedTuple):
    x: int
    y: int


class Grid(Spec):
    """x and y move by +1/-1 in 0..n: (n+1)^2 states, depth 2n+1."""

    def __init__(self, n: int = 3, limit: int | None = None) -> None:
        self.n = n
        self.limit = limit

    def parameters(self):
        return {"n": self.n}

    def init(self):
        yield Counter(0, 0)

    @action
    def move(self, s):
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            x, y = s.x + dx, s.y + dy
            if 0 <= x <= self.n and 0 <= y <= self.n:
                yield {"dx": dx, "dy": dy}, Counter(x, y)

    @invariant("x + y stays below 100")
    def small(self, s):
        return s.x + s.y < 100


class BoundedGrid(Grid):
    """Grid with TLC's CONSTRAINT x <= limit, and an invariant that only a constrained state breaks."""

    def constraint(self, s):
        return s.x <= 1

    @invariant("x never reaches 3")
    def x_below_3(self, s):
        return s.x < 3


class Stop(NamedTuple):
    n: int


class RunsDown(Spec):
    """Counts 3, 2, 1, 0 and then nothing is enabled: a deadlock at depth 4."""

    def init(self):
        yield Stop(3)

    @action
    def down(self, s):
        if s.n > 0:
            yield {}, Stop(s.n - 1)


class Stutters(RunsDown):
    """Like RunsDown, but at 0 an action leaves the state as it is: a stuttering step, not a deadlock."""

    @action
    def idle(self, s):
        if s.n == 0:
            yield {}, s


class Mirror(NamedTuple):
    a: int
    b: int


class Symmetric(Spec):
    """Two interchangeable counters in 0..2; symmetry folds (a, b) and (b, a)."""

    def init(self):
        yield Mirror(0, 0)

    @action
    def inc(self, s):
        if s.a < 2:
            yield {"which": "a"}, s._replace(a=s.a + 1)
        if s.b < 2:
            yield {"which": "b"}, s._replace(b=s.b + 1)

    def symmetry(self, s):
        return Mirror(*sorted(s))


class Clock(NamedTuple):
    now: int
    left: int


class Timed(Spec):
    """A view drops the clock: 'left' counts down in jumps of 10 s, the clock is only for display."""

    def init(self):
        yield Clock(0, 2)

    @action
    def tick(self, s):
        if s.left > 0:
            yield {"to": s.now + 10}, Clock(s.now + 10, s.left - 1)

    @action
    def reset(self, s):
        if s.left == 0:
            yield {}, Clock(s.now, 2)

    def view(self, s):
        return s.left

    def time_of(self, s):
        return s.now


class Rich(NamedTuple):
    flags: frozenset
    pairs: tuple
    big: int
    name: str
    ok: bool
    nested: Mirror


class Values(Spec):
    """States with every kind of ITF value: sets, sequences, big integers, strings, records."""

    def init(self):
        yield Rich(frozenset({"b", "a"}), ((1, "x"),), 2**60, "start", True, Mirror(1, 2))

    @action
    def grow(self, s):
        if len(s.pairs) < 3:
            yield (
                {"k": len(s.pairs)},
                s._replace(
                    flags=s.flags | {f"f{len(s.pairs)}"},
                    pairs=(*s.pairs, (len(s.pairs) + 1, "y")),
                    big=-s.big,
                    ok=not s.ok,
                    nested=Mirror(s.nested.b, s.nested.a),
                ),
            )

    @invariant("never more than three pairs")
    def at_most_3(self, s):
        return len(s.pairs) <= 3
