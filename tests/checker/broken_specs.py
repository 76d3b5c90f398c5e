"""Specs whose hooks go wrong in every way a user's can: each must end as one spec error line, exit 150.

A violation found before a hook fails (``FormatFails``, ``TimeFails``) is still printed.
Also usable from a subprocess as ``tests.checker.broken_specs:ClassName``.
"""

from __future__ import annotations

import sys
from typing import NamedTuple

from ahvlab.checker import Spec, action, eventually, invariant


class S(NamedTuple):
    x: int


class _Base(Spec):
    def init(self):
        yield S(0)

    @action
    def step(self, s):
        if s.x < 3:
            yield {}, S(s.x + 1)


class InitRaises(_Base):
    def init(self):
        raise RuntimeError("no initial state today")


class InitNotIterable(_Base):
    def init(self):
        return 7


class ConstraintRaises(_Base):
    def constraint(self, s):
        return 1 / (2 - s.x) > 0


class ViewList(_Base):
    def view(self, s):
        return [s.x]


class ViewListLater(_Base):
    def view(self, s):
        return (s.x,) if s.x < 2 else [s.x]


class ReturnsNone(_Base):
    @action
    def step(self, s):
        return None


class ReturnsInt(_Base):
    @action
    def step(self, s):
        return 5


class ReturnsNoneLater(_Base):
    @action
    def step(self, s):
        if s.x < 2:
            return [({}, S(s.x + 1))]
        return None


class Recurses(_Base):
    @action
    def step(self, s):
        yield from self.step(s)


class ExitsInAction(_Base):
    @action
    def step(self, s):
        if s.x == 1:
            sys.exit(5)
        yield {}, S(s.x + 1)


class InvariantRaises(_Base):
    @invariant("x is small")
    def small(self, s):
        return {"a": 1}[s.x] if s.x else True


class _Violates(_Base):
    @invariant("x never reaches 2")
    def below_2(self, s):
        return s.x < 2


class FormatFails(_Violates):
    def format_state(self, s):
        raise KeyError("no such field")


class StepFormatFails(_Violates):
    def format_step(self, action, params):
        raise ValueError("cannot name [/vm] that step")


class TimeFails(_Violates):
    def time_of(self, s):
        raise ZeroDivisionError("clock broke")


class Picky(_Base):
    def __init__(self, n: int = 1) -> None:
        if n < 0:
            raise ValueError("n must not be negative")
        self.n = n


class Marked(_Violates):
    """A spec whose names and values are Rich markup and emoji codes: all printed literally."""

    @property
    def name(self):
        return "[bold]Marked[/] :smile:"

    def format_step(self, action, params):
        return f"[/vm] {action} [login] :smile: file.toml:100:"


class Hungry(_Base):
    @action
    def step(self, s):
        if s.x == 2:
            raise MemoryError
        yield {}, S(s.x + 1)


class Settles(_Base):
    """A temporal property that holds: the liveness phase runs after the search."""

    @action(fair="weak")
    def step(self, s):
        if s.x < 3:
            yield {}, S(s.x + 1)

    @eventually("x reaches 3")
    def reaches_3(self, s):
        return s.x == 3


class Two(_Base):
    @invariant("x is at most 3")
    def at_most_3(self, s):
        return s.x <= 3

    @invariant("x is not negative")
    def not_negative(self, s):
        return s.x >= 0
