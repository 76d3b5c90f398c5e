"""Benchmark: what partial-order reduction costs and saves, on a spec that declares its footprints.

Run from the repository root::

    .venv/bin/python bench/por_bench.py            # N = 5 processes, K = 6 steps each
    .venv/bin/python bench/por_bench.py --n 6 --k 5

The spec: N processes that each step a counter 0..K on their own (``step`` on even
values, ``hop`` on odd ones) and, in the ``locked`` variants, take one shared lock on
the way (acquire at K/2, release one step later); an invariant watches the lock and
process 0 only, so every other process's own steps are invisible to it. The variants,
each checked with reduction on and off (``--no-reduction``):

- ``independent``: no lock; reduction applies and explores one order of the other
  processes' steps;
- ``locked``: reduction applies, but the lock links every process to every other (a
  disabled ``acquire`` may be enabled by any ``release``): it reduces nothing, and the
  row says what the machinery costs where it finds no independence;
- ``reads all``: ``locked`` with an invariant that does not say what it reads, so every
  step is visible (reduction cannot apply: the plain search);
- ``no footprints``: ``locked`` without footprints (the plain search);
- ``constraint``: ``locked`` plus a constraint hook (reduction is off with one).

Each row: distinct and generated states, CPU seconds (best of ``--repeat``) and
distinct states per second. The figures of "on" and "off" must be equal wherever
reduction cannot apply; the CPU columns say what the reduction machinery costs there.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ahvlab.checker.engine import Options, bfs
from ahvlab.checker.spec import Action, Invariant, Spec

FREE = -1


class Procs(NamedTuple):
    pc: tuple[int, ...]
    lock: int


class Locked(Spec):
    """N processes, a lock taken at step K // 2 and given back one step later."""

    def __init__(self, n: int, k: int, variant: str) -> None:
        self.n, self.k, self.variant = n, k, variant
        self.at = k // 2

    def init(self) -> Iterator[Procs]:
        yield Procs((0,) * self.n, FREE)

    def _moves(self, s: Procs, odd: int) -> Iterator[tuple[dict[str, int], Procs]]:
        locked = self.variant != "independent"
        for i, pc in enumerate(s.pc):
            if pc < self.k and pc % 2 == odd and not (locked and pc in (self.at, self.at + 1)):
                yield {"i": i}, Procs((*s.pc[:i], pc + 1, *s.pc[i + 1 :]), s.lock)

    def _step(self, s: Procs) -> Iterator[tuple[dict[str, int], Procs]]:
        return self._moves(s, 0)

    def _hop(self, s: Procs) -> Iterator[tuple[dict[str, int], Procs]]:
        return self._moves(s, 1)

    def _acquire(self, s: Procs) -> Iterator[tuple[dict[str, int], Procs]]:
        if s.lock == FREE:
            for i, pc in enumerate(s.pc):
                if pc == self.at:
                    yield {"i": i}, Procs((*s.pc[:i], pc + 1, *s.pc[i + 1 :]), i)

    def _release(self, s: Procs) -> Iterator[tuple[dict[str, int], Procs]]:
        i = s.lock
        if i != FREE and s.pc[i] == self.at + 1:
            yield {"i": i}, Procs((*s.pc[:i], self.at + 2, *s.pc[i + 1 :]), FREE)

    def _holder_inside(self, s: Procs) -> bool:
        """Process 0 holds the lock exactly while it is at the step after taking it (and stays within K)."""
        if self.variant == "independent":
            return s.pc[0] <= self.k and s.lock == FREE
        return (s.lock == 0) == (s.pc[0] == self.at + 1)

    def actions(self) -> list[Action]:
        declared = self.variant != "no footprints"
        local = (("pc[i]",), ("pc[i]",)) if declared else (None, None)
        shared = (("pc[i]", "lock"), ("pc[i]", "lock")) if declared else (None, None)
        steps = [
            Action("step", self._step, "a process's own step (from an even value)", None, *local),
            Action("hop", self._hop, "a process's own step (from an odd value)", None, *local),
        ]
        if self.variant == "independent":
            return steps
        return [
            *steps,
            Action("acquire", self._acquire, "take the lock", None, *shared),
            Action("release", self._release, "give the lock back", None, *shared),
        ]

    def invariants(self) -> list[Invariant]:
        reads = None if self.variant == "reads all" else ("lock", "pc[0]")
        return [Invariant("HolderInside", self._holder_inside, "process 0 holds the lock inside", reads)]

    def overrides(self, hook: Any) -> bool:
        return hook == "constraint" and self.variant == "constraint"

    def constraint(self, state: Any) -> bool:
        return True


VARIANTS = ("independent", "locked", "reads all", "no footprints", "constraint")


def run(spec: Locked, reduction: bool, repeat: int) -> tuple[int, int, bool, float]:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        r = bfs(spec, Options(reduction=reduction, deadlock=False))
        best = min(best, time.process_time() - t)
        assert r.verdict == "ok", r.verdict
    f = r.figures
    return f.distinct, f.generated, f.reduction, best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--n", type=int, default=5, help="processes (5)")
    ap.add_argument("--k", type=int, default=6, help="steps of each process (6)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per row, the best CPU time kept (3)")
    args = ap.parse_args(argv)
    print(f"Locked N={args.n} K={args.k}: CPU seconds, best of {args.repeat}")
    print(f"{'variant':14} {'POR':3} {'distinct':>9} {'generated':>10} {'cpu s':>7} {'states/s':>9}")
    for variant in VARIANTS:
        for reduction in (True, False):
            distinct, generated, on, cpu = run(Locked(args.n, args.k, variant), reduction, args.repeat)
            por = "on" if on else "off" if not reduction else "-"
            print(
                f"{variant:14} {por:3} {distinct:>9,} {generated:>10,} {cpu:>7.2f} {distinct / cpu:>9,.0f}", flush=True
            )
    print("POR '-': asked for, but it cannot apply (the run takes the plain path).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
