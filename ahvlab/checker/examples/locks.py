"""TwoLocks: two processes that take two locks in opposite orders, the textbook deadlock.

Process A takes lock 1 then lock 2; process B takes lock 2 then lock 1. Once
each holds its first lock, neither can move: BFS reports the deadlock after
two steps. With ``ordered=True`` both take lock 1 first and there is none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ahvlab.checker.spec import Spec, Successors, action, invariant

FREE = "free"
PROCS = ("A", "B")


class TwoLocks(Spec):
    """``pc`` is (A's, B's) label: ``idle``, ``first`` (holds its first lock) or ``critical`` (holds both)."""

    class State(NamedTuple):
        pc: tuple[str, str]
        lock1: str
        lock2: str

    def __init__(self, ordered: bool = False) -> None:
        self.ordered = ordered
        # The locks each process takes, first then second.
        self.order = {"A": ("lock1", "lock2"), "B": ("lock1", "lock2") if ordered else ("lock2", "lock1")}

    def parameters(self) -> dict[str, Any]:
        return {"ordered": self.ordered}

    def init(self) -> Iterator[State]:
        yield self.State(pc=("idle", "idle"), lock1=FREE, lock2=FREE)

    def _pc(self, s: State, i: int, label: str) -> tuple[str, str]:
        return (label, s.pc[1]) if i == 0 else (s.pc[0], label)

    @action(name="AcquireFirst")
    def acquire_first(self, s: State) -> Successors:
        for i, p in enumerate(PROCS):
            lock = self.order[p][0]
            if s.pc[i] == "idle" and getattr(s, lock) == FREE:
                yield {"p": p}, s._replace(pc=self._pc(s, i, "first"), **{lock: p})

    @action(name="AcquireSecond")
    def acquire_second(self, s: State) -> Successors:
        for i, p in enumerate(PROCS):
            lock = self.order[p][1]
            if s.pc[i] == "first" and getattr(s, lock) == FREE:
                yield {"p": p}, s._replace(pc=self._pc(s, i, "critical"), **{lock: p})

    @action(name="Release")
    def release(self, s: State) -> Successors:
        for i, p in enumerate(PROCS):
            if s.pc[i] == "critical":
                yield {"p": p}, self.State(pc=self._pc(s, i, "idle"), lock1=FREE, lock2=FREE)

    @invariant("at most one process is in its critical section", name="MutualExclusion")
    def mutual_exclusion(self, s: State) -> bool:
        return s.pc != ("critical", "critical")
