"""Exact capacity answers with z3: the only module of ahvlab that imports z3.

Every query has a timeout; a query z3 cannot settle answers :class:`Unknown`,
never None. Queries on hashable inputs are memoised, so a model checker may ask
the same question in many states and pay for z3 once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import z3

from ahvlab.model.capacity import RESERVE_RULES, ReserveRule, is_feasible, mthm, packed_profit

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


@dataclass(frozen=True)
class Proved:
    """The claim holds for every instance in the stated bounds."""

    claim: str


@dataclass(frozen=True)
class CounterExample:
    """An instance where the claim fails, in plain Python values (hosts numbered from 1)."""

    claim: str
    capacities: tuple[int, ...]
    vms: tuple[tuple[int, int, int], ...]
    """``(size, host, segment host)`` per VM."""
    failed_host: int


PlaceAnswer = Placed | NoPlacement | Unknown
OptimumAnswer = Optimum | Unknown
ProofAnswer = Proved | CounterExample | Unknown


@contextmanager
def _solver(timeout_ms: int) -> Iterator[z3.Solver]:
    s = z3.Solver()
    s.set("timeout", int(timeout_ms))
    yield s


def _unknown(s: z3.Solver | z3.Optimize) -> Unknown:
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
    with _solver(timeout_ms) as s:
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
            return _unknown(s)
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
    with _solver(timeout_ms) as s:
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
            return _unknown(s)
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
        return _unknown(opt)
    model = opt.model()
    assignment = tuple(next((i for i in range(m) if z3.is_true(model.eval(x[j][i]))), None) for j in range(n))
    assert is_feasible(weights, capacities, assignment)
    value = packed_profit(profits, assignment)
    return Optimum(value, assignment)


# -- proofs over symbolic instances ------------------------------------------


def prove_rule_protects(
    hosts: int, vms: int, *, rule: ReserveRule = "max_per_host", timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> ProofAnswer:
    """Prove that "admitted by the rule" implies "every single-host failure can be restarted".

    Sizes, capacities, the VMs' hosts and their segment hosts are all symbolic:
    the claim covers every instance with exactly ``hosts`` hosts and ``vms`` VMs
    (a VM of size 0 stands for a missing one, so fewer VMs are covered too).
    """
    claim = f"{rule}: admitted => restartable ({hosts} hosts, {vms} VMs)"
    if rule not in RESERVE_RULES:
        raise ValueError(f"unknown reserve rule {rule!r}")
    s = z3.Solver()
    s.set("timeout", int(timeout_ms))
    cap = [z3.Int(f"cap_{h}") for h in range(hosts)]
    size = [z3.Int(f"size_{v}") for v in range(vms)]
    on = [z3.Int(f"host_{v}") for v in range(vms)]
    seg = [z3.Int(f"seg_{v}") for v in range(vms)]
    for h in range(hosts):
        s.add(cap[h] >= 0)
    for v in range(vms):
        s.add(size[v] >= 0, on[v] >= 0, on[v] < hosts, seg[v] >= 0, seg[v] < hosts, seg[v] != on[v])

    def used(h: int) -> z3.ArithRef:
        return z3.Sum([z3.If(on[v] == h, size[v], 0) for v in range(vms)] or [z3.IntVal(0)])

    def from_host(g: int, h: int) -> z3.ArithRef:
        terms = [z3.If(z3.And(on[v] == g, seg[v] == h), size[v], 0) for v in range(vms)]
        return z3.Sum(terms or [z3.IntVal(0)])

    for h in range(hosts):
        reserve = z3.Int(f"reserve_{h}")
        if rule == "max_per_host":
            parts = [from_host(g, h) for g in range(hosts) if g != h]
        elif rule == "sum":
            parts = [z3.Sum([from_host(g, h) for g in range(hosts) if g != h] or [z3.IntVal(0)])]
        else:
            parts = [z3.If(seg[v] == h, size[v], 0) for v in range(vms)]
        # reserve is the maximum of the parts: at least each of them, equal to one of them.
        s.add(reserve >= 0, *[reserve >= x for x in parts])
        s.add(z3.Or([reserve == x for x in parts] + [reserve == 0]))
        s.add(used(h) + reserve <= cap[h])
    failed = z3.Int("failed")
    s.add(failed >= 0, failed < hosts)
    # Negated claim: after host `failed` dies and its VMs move to their segments, some survivor overflows.
    overflow = [
        z3.And(failed == g, used(h) + from_host(g, h) > cap[h]) for g in range(hosts) for h in range(hosts) if h != g
    ]
    s.add(z3.Or(overflow) if overflow else z3.BoolVal(False))
    got = s.check()
    if got == z3.unsat:
        return Proved(claim)
    if got == z3.unknown:
        return _unknown(s)
    mdl = s.model()

    def val(e: z3.ExprRef) -> int:
        return int(mdl.eval(e, model_completion=True).as_long())

    return CounterExample(
        claim,
        tuple(val(c) for c in cap),
        tuple((val(size[v]), val(on[v]) + 1, val(seg[v]) + 1) for v in range(vms)),
        val(failed) + 1,
    )


def prove_up_to(
    max_hosts: int = 4, max_vms: int = 6, *, rule: ReserveRule = "max_per_host", timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> ProofAnswer:
    """:func:`prove_rule_protects` for 2..max_hosts hosts and 1..max_vms VMs; the smallest counterexample first."""
    for vms in range(1, max_vms + 1):
        for hosts in range(2, max_hosts + 1):
            got = prove_rule_protects(hosts, vms, rule=rule, timeout_ms=timeout_ms)
            if not isinstance(got, Proved):
                return got
    return Proved(f"{rule}: admitted => restartable (2..{max_hosts} hosts, 1..{max_vms} VMs)")


# -- where MTHM refuses a start that has a placement --------------------------


@dataclass(frozen=True)
class Miss:
    """An instance where MTHM leaves an item out although z3 packs every item."""

    items: tuple[int, ...]
    bins: tuple[int, ...]
    mthm: tuple[int | None, ...]
    exact: tuple[int, ...]


def find_mthm_miss(
    max_items: int = 6, max_bins: int = 3, max_size: int = 10, *, timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> Miss | None:
    """Search small instances, smallest first, for one MTHM cannot pack fully but z3 can.

    Items are sizes (profit = weight, as in admission); bins are the free
    capacities of the surviving hosts. Only instances that pass the cheap
    necessary checks (total and largest item) are sent to z3.
    """
    for n_items in range(2, max_items + 1):
        for n_bins in range(2, max_bins + 1):
            for bins in itertools.combinations_with_replacement(range(1, max_size + 1), n_bins):
                room = sum(bins)
                for items in itertools.combinations_with_replacement(range(max(bins), 0, -1), n_items):
                    if sum(items) > room:
                        continue
                    got = mthm(list(items), list(items), list(bins))
                    if all(a is not None for a in got):
                        continue
                    answer = place(tuple(items), tuple(bins), timeout_ms=timeout_ms)
                    if isinstance(answer, Placed):
                        return Miss(tuple(items), tuple(bins), tuple(got), answer.assignment)
    return None


def mthm_gap(profits: Sequence[int], weights: Sequence[int], capacities: Sequence[int]) -> float | Unknown:
    """MTHM's relative gap to the optimum, ``(opt - mthm) / opt`` (0.0 when the optimum is 0)."""
    best = knapsack_optimum(tuple(profits), tuple(weights), tuple(capacities))
    if isinstance(best, Unknown):
        return best
    got = packed_profit(profits, mthm(profits, weights, capacities))
    return 0.0 if best.value == 0 else (best.value - got) / best.value
