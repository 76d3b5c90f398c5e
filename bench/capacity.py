"""Guarantee-mode capacity figures: admission time on 16 hosts x 200 VMs, MTHM's gap to the optimum.

Run: ``.venv/bin/python bench/capacity.py`` (about a minute; ``--quick`` for a smaller run,
``--sequential-z3`` to also start the 200 VMs one by one with z3 alone, a few minutes).
Times are CPU seconds of this process (z3 runs in-thread), so they hold on a shared, loaded
machine; z3's own timeout is wall-clock, so under load more queries may end ``unknown``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from ahvlab.model import solver
from ahvlab.model.capacity import Method, Vm, admit, mthm, pack, packed_profit, plan

SIZES_GIB = (4, 8, 8, 16, 16, 16, 24, 32, 48, 64)


def _clear() -> None:
    plan.cache_clear()
    pack.cache_clear()
    solver.place.cache_clear()
    solver.segments_exist.cache_clear()
    solver.knapsack_optimum.cache_clear()


def cluster(hosts: int, vms: int, capacity: int, seed: int) -> tuple[tuple[int, ...], list[Vm]]:
    """``hosts`` equal hosts of ``capacity`` GiB and ``vms`` VMs of typical sizes on random hosts."""
    rng = random.Random(seed)
    return (capacity,) * hosts, [Vm(f"vm{k:03}", rng.choice(SIZES_GIB), rng.randrange(hosts)) for k in range(vms)]


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.process_time()
    out = fn()
    return out, time.process_time() - t0


def bench_admission(hosts: int, vms: int, capacity: int, seed: int, sequential_z3: bool) -> None:
    caps, todo = cluster(hosts, vms, capacity, seed)
    print(f"## Admission: {hosts} hosts x {capacity} GiB, {vms} VMs (sizes {min(SIZES_GIB)}-{max(SIZES_GIB)} GiB)")
    methods: list[Method] = ["mthm+z3", "z3"] if sequential_z3 else ["mthm+z3"]
    started: list[Vm] = []
    for method in methods:
        _clear()
        running: tuple[Vm, ...] = ()
        refused = 0
        t0 = time.process_time()
        for vm in todo:
            got = admit(caps, running, vm, method=method)
            if got.admitted:
                running = (*running, vm)
                if method == "mthm+z3":
                    started.append(vm)
            else:
                refused += 1
        took = time.process_time() - t0
        z3_calls = solver.place.cache_info().misses
        print(
            f"  {method:8} start {vms} VMs one by one: {took:.3f} s CPU ({1000 * took / vms:.2f} ms per start), "
            f"{vms - refused} admitted, {refused} refused, {z3_calls} z3 queries"
        )
    # One admission decision from cold caches: the last VM admitted above, the ones before it running.
    running = tuple(started[:-1])
    last = started[-1]
    for method in ("mthm", "mthm+z3", "z3"):
        _clear()
        got, took = _timed(lambda method=method: admit(caps, running, last, method=method))  # type: ignore[misc]
        print(f"  {method:8} one admission with {len(running)} VMs running: {1000 * took:.1f} ms CPU -> {got.admitted}")
    _clear()
    pairs = tuple((vm.size, vm.host) for vm in (*running, last))
    whole, took = _timed(lambda: solver.segments_exist(caps, pairs))
    print(f"  z3, whole question in one query (no per-host split): {1000 * took:.1f} ms CPU -> {type(whole).__name__}")


def _instance(rng: random.Random, n: int, m: int, kind: str) -> tuple[list[int], list[int], list[int]]:
    # Martello and Toth's "similar capacities" class: each knapsack 40-60% of an even share.
    w = [rng.randint(10, 100) for _ in range(n)]
    p = list(w) if kind == "profit = weight" else [rng.randint(10, 100) for _ in range(n)]
    share = sum(w) / m
    c = [rng.randint(int(0.4 * share), int(0.6 * share)) for _ in range(m)]
    return p, w, c


def bench_gap(count: int, classes: tuple[tuple[str, int], ...], m: int, seed: int) -> None:
    print(f"## MTHM vs the z3 optimum: {count} random instances per class, {m} knapsacks")
    # profit = weight (subset-sum like, what admission asks) is much harder for z3's MaxSAT:
    # at 15 items most instances time out, so that class is measured on fewer items.
    for kind, n in classes:
        rng = random.Random(seed)
        gaps: list[float] = []
        unknown = 0
        t_mthm = t_z3 = 0.0
        for _ in range(count):
            p, w, c = _instance(rng, n, m, kind)
            got, took = _timed(lambda p=p, w=w, c=c: mthm(p, w, c))  # type: ignore[misc]
            t_mthm += took
            best, took = _timed(lambda p=p, w=w, c=c: solver.knapsack_optimum(tuple(p), tuple(w), tuple(c)))  # type: ignore[misc]
            t_z3 += took
            if isinstance(best, solver.Unknown):
                unknown += 1
                continue
            gaps.append((best.value - packed_profit(p, got)) / best.value)
        optimal = sum(1 for g in gaps if g == 0)
        print(
            f"  {kind:16} {n} items: mean gap {100 * statistics.fmean(gaps):.2f}%, max {100 * max(gaps):.2f}%, "
            f"optimal in {optimal}/{len(gaps)}, z3 unknown {unknown}; "
            f"MTHM {1000 * t_mthm / count:.2f} ms, z3 {1000 * t_z3 / count:.1f} ms CPU per instance"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller runs (a few seconds)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--sequential-z3", action="store_true", help="also start all VMs one by one with z3 alone (minutes)"
    )
    args = ap.parse_args()
    if args.quick:
        bench_admission(8, 60, 256, args.seed, sequential_z3=True)
        bench_gap(20, (("uncorrelated", 12), ("profit = weight", 10)), 3, args.seed)
    else:
        for capacity in (512, 360):  # roomy (every VM admitted), then tight (some refused)
            bench_admission(16, 200, capacity, args.seed, sequential_z3=args.sequential_z3)
        bench_gap(100, (("uncorrelated", 12), ("profit = weight", 12)), 3, args.seed)


if __name__ == "__main__":
    main()
