"""Small specs for the tests of output files: ITF values, graph export, JUnit."""

from __future__ import annotations

from typing import NamedTuple

from ahvlab.checker import Spec, action, invariant, sometimes

NAMES = frozenset({"alpha", "bravo", "charlie", "delta"})


class Scaled(Spec):
    """A constant that is a float: a trace of it must replay with the very same float."""

    def __init__(self, rate: float = 0.25) -> None:
        self.rate = rate

    def parameters(self):
        return {"rate": self.rate}

    def init(self):
        yield (0.0,)

    @action
    def grow(self, s):
        if s[0] < 1:
            yield {"by": self.rate}, (s[0] + self.rate,)

    @invariant("the level stays below 0.75")
    def below(self, s):
        return s[0] < 0.75


class Lamps(Spec):
    """Three lamps, each on or off: booleans that must not be read back from 1s and 0s."""

    def init(self):
        yield (False, False, False)

    @action
    def switch(self, s):
        for i in range(3):
            yield {"lamp": i}, (*s[:i], not s[i], *s[i + 1 :])

    @invariant("never all three on")
    def not_all_on(self, s):
        return not all(s)


class Bag(NamedTuple):
    names: frozenset[str]


class Collect(Spec):
    """Collects names from a frozenset: its successors come in string-hash order, which differs per run."""

    def init(self):
        yield Bag(frozenset())

    @action
    def take(self, s):
        for name in NAMES - s.names:
            yield {"name": name}, Bag(s.names | {name})

    @action
    def drop(self, s):
        for name in s.names:
            yield {"name": name}, Bag(s.names - {name})

    @invariant("at most four names")
    def bounded(self, s):
        return len(s.names) <= 4


class TwoWays(Spec):
    """Two actions take 0 to 1: two edges of the state graph between the same states."""

    def init(self):
        yield 0

    @action
    def walk(self, s):
        if s == 0:
            yield {}, 1

    @action
    def run(self, s):
        if s == 0:
            yield {}, 1

    @action
    def back(self, s):
        if s == 1:
            yield {}, 0

    @invariant("0 or 1")
    def small(self, s):
        return s in (0, 1)

    @sometimes("the walker reaches 2 (it never does)")
    def reaches_2(self, s):
        return s == 2
