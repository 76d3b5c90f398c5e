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


NO_PARAMS: dict[str, Any] = {}
"""The actions take no parameters; one shared (never mutated) dict saves an allocation per successor."""

_new = tuple.__new__


class Counters(Spec):
    """x, y, z start at 0 and move by one within 0..n.

    Written for speed, as a benchmark spec should be (docs/spec-api.md, "Fast specs"):
    each action returns a tuple of successors (no generator), unpacks the state once,
    and builds ``Point`` with ``tuple.__new__`` (``s._replace`` goes through a dict
    and costs a third of the run; ``Point(...)`` costs a Python-level ``__new__``).
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
        x, y, z = s
        return ((NO_PARAMS, _new(Point, (x + 1, y, z))),) if x < self.n else ()

    @action(name="DecX")
    def dec_x(self, s: Point) -> Successors:
        x, y, z = s
        return ((NO_PARAMS, _new(Point, (x - 1, y, z))),) if x > 0 else ()

    @action(name="IncY")
    def inc_y(self, s: Point) -> Successors:
        x, y, z = s
        return ((NO_PARAMS, _new(Point, (x, y + 1, z))),) if y < self.n else ()

    @action(name="DecY")
    def dec_y(self, s: Point) -> Successors:
        x, y, z = s
        return ((NO_PARAMS, _new(Point, (x, y - 1, z))),) if y > 0 else ()

    @action(name="IncZ")
    def inc_z(self, s: Point) -> Successors:
        x, y, z = s
        return ((NO_PARAMS, _new(Point, (x, y, z + 1))),) if z < self.n else ()

    @action(name="DecZ")
    def dec_z(self, s: Point) -> Successors:
        x, y, z = s
        return ((NO_PARAMS, _new(Point, (x, y, z - 1))),) if z > 0 else ()

    @invariant("every counter stays within 0..N", name="TypeOK")
    def type_ok(self, s: Point) -> bool:
        n = self.n
        x, y, z = s
        return 0 <= x <= n and 0 <= y <= n and 0 <= z <= n
