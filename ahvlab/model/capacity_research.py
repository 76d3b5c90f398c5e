"""Research on the capacity rules, outside the model: proofs over symbolic clusters, MTHM's misses and gaps.

Nothing in the model imports this module; tests, docs and ``bench/capacity.py`` do.
z3 is reached through :mod:`ahvlab.model.solver`'s primitives (a solver with a
timeout, the typed unknown and the z3 namespace), so that module stays the only
importer of z3.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ahvlab.model import solver
from ahvlab.model.capacity import RESERVE_RULES, ReserveRule
from ahvlab.model.knapsack import mthm, packed_profit
from ahvlab.model.solver import DEFAULT_TIMEOUT_MS, Placed, Unknown

z3 = solver.z3


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


ProofAnswer = Proved | CounterExample | Unknown


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
    with solver.timed_solver(timeout_ms) as s:
        cap = [z3.Int(f"cap_{h}") for h in range(hosts)]
        size = [z3.Int(f"size_{v}") for v in range(vms)]
        on = [z3.Int(f"host_{v}") for v in range(vms)]
        seg = [z3.Int(f"seg_{v}") for v in range(vms)]
        for h in range(hosts):
            s.add(cap[h] >= 0)
        for v in range(vms):
            s.add(size[v] >= 0, on[v] >= 0, on[v] < hosts, seg[v] >= 0, seg[v] < hosts, seg[v] != on[v])

        def used(h: int) -> Any:
            return z3.Sum([z3.If(on[v] == h, size[v], 0) for v in range(vms)] or [z3.IntVal(0)])

        def from_host(g: int, h: int) -> Any:
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
            z3.And(failed == g, used(h) + from_host(g, h) > cap[h])
            for g in range(hosts)
            for h in range(hosts)
            if h != g
        ]
        s.add(z3.Or(overflow) if overflow else z3.BoolVal(False))
        got = s.check()
        if got == z3.unsat:
            return Proved(claim)
        if got == z3.unknown:
            return solver.unknown_of(s)
        mdl = s.model()

    def val(e: Any) -> int:
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
    """Search small instances, fewest items, then fewest bins, then smallest bins first, for one MTHM
    cannot pack fully but z3 can.

    Items are sizes (profit = weight, as in admission); bins are the free
    capacities of the surviving hosts. Only instances that pass the cheap
    necessary check (the total) are sent to z3.
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
                    answer = solver.place(tuple(items), tuple(bins), timeout_ms=timeout_ms)
                    if isinstance(answer, Placed):
                        return Miss(tuple(items), tuple(bins), tuple(got), answer.assignment)
    return None


def mthm_gap(profits: Sequence[int], weights: Sequence[int], capacities: Sequence[int]) -> float | Unknown:
    """MTHM's relative gap to the optimum, ``(opt - mthm) / opt`` (0.0 when the optimum is 0)."""
    best = solver.knapsack_optimum(tuple(profits), tuple(weights), tuple(capacities))
    if isinstance(best, Unknown):
        return best
    got = packed_profit(profits, mthm(profits, weights, capacities))
    return 0.0 if best.value == 0 else (best.value - got) / best.value
