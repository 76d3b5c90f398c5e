"""Exact capacity answers with z3: the only module of ahvlab that imports z3.

Every query has a timeout; a query z3 cannot settle answers :class:`Unknown`,
never None. Queries on hashable inputs are memoised, so a model checker may ask
the same question in many states and pay for z3 once. Research code that builds
its own formulas (:mod:`ahvlab.model.capacity_research`) uses :func:`timed_solver`,
:func:`unknown_of` and the :data:`z3` namespace from here instead of importing z3.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import z3

from ahvlab.model.knapsack import is_feasible, packed_profit

DEFAULT_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Unknown:
    """z3 gave up (timeout, resource limit): the question stays open."""

    reason: str


@dataclass(frozen=True)
class Placed:
    """A packing of every item: ``assignment[j]`` is the bin of item ``j``."""

    assignment: tuple[int, ...]


@dataclass(frozen=True)
class NoPlacement:
    """Proof (unsat) that the items cannot all be packed."""


@dataclass(frozen=True)
class Optimum:
    """The proven optimum of a multiple knapsack problem and one assignment reaching it."""

    value: int
    assignment: tuple[int | None, ...]


PlaceAnswer = Placed | NoPlacement | Unknown
OptimumAnswer = Optimum | Unknown


@contextmanager
def timed_solver(timeout_ms: int) -> Iterator[z3.Solver]:
    """A fresh z3 solver whose every check gives up after ``timeout_ms``."""
    s = z3.Solver()
    s.set("timeout", int(timeout_ms))
    yield s


def unknown_of(s: z3.Solver | z3.Optimize) -> Unknown:
    """The typed answer of a check that returned ``unknown``, with z3's reason."""
    return Unknown(s.reason_unknown() or "unknown")


@lru_cache(maxsize=16384)
def place(
    items: tuple[int, ...],
    bins: tuple[int, ...],
    *,
    forbidden: tuple[int | None, ...] | None = None,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> PlaceAnswer:
    """Is there a packing of *every* item into the bins? ``forbidden[j]`` is a bin item ``j`` may not use."""
    n, m = len(items), len(bins)
    with timed_solver(timeout_ms) as s:
        x = [[z3.Bool(f"x_{j}_{i}") for i in range(m)] for j in range(n)]
        for j in range(n):
            allowed = [x[j][i] for i in range(m) if forbidden is None or forbidden[j] != i]
            if not allowed:
                return NoPlacement()
            s.add(z3.PbEq([(v, 1) for v in allowed], 1))
            s.add(*[z3.Not(x[j][i]) for i in range(m) if forbidden is not None and forbidden[j] == i])
        for i in range(m):
            weighted = [(x[j][i], items[j]) for j in range(n) if items[j] > 0]
            if weighted:
                s.add(z3.PbLe(weighted, bins[i]))
        # Equal bins are interchangeable (unless some are forbidden to some items): without this
        # an infeasible instance makes z3 try every permutation of the same packing.
        if forbidden is None:
            _break_bin_symmetry(s, x, bins)
        # Equal items (with the same forbidden bin) are interchangeable too: keep them in
        # non-decreasing bin order. Sound together with the rule above: see docs/capacity.md.
        for j in range(n - 1):
            if items[j] == items[j + 1] and (forbidden is None or forbidden[j] == forbidden[j + 1]):
                # as clauses: item j+1 in bin i implies item j in a bin <= i
                s.add(*[z3.Implies(x[j + 1][i], z3.Or(x[j][: i + 1])) for i in range(m)])
        got = s.check()
        if got == z3.unsat:
            return NoPlacement()
        if got == z3.unknown:
            return unknown_of(s)
        model = s.model()
        return Placed(tuple(next(i for i in range(m) if z3.is_true(model.eval(x[j][i]))) for j in range(n)))


@lru_cache(maxsize=4096)
def segments_exist(
    capacities: tuple[int, ...],
    vms: tuple[tuple[int, int], ...],
    *,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> PlaceAnswer:
    """The whole admission question in one query, without the per-failed-host split.

    ``vms`` holds ``(size, host)`` pairs (hosts 0-based). Is there a segment host for
    every VM, never its own, with ``used + reserve <= capacity`` on every host, the
    reserve being the largest segment total from any one other host? Used to check
    that the split into one packing per failed host gives the same answers.
    """
    n = len(capacities)
    with timed_solver(timeout_ms) as s:
        seg = [z3.Int(f"seg_{v}") for v in range(len(vms))]
        for v, (_, host) in enumerate(vms):
            s.add(seg[v] >= 0, seg[v] < n, seg[v] != host)
        for h in range(n):
            use = sum(size for size, host in vms if host == h)
            reserve = z3.Int(f"reserve_{h}")
            for g in range(n):
                if g != h:
                    terms = [z3.If(seg[v] == h, size, 0) for v, (size, host) in enumerate(vms) if host == g]
                    s.add(reserve >= z3.Sum(terms or [z3.IntVal(0)]))
            s.add(reserve >= 0, use + reserve <= capacities[h])
        got = s.check()
        if got == z3.unsat:
            return NoPlacement()
        if got == z3.unknown:
            return unknown_of(s)
        model = s.model()
        return Placed(tuple(int(model.eval(x, model_completion=True).as_long()) for x in seg))


def _break_bin_symmetry(s: z3.Solver, x: list[list[z3.BoolRef]], bins: tuple[int, ...]) -> None:
    # Only item 0 is pinned: whichever bin of a group of equal bins it uses, swapping that bin's
    # contents with the group's first bin gives a packing where it uses the first.
    if not x:
        return
    seen: dict[int, int] = {}
    for i, c in enumerate(bins):
        if c in seen:
            s.add(z3.Not(x[0][i]))
        else:
            seen[c] = i


@lru_cache(maxsize=4096)
def knapsack_optimum(
    profits: tuple[int, ...],
    weights: tuple[int, ...],
    capacities: tuple[int, ...],
    *,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> OptimumAnswer:
    """The exact optimum of the 0-1 multiple knapsack problem (z3 Optimize)."""
    n, m = len(weights), len(capacities)
    opt = z3.Optimize()
    opt.set("timeout", int(timeout_ms))
    x = [[z3.Bool(f"x_{j}_{i}") for i in range(m)] for j in range(n)]
    for j in range(n):
        if m:
            opt.add(z3.PbLe([(v, 1) for v in x[j]], 1))
    for i in range(m):
        weighted = [(x[j][i], weights[j]) for j in range(n) if weights[j] > 0]
        if weighted:
            opt.add(z3.PbLe(weighted, capacities[i]))
    # As weighted MaxSAT ("item j is packed", weight p_j): z3's MaxSAT engine solves these
    # instances many times faster than maximising an arithmetic sum of the same profits.
    for j in range(n):
        if profits[j] > 0 and m:
            opt.add_soft(z3.Or(x[j]), profits[j])
    got = opt.check()
    if got != z3.sat:
        return unknown_of(opt)
    model = opt.model()
    assignment = tuple(next((i for i in range(m) if z3.is_true(model.eval(x[j][i]))), None) for j in range(n))
    assert is_feasible(weights, capacities, assignment)
    value = packed_profit(profits, assignment)
    return Optimum(value, assignment)
