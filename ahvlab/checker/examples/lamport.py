"""LamportMutex: Lamport's distributed mutual exclusion (1978), as Stephan Merz's TLA+ of tlaplus/Examples.

N processes with logical clocks exchange ``req``, ``ack`` and ``rel`` messages over
FIFO channels; a process enters its critical section once every other process has
acknowledged its request and no earlier request (by clock, then by process number)
is pending. With N = 3, MaxNat = 7 and the constraint ``clock[p] <= 6``
(MCLamportMutex.cfg) TLC finds 724,274 distinct states, 2,729,079 generated, depth 61.

Written from the algorithm, for speed (``bench/vs_tlc.py`` compares it with TLC):
channels are tuples of ``(type, clock)`` pairs, one per ordered pair of processes.
Processes are numbered 1..N in parameters and from 0 in the state. The actions
declare per-process footprints; the spec's CONSTRAINT turns partial-order reduction
off (:func:`ahvlab.checker.engine.reducer_for`), and so would the type invariant,
which reads everything.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ahvlab.checker.examples._params import whole
from ahvlab.checker.spec import Spec, Successors, action, invariant

Msg = tuple[str, int]
ACK: Msg = ("ack", 0)
REL: Msg = ("rel", 0)


class LState(NamedTuple):
    """clock[p]; req[p][q]: the clock of q's request as p knows it (0: none); ack[p]; net[p][q]: channel p -> q."""

    clock: tuple[int, ...]
    req: tuple[tuple[int, ...], ...]
    ack: tuple[frozenset[int], ...]
    net: tuple[tuple[tuple[Msg, ...], ...], ...]
    crit: frozenset[int]


def _set(t: tuple[Any, ...], i: int, v: Any) -> tuple[Any, ...]:
    return (*t[:i], v, *t[i + 1 :])


class LamportMutex(Spec):
    """Lamport's mutual exclusion over FIFO channels, bounded by ``max_clock``."""

    State = LState

    def __init__(self, n: int = 3, max_clock: int = 6, max_nat: int = 7) -> None:
        self.n = whole("n", n, 1)
        self.max_clock = whole("max_clock", max_clock, 1)
        self.max_nat = whole("max_nat", max_nat, 1)
        self.procs = tuple(range(self.n))
        self.everyone = frozenset(self.procs)

    def parameters(self) -> dict[str, Any]:
        return {"n": self.n, "max_clock": self.max_clock, "max_nat": self.max_nat}

    def init(self) -> Iterator[LState]:
        n = self.n
        yield LState((1,) * n, ((0,) * n,) * n, (frozenset(),) * n, (((),) * n,) * n, frozenset())

    def constraint(self, s: LState) -> bool:
        """ClockConstraint: every clock stays within max_clock."""
        mc = self.max_clock
        return all(c <= mc for c in s.clock)

    def _broadcast(self, s: LState, p: int, m: Msg) -> tuple[tuple[tuple[Msg, ...], ...], ...]:
        row = tuple(ch if q == p else (*ch, m) for q, ch in enumerate(s.net[p]))
        return _set(s.net, p, row)

    @action(name="Request", reads=["req[p]", "clock[p]"], writes=["req[p]", "out[p]", "ack[p]"])
    def request(self, s: LState) -> Successors:
        out = []
        for p in self.procs:
            if s.req[p][p] == 0:
                req = _set(s.req, p, _set(s.req[p], p, s.clock[p]))
                t = LState(
                    s.clock, req, _set(s.ack, p, frozenset((p,))), self._broadcast(s, p, ("req", s.clock[p])), s.crit
                )
                out.append(({"p": p + 1}, t))
        return out

    def _beats(self, s: LState, p: int, q: int) -> bool:
        rq = s.req[p][q]
        mine = s.req[p][p]
        return rq == 0 or mine < rq or (mine == rq and p < q)

    @action(name="Enter", reads=["ack[p]", "req[p]", "crit[p]"], writes=["crit[p]"])
    def enter(self, s: LState) -> Successors:
        out = []
        for p in self.procs:
            if s.ack[p] == self.everyone and all(self._beats(s, p, q) for q in self.procs if q != p):
                out.append(({"p": p + 1}, s._replace(crit=s.crit | {p})))
        return out

    @action(name="Exit", reads=["crit[p]"], writes=["crit[p]", "out[p]", "req[p]", "ack[p]"])
    def exit(self, s: LState) -> Successors:
        out = []
        for p in self.procs:
            if p in s.crit:
                req = _set(s.req, p, _set(s.req[p], p, 0))
                t = LState(s.clock, req, _set(s.ack, p, frozenset()), self._broadcast(s, p, REL), s.crit - {p})
                out.append(({"p": p + 1}, t))
        return out

    def _heads(self, s: LState, kind: str) -> Iterator[tuple[int, int, int]]:
        """(p, q, clock) for every channel q -> p whose first message has this type."""
        for q, row in enumerate(s.net):
            for p, ch in enumerate(row):
                if ch and ch[0][0] == kind:
                    yield p, q, ch[0][1]

    @action(
        name="ReceiveRequest",
        reads=["out[q]", "out[p]", "clock[p]", "req[p]"],
        writes=["out[q]", "out[p]", "clock[p]", "req[p]"],
    )
    def receive_request(self, s: LState) -> Successors:
        out = []
        for p, q, c in self._heads(s, "req"):
            net = s.net
            net = _set(net, q, _set(net[q], p, net[q][p][1:]))
            net = _set(net, p, _set(net[p], q, (*net[p][q], ACK)))
            clock = _set(s.clock, p, c + 1 if c > s.clock[p] else s.clock[p] + 1)
            t = LState(clock, _set(s.req, p, _set(s.req[p], q, c)), s.ack, net, s.crit)
            out.append(({"p": p + 1, "q": q + 1}, t))
        return out

    @action(name="ReceiveAck", reads=["out[q]", "ack[p]"], writes=["out[q]", "ack[p]"])
    def receive_ack(self, s: LState) -> Successors:
        out = []
        for p, q, _c in self._heads(s, "ack"):
            net = _set(s.net, q, _set(s.net[q], p, s.net[q][p][1:]))
            out.append(({"p": p + 1, "q": q + 1}, LState(s.clock, s.req, _set(s.ack, p, s.ack[p] | {q}), net, s.crit)))
        return out

    @action(name="ReceiveRelease", reads=["out[q]", "req[p]"], writes=["out[q]", "req[p]"])
    def receive_release(self, s: LState) -> Successors:
        out = []
        for p, q, _c in self._heads(s, "rel"):
            net = _set(s.net, q, _set(s.net[q], p, s.net[q][p][1:]))
            req = _set(s.req, p, _set(s.req[p], q, 0))
            out.append(({"p": p + 1, "q": q + 1}, LState(s.clock, req, s.ack, net, s.crit)))
        return out

    @invariant("the variables keep their types (clocks and requests within 0..MaxNat)", name="TypeOK")
    def type_ok(self, s: LState) -> bool:
        top = self.max_nat
        return (
            all(1 <= c <= top for c in s.clock)
            and all(0 <= r <= top for row in s.req for r in row)
            and all(a <= self.everyone for a in s.ack)
            and all(m[0] != "req" or 1 <= m[1] <= top for row in s.net for ch in row for m in ch)
            and s.crit <= self.everyone
        )

    @invariant("no channel holds more than three messages", name="BoundedNetwork")
    def bounded_network(self, s: LState) -> bool:
        return all(len(ch) <= 3 for row in s.net for ch in row)

    @invariant("at most one process is in its critical section", name="Mutex", reads=["crit"])
    def mutex(self, s: LState) -> bool:
        return len(s.crit) <= 1
