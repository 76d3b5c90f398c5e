"""Guarantee-mode capacity: the MTHM heuristic, host reserves and VM admission.

Pure Python. The exact answers (is there *any* segment placement? what is the
knapsack optimum?) come from :mod:`ahvlab.model.solver`, the one module that
imports z3; it is imported lazily, only when MTHM cannot settle a question.

Hosts are 0-based indices in this API; everything shown to a user numbers them
from 1. Sizes are non-negative integers (percent of one host, or GiB).

Why admission splits into one packing problem per failed host: VM ``v`` on host
``p(v)`` has its segment on ``σ(v) != p(v)``. Host ``h`` must keep
``used[h] + reserve[h] <= capacity[h]`` where ``reserve[h]`` is the largest total of
segments from any one other host ``g``; that is the same as "for every ``g``, the
segments from ``g`` on ``h`` total at most ``free[h] = capacity[h] - used[h]``".
``σ(v)`` only appears in the constraints of ``g = p(v)``, so the choices for
different failed hosts are independent: a placement exists if and only if, for
each host ``g``, the VMs of ``g`` pack into the other hosts with bins ``free[h]``.
With ``failures=2`` the unit becomes a failure *set*: the VMs of both failed hosts
pack together into the survivors, one problem per pair (see docs/capacity.md).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Literal, NamedTuple, Protocol

ReserveRule = Literal["max_per_host", "sum", "max_segment"]
"""How a host's reserve is computed from the segments it holds.

``max_per_host`` is the rule of the brief: the largest total from any *one* other
host. ``sum`` (no sharing at all: safe but wasteful) and ``max_segment`` (segments
of VMs of the *same* host share too: one segment too few, unsafe) are the two
halves of the mutation ``segments_not_shared_correctly``.
"""
RESERVE_RULES: tuple[ReserveRule, ...] = ("max_per_host", "sum", "max_segment")

Method = Literal["mthm", "z3", "mthm+z3"]
"""Who answers "is there a segment placement?": the heuristic alone (may refuse a
feasible start), z3 alone, or MTHM first and z3 only when MTHM leaves a VM out."""

DEFAULT_TIMEOUT_MS = 10_000


# -- MTHM ---------------------------------------------------------------------


def mthm(profits: Sequence[int], weights: Sequence[int], capacities: Sequence[int]) -> list[int | None]:
    """Martello-Toth MTHM for the 0-1 multiple knapsack problem.

    Returns, for each item, the 0-based index of its knapsack or None. Any input
    of non-negative integers is accepted, including those the original refuses:
    zero weights go into the largest knapsack, items larger than every knapsack
    stay out, knapsacks too small for every item are left empty, and when all
    items fit in the largest knapsack they all go there (that is optimal).
    """
    n = len(weights)
    if len(profits) != n:
        raise ValueError(f"mthm: {len(profits)} profits but {n} weights")
    for label, seq in (("profit", profits), ("weight", weights), ("capacity", capacities)):
        for k, x in enumerate(seq):
            if not isinstance(x, int) or x < 0:
                raise ValueError(f"mthm: {label} {k} is {x!r} (expected an integer >= 0)")
    result: list[int | None] = [None] * n
    if not capacities:
        return result
    m = len(capacities)
    largest = min(range(m), key=lambda i: (-capacities[i], i))
    items = []
    for j in range(n):
        if weights[j] == 0:
            result[j] = largest
        elif weights[j] <= capacities[largest]:
            items.append(j)
    if not items:
        return result
    if sum(weights[j] for j in items) <= capacities[largest]:
        for j in items:
            result[j] = largest
        return result
    lightest = min(weights[j] for j in items)
    knaps = sorted((i for i in range(m) if capacities[i] >= lightest), key=lambda i: (capacities[i], i))
    # Ratio order as the method requires. Among equal ratios (all of them when profit == weight,
    # as in admission) the lighter item first, a tie-break the original leaves open: the
    # rearrangement re-inserts in reverse order, so the heavy items get first pick of the room.
    # Measured on random profit == weight instances it misses fewer full packings than heavy-first.
    items.sort(key=lambda j: (-Fraction(profits[j], weights[j]), weights[j], j))
    y = _mthm_core(
        [profits[j] for j in items],
        [weights[j] for j in items],
        [capacities[i] for i in knaps],
    )
    for pos, j in enumerate(items):
        if y[pos] >= 0:
            result[j] = knaps[y[pos]]
    return result


def _mthm_core(p: list[int], w: list[int], c: list[int]) -> list[int]:
    """The four phases on a normalised instance.

    Items are in decreasing profit/weight order, knapsacks in increasing capacity;
    every weight is positive, every item fits the largest knapsack, every knapsack
    holds the lightest item and the items do not all fit in one knapsack.
    Returns the knapsack of each item, -1 for none.
    """
    n, m = len(w), len(c)
    y = [-1] * n

    # Phase 1, initial solution: fill the knapsacks one at a time, greedily in ratio order.
    res = list(c)
    for i in range(m):
        for j in range(n):
            if y[j] < 0 and w[j] <= res[i]:
                y[j] = i
                res[i] -= w[j]

    # Phase 2, rearrangement: re-insert the chosen items, worst ratio first, cycling over the
    # knapsacks so that room is spread out; then fill with the items left out.
    res = list(c)
    i = 0
    for j in range(n - 1, -1, -1):
        if y[j] < 0:
            continue
        target = next((k for k in itertools.chain(range(i, m), range(i)) if w[j] <= res[k]), -1)
        y[j] = target
        if target >= 0:
            res[target] -= w[j]
            i = target + 1 if target < m - 1 else 0
    for j in range(n):
        if y[j] < 0:
            for k in range(m):
                if w[j] <= res[k]:
                    y[j] = k
                    res[k] -= w[j]
                    break

    # Phase 3, first improvement: swap two chosen items of different knapsacks when the room
    # this frees in the heavier one's knapsack lets an unassigned item in.
    for j in range(n):
        if y[j] < 0:
            continue
        for k in range(j + 1, n):
            if y[k] < 0 or y[k] == y[j]:
                continue
            h, lo = (j, k) if w[j] > w[k] else (k, j)
            d = w[h] - w[lo]
            if d > res[y[lo]]:
                continue
            room = res[y[h]] + d
            best = -1
            for u in range(n):
                if y[u] < 0 and w[u] <= room and (best < 0 or p[u] > p[best]):
                    best = u
            if best < 0:
                continue
            kh, kl = y[h], y[lo]
            res[kh] = room - w[best]
            res[kl] -= d
            y[best], y[h], y[lo] = kh, kl, kh

    # Phase 4, second improvement: take a chosen item out, worst ratio first, when unassigned
    # items that fit in the room it leaves bring more profit.
    for j in range(n - 1, -1, -1):
        if y[j] < 0:
            continue
        room = res[y[j]] + w[j]
        picked = []
        for k in range(n):
            if y[k] < 0 and w[k] <= room:
                picked.append(k)
                room -= w[k]
        if sum(p[k] for k in picked) > p[j]:
            kn = y[j]
            for k in picked:
                y[k] = kn
            res[kn] = room
            y[j] = -1
    return y


def packed_profit(profits: Sequence[int], assignment: Sequence[int | None]) -> int:
    """Total profit of the items an assignment places."""
    return sum(p for p, a in zip(profits, assignment, strict=True) if a is not None)


def is_feasible(weights: Sequence[int], capacities: Sequence[int], assignment: Sequence[int | None]) -> bool:
    """True if no knapsack is over capacity and every index is a knapsack."""
    load = [0] * len(capacities)
    for w, a in zip(weights, assignment, strict=True):
        if a is None:
            continue
        if not 0 <= a < len(capacities):
            return False
        load[a] += w
    return all(x <= c for x, c in zip(load, capacities, strict=True))


# -- segment placement --------------------------------------------------------


class Vm(NamedTuple):
    """A running (or starting) VM: its name, size and 0-based host."""

    name: str
    size: int
    host: int


@dataclass(frozen=True)
class Packing:
    """The answer for one failure set: where its VMs restart, or why nobody knows.

    ``targets`` lists the restart host of each VM of the failure set (in the order
    given) when ``status == "ok"``; ``how`` says who found it ("mthm", "z3",
    "trivial").
    """

    status: Literal["ok", "none", "unknown"]
    targets: tuple[int, ...] = ()
    how: str = ""
    detail: str = ""


@lru_cache(maxsize=65536)
def pack(
    items: tuple[int, ...],
    bins: tuple[int, ...],
    method: Method = "mthm+z3",
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Packing:
    """Pack every item into the bins (indices into ``bins``); memoised on its hashable inputs."""
    if not items:
        return Packing("ok", (), "trivial")
    if sum(items) > sum(bins):
        return Packing("none", (), "trivial", f"{sum(items)} to restart, {sum(bins)} free in all")
    if max(items) > max(bins, default=-1):
        return Packing("none", (), "trivial", f"{max(items)} fits in no host's room (largest {max(bins, default=0)})")
    if _count_bound(items, bins) < len(items):
        return Packing(
            "none", (), "trivial", f"{len(items)} VMs, but the rooms hold {_count_bound(items, bins)} at most"
        )
    if method != "z3":
        got = mthm(list(items), list(items), list(bins))
        if all(a is not None for a in got):
            return Packing("ok", tuple(a for a in got if a is not None), "mthm")
        if method == "mthm":
            return Packing("none", (), "mthm", "MTHM found no placement (z3 not asked)")
    from ahvlab.model import solver

    answer = solver.place(items, bins, timeout_ms=timeout_ms)
    if isinstance(answer, solver.Placed):
        how = "z3" if method == "z3" else "z3 (MTHM missed it)"
        return Packing("ok", answer.assignment, how)
    if isinstance(answer, solver.NoPlacement):
        return Packing("none", (), "z3", "z3: no placement exists")
    return Packing("unknown", (), "z3", f"z3 gave up: {answer.reason}")


def _count_bound(items: tuple[int, ...], bins: tuple[int, ...]) -> int:
    # A bin holds at most as many items as the smallest ones that fit in it together: a cheap
    # bound that settles pigeonhole instances (13 VMs of 6 into 12 rooms of 10), hard for z3.
    prefix = list(itertools.accumulate(sorted(items)))
    return sum(bisect.bisect_right(prefix, c) for c in bins)


@dataclass(frozen=True)
class Plan:
    """A segment plan for a set of running VMs, or the reason there is none.

    ``restarts`` maps each failure set (a tuple of 0-based hosts) to the restart
    host of each VM (index into ``vms``) lost with it. With ``failures == 1`` the
    restart host of a VM is its segment host (:meth:`segment_of`).
    """

    capacities: tuple[int, ...]
    vms: tuple[Vm, ...]
    failures: int
    status: Literal["ok", "none", "unknown"]
    restarts: tuple[tuple[tuple[int, ...], tuple[tuple[int, int], ...]], ...] = ()
    reason: str = ""
    how: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def segment_of(self, vm: int) -> int | None:
        """The host holding VM ``vm``'s segment (single-failure plans), None otherwise."""
        if self.failures != 1 or not self.ok:
            return None
        for failed, moves in self.restarts:
            if failed == (self.vms[vm].host,):
                return dict(moves).get(vm)
        return None

    def loads(self) -> dict[tuple[int, ...], list[int]]:
        """For each failure set, the segment total each host holds for it."""
        out: dict[tuple[int, ...], list[int]] = {}
        for failed, moves in self.restarts:
            load = [0] * len(self.capacities)
            for vm, host in moves:
                load[host] += self.vms[vm].size
            out[failed] = load
        return out


def used(capacities: Sequence[int], vms: Sequence[Vm]) -> list[int]:
    """Parcels per host: the total size of the VMs running there."""
    out = [0] * len(capacities)
    for vm in vms:
        out[vm.host] += vm.size
    return out


def largest_host_floor(capacities: Sequence[int], failures: int = 1) -> int:
    """The per-host reserve of the largest-host rule: ``failures`` largest hosts' worth, spread over the survivors."""
    n = len(capacities)
    if n <= failures:
        return 0
    return -(-failures * max(capacities) // (n - failures))


@lru_cache(maxsize=65536)
def plan(
    capacities: tuple[int, ...],
    vms: tuple[Vm, ...],
    *,
    failures: int = 1,
    largest_host_rule: bool = False,
    reserve_rule: ReserveRule = "max_per_host",
    method: Method = "mthm+z3",
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Plan:
    """Find segments for every VM so that ``used + reserve <= capacity`` on every host (memoised).

    With the correct ``reserve_rule`` this is one packing problem per failure set
    (module docstring); the other two rules are the mutation's wrong reserves.
    """
    n = len(capacities)
    if failures < 1:
        raise ValueError(f"failures must be >= 1, got {failures}")
    if failures > 1 and reserve_rule != "max_per_host":
        raise ValueError(f"the reserve rule {reserve_rule!r} is defined for single failures only")
    use = used(capacities, vms)
    for h in range(n):
        if use[h] > capacities[h]:
            return Plan(
                capacities, vms, failures, "none", reason=f"host {h + 1} runs {use[h]} > capacity {capacities[h]}"
            )
    free = [capacities[h] - use[h] for h in range(n)]
    if largest_host_rule:
        floor = largest_host_floor(capacities, failures)
        for h in range(n):
            if free[h] < floor:
                return Plan(
                    capacities,
                    vms,
                    failures,
                    "none",
                    reason=f"host {h + 1} has {free[h]} free, the largest-host rule reserves {floor}",
                )
    if reserve_rule == "max_segment":
        return _plan_max_segment(capacities, vms, free)
    if reserve_rule == "sum":
        return _plan_sum(capacities, vms, free, timeout_ms)
    restarts: list[tuple[tuple[int, ...], tuple[tuple[int, int], ...]]] = []
    hows = set()
    for failed in itertools.combinations(range(n), failures):
        lost = [k for k, vm in enumerate(vms) if vm.host in failed]
        if not lost:
            restarts.append((failed, ()))
            continue
        survivors = [h for h in range(n) if h not in failed]
        items = tuple(vms[k].size for k in lost)
        bins = tuple(free[h] for h in survivors)
        got = pack(items, bins, method, timeout_ms)
        if got.status != "ok":
            names = ", ".join(f"{vms[k].name}={vms[k].size}" for k in lost)
            where = ", ".join(f"host {h + 1}: {free[h]}" for h in survivors) or "no host left"
            lost_hosts = " and ".join(f"host {h + 1}" for h in failed)
            verdict = "cannot be restarted" if got.status == "none" else "may not be restartable"
            reason = f"if {lost_hosts} fails, its VMs ({names}) {verdict} on the free capacity left ({where})"
            if got.detail:
                reason += f"; {got.detail}"
            return Plan(capacities, vms, failures, got.status, reason=reason, how=got.how)
        hows.add(got.how)
        restarts.append((failed, tuple((k, survivors[t]) for k, t in zip(lost, got.targets, strict=True))))
    how = "+".join(sorted(h for h in hows if h != "trivial")) or "trivial"
    return Plan(capacities, vms, failures, "ok", tuple(restarts), how=how)


def _plan_max_segment(capacities: tuple[int, ...], vms: tuple[Vm, ...], free: list[int]) -> Plan:
    # Mutation: a reserve equal to the largest single segment lets each VM pick any other host
    # with room for it alone, as if VMs of one host could never fail together.
    n = len(capacities)
    segs: dict[int, int] = {}
    for k, vm in enumerate(vms):
        fits = [h for h in range(n) if h != vm.host and free[h] >= vm.size]
        if not fits:
            return Plan(capacities, vms, 1, "none", reason=f"no other host has {vm.size} free for {vm.name}'s segment")
        segs[k] = min(fits, key=lambda h: (-free[h], h))
    restarts = tuple(((g,), tuple((k, segs[k]) for k, vm in enumerate(vms) if vm.host == g)) for g in range(n))
    return Plan(capacities, vms, 1, "ok", restarts, how="max_segment")


def _plan_sum(capacities: tuple[int, ...], vms: tuple[Vm, ...], free: list[int], timeout_ms: int) -> Plan:
    # Mutation: no sharing at all, every segment has its own room; one packing with the
    # extra rule that a VM's segment is never on its own host, answered by z3.
    from ahvlab.model import solver

    items = tuple(vm.size for vm in vms)
    forbidden = tuple(vm.host for vm in vms)
    answer = solver.place(items, tuple(free), forbidden=forbidden, timeout_ms=timeout_ms)
    if isinstance(answer, solver.Placed):
        n = len(capacities)
        restarts = tuple(
            ((g,), tuple((k, answer.assignment[k]) for k, vm in enumerate(vms) if vm.host == g)) for g in range(n)
        )
        return Plan(capacities, vms, 1, "ok", restarts, how="sum")
    status: Literal["none", "unknown"] = "none" if isinstance(answer, solver.NoPlacement) else "unknown"
    return Plan(capacities, vms, 1, status, reason="the segments do not fit when each needs its own room", how="sum")


# -- figures and admission ----------------------------------------------------


@dataclass(frozen=True)
class HostFigures:
    """What one host holds: parcels, reserve, room for new VMs and for more segments per protected host."""

    host: int
    capacity: int
    used: int
    reserve: int
    free_for_vms: int
    free_for_segments: tuple[tuple[tuple[int, ...], int], ...]
    """``(failure set, room)``: how much more this host could hold for that failure set."""


def reserve_of(load_by_failure: Sequence[int], rule: ReserveRule = "max_per_host", segments: Sequence[int] = ()) -> int:
    """A host's reserve from the segment totals it holds per failure set (and its single segments)."""
    if rule == "sum":
        return sum(load_by_failure)
    if rule == "max_segment":
        return max(segments, default=0)
    return max(load_by_failure, default=0)


def figures(p: Plan, *, reserve_rule: ReserveRule = "max_per_host") -> list[HostFigures]:
    """Per-host figures of a plan (reserves computed with ``reserve_rule``)."""
    n = len(p.capacities)
    use = used(p.capacities, p.vms)
    loads = p.loads()
    out = []
    for h in range(n):
        per_set = [(failed, load[h]) for failed, load in loads.items() if h not in failed]
        singles = [p.vms[k].size for _, moves in p.restarts for k, t in moves if t == h]
        reserve = reserve_of([x for _, x in per_set], reserve_rule, singles)
        room = tuple((failed, p.capacities[h] - use[h] - x) for failed, x in per_set)
        out.append(HostFigures(h, p.capacities[h], use[h], reserve, p.capacities[h] - use[h] - reserve, room))
    return out


@dataclass(frozen=True)
class Admission:
    """The verdict on one VM start, with the plan in force afterwards."""

    vm: Vm
    admitted: bool
    reason: str
    plan: Plan


def admit(
    capacities: tuple[int, ...],
    running: tuple[Vm, ...],
    vm: Vm,
    *,
    failures: int = 1,
    largest_host_rule: bool = False,
    reserve_rule: ReserveRule = "max_per_host",
    method: Method = "mthm+z3",
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> Admission:
    """Admit ``vm`` if, with it running, some segment placement protects every VM; else refuse and say why."""
    if not 0 <= vm.host < len(capacities):
        raise ValueError(f"{vm.name}: host {vm.host + 1} is not a host of this cluster (1..{len(capacities)})")
    opts = {
        "failures": failures,
        "largest_host_rule": largest_host_rule,
        "reserve_rule": reserve_rule,
        "method": method,
        "timeout_ms": timeout_ms,
    }
    parcel = sum(v.size for v in running if v.host == vm.host)
    if parcel + vm.size > capacities[vm.host]:
        reason = f"refused: host {vm.host + 1} cannot hold the parcel: {parcel} used + {vm.size} > capacity {capacities[vm.host]}"
        return Admission(vm, False, reason, plan(capacities, running, **opts))
    after = plan(capacities, (*running, vm), **opts)
    if after.ok:
        seg = after.segment_of(len(running))
        where = f"segment on host {seg + 1} at start" if seg is not None else f"restart plans for {failures} failures"
        return Admission(vm, True, f"{where}; every VM protected ({after.how})", after)
    prefix = "refused" if after.status == "none" else "refused (undecided)"
    # The plan in force stays the one without the VM (computed only now: a refusal is the rarer case).
    return Admission(vm, False, f"{prefix}: {after.reason}", plan(capacities, running, **opts))


def start_in_order(
    capacities: tuple[int, ...],
    vms: Sequence[Vm],
    **opts: object,
) -> tuple[list[Admission], Plan]:
    """Start ``vms`` one after the other, each admitted or refused; returns the verdicts and the final plan."""
    running: tuple[Vm, ...] = ()
    verdicts = []
    current = plan(capacities, running, **opts)
    for vm in vms:
        got = admit(capacities, running, vm, **opts)  # type: ignore[arg-type]
        verdicts.append(got)
        if got.admitted:
            running = (*running, vm)
        current = got.plan
    return verdicts, current


# -- HA restart ----------------------------------------------------------------


def restart_targets(p: Plan, failed: tuple[int, ...]) -> dict[int, int]:
    """Guarantee mode: where each VM of the failed hosts restarts (VM index -> host), from the plan."""
    for f, moves in p.restarts:
        if f == tuple(sorted(failed)):
            return dict(moves)
    return {}


def restart_best_effort(capacities: tuple[int, ...], vms: tuple[Vm, ...], failed: tuple[int, ...]) -> dict[int, int]:
    """Best-effort mode: restart as much of the lost VMs' total size as fits (MTHM); VM index -> host."""
    use = used(capacities, [vm for vm in vms if vm.host not in failed])
    survivors = [h for h in range(len(capacities)) if h not in failed]
    lost = [k for k, vm in enumerate(vms) if vm.host in failed]
    sizes = [vms[k].size for k in lost]
    got = mthm(sizes, sizes, [max(0, capacities[h] - use[h]) for h in survivors])
    return {k: survivors[a] for k, a in zip(lost, got, strict=True) if a is not None}


def restartable(capacities: Sequence[int], vms: Sequence[Vm], targets: dict[int, int], failed: tuple[int, ...]) -> bool:
    """True if moving the lost VMs to ``targets`` brings every lost VM back without overfilling a survivor."""
    load = used(capacities, [vm for vm in vms if vm.host not in failed])
    for k, vm in enumerate(vms):
        if vm.host in failed:
            t = targets.get(k)
            if t is None or t in failed:
                return False
            load[t] += vm.size
    return all(x <= c for x, c in zip(load, capacities, strict=True))


# -- the AHV model's seam (ahvlab.model.placement calls guarantee_targets) ------

MUTATION = "segments_not_shared_correctly"
"""The model mutation: a host's reserve is its largest single segment (one segment too few)."""


class PlacementQuestion(Protocol):
    """What :func:`guarantee_targets` reads from ``ahvlab.model.placement.PlacementRequest`` (hosts, VMs 0-based)."""

    @property
    def host_memory(self) -> tuple[int, ...]: ...
    @property
    def vm_memory(self) -> tuple[int, ...]: ...
    @property
    def placement(self) -> tuple[int, ...]: ...
    @property
    def healthy(self) -> tuple[int, ...]: ...
    @property
    def to_place(self) -> tuple[int, ...]: ...
    @property
    def lost_host(self) -> int: ...


def _running(vm_memory: Sequence[int], placement: Sequence[int], skip: Sequence[int] = ()) -> tuple[Vm, ...]:
    # Vm names are the model's VM indices, so a plan maps straight back to the model.
    return tuple(Vm(str(i), vm_memory[i], h) for i, h in enumerate(placement) if h >= 0 and i not in skip)


def _capacities(q: PlacementQuestion, placement: Sequence[int]) -> tuple[int, ...]:
    # A host that cannot receive VMs and runs none offers no room for segments (it is down,
    # or already failed and emptied by HA). One that still holds VMs keeps its capacity so
    # that its parcels are counted until HA moves them.
    holding = {h for h in placement if h >= 0}
    return tuple(m if h in q.healthy or h in holding else 0 for h, m in enumerate(q.host_memory))


def _largest(q: PlacementQuestion) -> bool:
    return bool(getattr(q, "largest_host_rule", False))


def guarantee_targets(q: PlacementQuestion) -> dict[int, int | None]:
    """Guarantee mode for the AHV model: VM index -> host (None: refused, or no room).

    A start (``lost_host == -1``) goes to the first healthy host, most free memory
    first, on which admission admits it. An HA restart sends each VM of the lost
    host to its segment host; a VM whose segment host cannot take it (the guarantee
    was broken, e.g. by the mutation) restarts wherever it still fits, best effort.
    """
    rule: ReserveRule = "max_segment" if MUTATION in getattr(q, "mutations", ()) else "max_per_host"
    placement = list(q.placement)
    out: dict[int, int | None] = {}
    if q.lost_host < 0:
        for vm in q.to_place:
            caps = _capacities(q, placement)
            running = _running(q.vm_memory, placement, skip=(vm,))
            free = [caps[h] - sum(v.size for v in running if v.host == h) for h in range(len(caps))]
            out[vm] = None
            for h in sorted(q.healthy, key=lambda x: (-free[x], x)):
                if admit(
                    caps, running, Vm(str(vm), q.vm_memory[vm], h), reserve_rule=rule, largest_host_rule=_largest(q)
                ).admitted:
                    out[vm] = h
                    placement[vm] = h
                    break
        return out
    caps = _capacities(q, placement)
    p = plan(caps, _running(q.vm_memory, placement), reserve_rule=rule)
    segments = {int(p.vms[k].name): h for k, h in restart_targets(p, (q.lost_host,)).items()} if p.ok else {}
    moving = set(q.to_place)
    free = list(q.host_memory)
    for i, h in enumerate(placement):
        if h >= 0 and i not in moving:
            free[h] -= q.vm_memory[i]
    for vm in q.to_place:
        target = segments.get(vm)
        if target is None or target not in q.healthy or free[target] < q.vm_memory[vm]:
            fits = [h for h in q.healthy if free[h] >= q.vm_memory[vm]]
            target = min(fits, key=lambda x: (-free[x], x)) if fits else None
        out[vm] = target
        if target is not None:
            free[target] -= q.vm_memory[vm]
    return out


def admissible_hosts(q: PlacementQuestion, vm: int) -> list[int]:
    """Guarantee mode: every healthy host on which admission lets ``vm`` start now (most free memory first)."""
    rule: ReserveRule = "max_segment" if MUTATION in getattr(q, "mutations", ()) else "max_per_host"
    caps = _capacities(q, q.placement)
    running = _running(q.vm_memory, q.placement, skip=(vm,))
    free = [caps[h] - sum(v.size for v in running if v.host == h) for h in range(len(caps))]
    return [
        h
        for h in sorted(q.healthy, key=lambda x: (-free[x], x))
        if admit(
            caps, running, Vm(str(vm), q.vm_memory[vm], h), reserve_rule=rule, largest_host_rule=_largest(q)
        ).admitted
    ]


def guarantee_protects(
    host_memory: tuple[int, ...], vm_memory: tuple[int, ...], placement: tuple[int, ...], down: frozenset[int]
) -> bool:
    """The invariant: every VM of any one failed host can be restarted on the others' free memory.

    With no host down, that must hold for each host in turn (a segment plan exists,
    decided exactly); with one host down, for that host; beyond one failure nothing
    is guaranteed. Always judged with the correct reserve rule, so the mutation's
    admissions are caught. An undecided (z3 unknown) answer counts as a violation.
    """
    if len(down) > 1:
        return True
    vms = _running(vm_memory, placement)
    if not down:
        return plan(host_memory, vms).ok
    (g,) = down
    lost = tuple(v.size for v in vms if v.host == g)
    use = used(host_memory, vms)
    room = tuple(host_memory[h] - use[h] for h in range(len(host_memory)) if h != g)
    return min(room, default=0) >= 0 and pack(lost, room).status == "ok"
