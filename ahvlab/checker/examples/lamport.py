"""LamportMutex: Lamport's distributed mutual exclusion (1978), as Stephan Merz's TLA+ of tlaplus/Examples.

N processes with logical clocks exchange ``req``, ``ack`` and ``rel`` messages over
FIFO channels; a process enters its critical section once every other process has
acknowledged its request and no earlier request (by clock, then by process number)
is pending. With N = 3, MaxNat = 7 and the constraint ``clock[p] <= 6``
(MCLamportMutex.cfg) TLC finds 724,274 distinct states, 2,729,079 generated, depth 61.

Written from the algorithm, for speed (``bench/vs_tlc.py`` compares it with TLC): a
state is one flat tuple of small ints (a channel is a tuple of them), built with one
list copy per step, cheap to hash. :meth:`LamportMutex.format_state` shows it as TLA+'s five
variables (``clock``, ``req``, ``ack``, ``network``, ``crit``; a message as
``("req", clock)``, ``("ack", 0)`` or ``("rel", 0)``), so traces read like TLC's.
Processes are numbered 1..N in parameters and from 0 in the state. The actions
declare per-process footprints; the spec's CONSTRAINT turns partial-order reduction
off (:func:`ahvlab.checker.engine.reducer_for`), and so would the type invariant,
which reads everything.

The layout, for ``n`` processes: ``clock[p]`` at ``p``; ``req[p][q]`` (the clock of
q's request as p knows it, 0: none) at ``n + p*n + q``; ``ack[p]`` (a bit per process)
at ``n + n*n + p``; the channel from p to q (a tuple of messages, the first first) at
``2n + n*n + p*n + q``; ``crit`` (a bit per process) last. A message is the request's
clock (1 or more), ``ACK`` (0) or ``REL`` (-1).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ahvlab.checker.examples._params import whole
from ahvlab.checker.spec import Spec, Successors, action, invariant

LState = tuple[Any, ...]
"""clock, req, ack, channels, crit, flattened (see the module's docstring)."""
ACK = 0
REL = -1
"""-1, not -2: ``hash(-1) == hash(-2)``, and -2 never occurs."""


def _message(m: int) -> tuple[str, int]:
    return ("req", m) if m > 0 else ("ack", 0) if m == ACK else ("rel", 0)


class LamportMutex(Spec):
    """Lamport's mutual exclusion over FIFO channels, bounded by ``max_clock``."""

    def __init__(self, n: int = 3, max_clock: int = 6, max_nat: int = 7) -> None:
        self.n = whole("n", n, 1)
        self.max_clock = whole("max_clock", max_clock, 1)
        self.max_nat = whole("max_nat", max_nat, 1)
        n = self.n
        self.procs = tuple(range(n))
        self.everyone = (1 << n) - 1
        self.REQ, self.ACK, self.NET = n, n + n * n, 2 * n + n * n
        self.CRIT = 2 * n + 2 * n * n
        net = self.NET
        # Per process p: its own request's slot, its ack slot, the channels it sends on (to q), the
        # channels it receives on (from q) with the slot of q's request in its table and of the channel back.
        self.own = tuple(n + p * n + p for p in self.procs)
        self.outs = tuple(tuple(net + p * n + q for q in self.procs if q != p) for p in self.procs)
        self.into = tuple(
            (p, q, net + q * n + p, n + p * n + q, net + p * n + q) for q in self.procs for p in self.procs if p != q
        )
        # The slices of the state and the value sets the constraint and invariants test them against
        # (``frozenset.issuperset`` runs in C: a third of the time of min/max over the slices).
        self._clocks, self._reqs = slice(0, n), slice(self.REQ, self.ACK)
        self._acks, self._channels = slice(self.ACK, self.NET), slice(self.NET, self.CRIT)
        top = self.max_nat
        self._bounded_clocks = frozenset(range(1, self.max_clock + 1))
        self._clock_values = frozenset(range(1, top + 1))
        self._req_values = frozenset(range(top + 1))
        self._set_values = frozenset(range(self.everyone + 1))
        self._messages = frozenset(range(REL, top + 1))
        """A request's clock (1..MaxNat), ACK or REL."""
        self._lengths = frozenset(range(4))
        self._last: LState | None = None
        self._arrived: list[tuple[int, int, int, int, int, int]] = []

    def parameters(self) -> dict[str, Any]:
        return {"n": self.n, "max_clock": self.max_clock, "max_nat": self.max_nat}

    def init(self) -> Iterator[LState]:
        n = self.n
        yield (1,) * n + (0,) * (n * n) + (0,) * n + ((),) * (n * n) + (0,)

    def format_state(self, state: Any) -> dict[str, Any]:
        """TLA+'s variables: ``req[p][q]``, ``ack[p]`` and ``crit`` as sets, ``network[p][q]`` the channel p -> q."""
        n, s = self.n, state
        ps = self.procs
        return {
            "clock": tuple(s[:n]),
            "req": tuple(tuple(s[self.REQ + p * n : self.REQ + p * n + n]) for p in ps),
            "ack": tuple(frozenset(q for q in ps if s[self.ACK + p] >> q & 1) for p in ps),
            "network": tuple(tuple(tuple(_message(m) for m in s[self.NET + p * n + q]) for q in ps) for p in ps),
            "crit": frozenset(p for p in ps if s[self.CRIT] >> p & 1),
        }

    def constraint(self, s: LState) -> bool:
        """ClockConstraint: every clock stays within max_clock (clocks start at 1 and only grow)."""
        return self._bounded_clocks.issuperset(s[self._clocks])

    @action(name="Request", reads=["req[p]", "clock[p]"], writes=["req[p]", "out[p]", "ack[p]"])
    def request(self, s: LState) -> Successors:
        out = []
        for p in self.procs:
            mine = self.own[p]
            if s[mine] == 0:
                c = s[p]
                t = list(s)
                t[mine] = c
                t[self.ACK + p] = 1 << p
                for k in self.outs[p]:
                    t[k] = (*t[k], c)
                out.append(({"p": p + 1}, tuple(t)))
        return out

    def _beats(self, s: LState, p: int) -> bool:
        """Every other process's request in p's table is later than p's own (or absent)."""
        n = self.n
        base = self.REQ + p * n
        mine = s[base + p]
        for q in self.procs:
            if q != p:
                rq = s[base + q]
                if not (rq == 0 or mine < rq or (mine == rq and p < q)):
                    return False
        return True

    @action(name="Enter", reads=["ack[p]", "req[p]", "crit[p]"], writes=["crit[p]"])
    def enter(self, s: LState) -> Successors:
        out = []
        everyone, acks, crit = self.everyone, self.ACK, self.CRIT
        for p in self.procs:
            if s[acks + p] == everyone and self._beats(s, p):
                out.append(({"p": p + 1}, (*s[:crit], s[crit] | 1 << p)))
        return out

    @action(name="Exit", reads=["crit[p]"], writes=["crit[p]", "out[p]", "req[p]", "ack[p]"])
    def exit(self, s: LState) -> Successors:
        out = []
        crit = self.CRIT
        for p in self.procs:
            if s[crit] >> p & 1:
                t = list(s)
                t[self.own[p]] = 0
                t[self.ACK + p] = 0
                for k in self.outs[p]:
                    t[k] = (*t[k], REL)
                t[crit] = s[crit] & ~(1 << p)
                out.append(({"p": p + 1}, tuple(t)))
        return out

    def _arrivals(self, s: LState) -> list[tuple[int, int, int, int, int, int]]:
        """(p, q, channel q -> p, slot of req[p][q], channel p -> q, first message) of each non-empty channel
        into a process; the three receive actions ask in turn about one state, so the last answer is kept."""
        if s is not self._last:
            self._last = s
            self._arrived = [(p, q, k, r, back, s[k][0]) for p, q, k, r, back in self.into if s[k]]
        return self._arrived

    @action(
        name="ReceiveRequest",
        reads=["out[q]", "out[p]", "clock[p]", "req[p]"],
        writes=["out[q]", "out[p]", "clock[p]", "req[p]"],
    )
    def receive_request(self, s: LState) -> Successors:
        out = []
        for p, q, k, r, back, c in self._arrivals(s):
            if c > 0:
                t = list(s)
                t[k] = s[k][1:]
                t[back] = (*s[back], ACK)
                t[p] = c + 1 if c > s[p] else s[p] + 1
                t[r] = c
                out.append(({"p": p + 1, "q": q + 1}, tuple(t)))
        return out

    @action(name="ReceiveAck", reads=["out[q]", "ack[p]"], writes=["out[q]", "ack[p]"])
    def receive_ack(self, s: LState) -> Successors:
        out = []
        for p, q, k, _r, _back, m in self._arrivals(s):
            if m == ACK:
                t = list(s)
                t[k] = s[k][1:]
                t[self.ACK + p] |= 1 << q
                out.append(({"p": p + 1, "q": q + 1}, tuple(t)))
        return out

    @action(name="ReceiveRelease", reads=["out[q]", "req[p]"], writes=["out[q]", "req[p]"])
    def receive_release(self, s: LState) -> Successors:
        out = []
        for p, q, k, r, _back, m in self._arrivals(s):
            if m == REL:
                t = list(s)
                t[k] = s[k][1:]
                t[r] = 0
                out.append(({"p": p + 1, "q": q + 1}, tuple(t)))
        return out

    @invariant("the variables keep their types (clocks and requests within 0..MaxNat)", name="TypeOK")
    def type_ok(self, s: LState) -> bool:
        return (
            self._clock_values.issuperset(s[self._clocks])
            and self._req_values.issuperset(s[self._reqs])
            and self._set_values.issuperset(s[self._acks])
            and self._messages.issuperset(sum(s[self._channels], ()))
            and s[self.CRIT] in self._set_values
        )

    @invariant("no channel holds more than three messages", name="BoundedNetwork")
    def bounded_network(self, s: LState) -> bool:
        return self._lengths.issuperset(map(len, s[self._channels]))

    @invariant("at most one process is in its critical section", name="Mutex", reads=["crit"])
    def mutex(self, s: LState) -> bool:
        c: int = s[self.CRIT]
        return c & (c - 1) == 0
