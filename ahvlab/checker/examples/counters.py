"""Counters: three counters x, y, z in 0..N, each stepped up or down by one.

Not from the TLA+ examples: a spec with a big, regular state space, (N+1)^3
states (1,030,301 for N = 100) and depth 3N + 1, to compare the raw speed of
the engine with TLC's (``bench/vs_tlc.py``; the TLA+ is ``bench/specs/Counters.tla``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ahvlab.checker.examples._params import whole
from ahvlab.checker.spec import Spec, Successors, action, invariant


class Point(NamedTuple):
    """A state: the three counters."""

    x: int
    y: int
    z: int


class Counters(Spec):
    """x, y, z start at 0 and move by one within 0..n.

    Successors are built as ``Point(x, y, z)`` rather than ``s._replace(x=...)``:
    ``_replace`` goes through a dict and costs a third of the run on this spec.
    """

    State = Point

    def __init__(self, n: int = 100) -> None:
        self.n = whole("n", n, 0)

    def parameters(self) -> dict[str, Any]:
        return {"n": self.n}

    def init(self) -> Iterator[Point]:
        yield Point(0, 0, 0)

    @action(name="IncX")
    def inc_x(self, s: Point) -> Successors:
        if s.x < self.n:
            yield {}, Point(s.x + 1, s.y, s.z)

    @action(name="DecX")
    def dec_x(self, s: Point) -> Successors:
        if s.x > 0:
            yield {}, Point(s.x - 1, s.y, s.z)

    @action(name="IncY")
    def inc_y(self, s: Point) -> Successors:
        if s.y < self.n:
            yield {}, Point(s.x, s.y + 1, s.z)

    @action(name="DecY")
    def dec_y(self, s: Point) -> Successors:
        if s.y > 0:
            yield {}, Point(s.x, s.y - 1, s.z)

    @action(name="IncZ")
    def inc_z(self, s: Point) -> Successors:
        if s.z < self.n:
            yield {}, Point(s.x, s.y, s.z + 1)

    @action(name="DecZ")
    def dec_z(self, s: Point) -> Successors:
        if s.z > 0:
            yield {}, Point(s.x, s.y, s.z - 1)

    @invariant("every counter stays within 0..N", name="TypeOK")
    def type_ok(self, s: Point) -> bool:
        n = self.n
        return 0 <= s.x <= n and 0 <= s.y <= n and 0 <= s.z <= n
