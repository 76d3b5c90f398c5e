"""An exact solver for the 0-1 multiple knapsack problem, for the bench: branch and bound in the spirit of MTM.

``solve(profits, weights, capacities, budget=...)`` returns the best assignment it
found, the best upper bound it proved and whether the two meet (the optimum is
proved). It is written for the bench's instances (tens of items, up to ten
knapsacks, integer weights in the hundreds) and is not used by the model, whose
exact admission asks a different question (can *every* item be packed, with a
forbidden knapsack per item) that z3 answers well.

The search fills the knapsacks one at a time, smallest first, in the manner of
Martello and Toth's MTM: at knapsack ``i`` every free item that fits is either put
into ``i`` or kept out of ``i`` (it stays free for the later knapsacks), heaviest
candidate first; when the candidates of ``i`` are exhausted the knapsack is
closed. The last knapsack is not searched: its optimal filling (a single knapsack
problem, by dynamic programming) is the best completion.

Bounds and rules (each keeps at least one optimal solution in the tree):

* **Surrogate bound.** The free items, one knapsack of the summed room, solved
  exactly by dynamic programming (a subset sum by bitset when profit = weight);
  the Dantzig bound of the same relaxation is tried first, being cheaper.
  Every room is first *tightened* to the largest subset sum of the free items'
  weights it can hold (for the open knapsack: of its remaining candidates).
* **Maximality.** A closed knapsack's room that could still take a free item
  makes that item *due*: a solution leaving it out is beaten by the same
  solution with the item added to that knapsack, which is elsewhere in the tree.
  Due items count in the bound as packed, and a node whose due items no longer
  fit is dropped.
* **Equal weights.** Once an item is kept out of knapsack ``i``, a later candidate
  of the same weight and no more profit is kept out of ``i`` too (swapping the two
  never loses profit).
* **Memory.** A state (knapsack about to open, free items) whose search has
  ended is remembered with what its completions were shown to be worth at most;
  a later path reaching it (with at least the same due items) is cut when that
  cannot beat the incumbent.
* **Incumbent.** MTHM (:func:`ahvlab.model.knapsack.mthm`), improved by a local
  search that re-solves groups of two, then three knapsacks with the items left
  out (a share of the budget); the search stops as soon as the incumbent meets
  the root bound.

On a budget stop the bound is the largest bound of the parts of the tree not yet
searched (never below the incumbent): a proved upper bound on the optimum.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ahvlab.model.knapsack import check_instance, is_feasible, mthm, packed_profit, ratio_order

CHECK_EVERY = 256
"""Nodes between two looks at the clock."""

IMPROVE_SHARE = 0.3
"""The share of the budget the local search may take before the exact search starts."""

MEMO_STATES = 500_000
"""Searched states remembered (knapsack, free items) before the memory is cleared."""

GROUP_NODES = 2_000
"""Nodes the local search spends on one group of knapsacks."""


@dataclass(frozen=True)
class Solution:
    """The best assignment found (``assignment[j]`` the knapsack of item ``j`` or None) and the proved bound."""

    value: int
    assignment: tuple[int | None, ...]
    bound: int
    nodes: int
    seconds: float
    """CPU seconds of the search."""

    @property
    def optimal(self) -> bool:
        return self.bound == self.value


class _Stop(Exception):
    """The budget ran out."""


class _Done(Exception):
    """The incumbent meets the root bound."""


class _Search:
    def __init__(
        self, p: list[int], w: list[int], c: list[int], deadline: float | None, max_nodes: int | None = None
    ) -> None:
        self.p, self.w, self.c = p, w, c
        self.n, self.m = len(p), len(c)
        self.subset_sum = all(pj == wj for pj, wj in zip(p, w, strict=True))
        self.deadline = deadline
        self.max_nodes = max_nodes
        self.nodes = 0
        self.best = 0
        self.best_y: list[int] = [-1] * self.n
        self.y: list[int] = [-1] * self.n
        self.root = 0
        self.here = 0
        self.pending: list[int] = []  # bounds of the include-branches' exclude siblings along the path
        self.reach_cache: dict[int, int] = {}
        self.reach_limit = (1 << (sum(c) + 1)) - 1  # no room is larger than all of them together
        self.dp_cache: dict[int, np.ndarray] = {}
        self.memo: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self.bit = [1 << j for j in range(self.n)]

    # -- relaxations ----------------------------------------------------------------------

    def reach(self, mask: int) -> int:
        """The subset sums of the weights of the items in ``mask``, as a bitset (bit s: sum s)."""
        got = self.reach_cache.get(mask)
        if got is None:
            got = 1
            limit = self.reach_limit
            for j in range(self.n):
                if mask >> j & 1:
                    got = (got | got << self.w[j]) & limit
            if len(self.reach_cache) > 200_000:
                self.reach_cache.clear()
            self.reach_cache[mask] = got
        return got

    @staticmethod
    def tighten(reach: int, room: int) -> int:
        """The largest subset sum at most ``room``."""
        return (reach & ((1 << (room + 1)) - 1)).bit_length() - 1

    def dantzig(self, mask: int, room: int) -> int:
        """The continuous (Dantzig) bound of one knapsack of ``room`` over the items in ``mask``."""
        value = 0
        for j in range(self.n):
            if mask >> j & 1:
                if self.w[j] <= room:
                    room -= self.w[j]
                    value += self.p[j]
                else:
                    return value + self.p[j] * room // self.w[j]
        return value

    def knapsack(self, mask: int, room: int) -> int:
        """The exact optimum of one knapsack of ``room`` over the items in ``mask``."""
        if self.subset_sum:
            return self.tighten(self.reach(mask), room)
        table = self.dp_cache.get(mask)
        if table is None or len(table) <= room:
            table = np.zeros(room + 1, dtype=np.int64)
            for j in range(self.n):
                if mask >> j & 1 and self.w[j] <= room:
                    wj = self.w[j]
                    np.maximum(table[wj:], table[:-wj] + self.p[j], out=table[wj:])
            if len(self.dp_cache) > 20_000:
                self.dp_cache.clear()
            self.dp_cache[mask] = table
        return int(table[room])

    def bound(self, value: int, free: int, due: int, room_here: int, later: int) -> int:
        """Upper bound of a node: ``value`` so far, the due items packed, the rest by the surrogate relaxation.

        ``room_here`` is the (tightened) room of the open knapsack; ``later`` the first knapsack still empty.
        """
        reach = self.reach(free)
        room = room_here + sum(self.tighten(reach, self.c[i]) for i in range(later, self.m))
        due_w = due_p = 0
        for j in range(self.n):
            if due >> j & 1:
                due_w += self.w[j]
                due_p += self.p[j]
        room -= due_w
        if room < 0:
            return -1
        rest = free & ~due
        value += due_p
        quick = value + self.dantzig(rest, room)
        if quick <= self.best:
            return quick
        return value + self.knapsack(rest, room)

    # -- the search ------------------------------------------------------------------------

    def tick(self, ub: int) -> None:
        self.here = ub  # what the node being entered can reach at most (its parent's bound)
        self.nodes += 1
        if self.max_nodes is not None and self.nodes > self.max_nodes:
            raise _Stop
        if self.nodes % CHECK_EVERY == 0 and self.deadline is not None and time.process_time() > self.deadline:
            raise _Stop

    def record(self, value: int) -> None:
        if value > self.best:
            self.best = value
            self.best_y = list(self.y)
            if value >= self.root:
                raise _Done

    def fits(self, i: int, free: int) -> list[int]:
        """The free items that fit knapsack ``i`` when it is empty."""
        return [j for j in range(self.n) if free >> j & 1 and self.w[j] <= self.c[i]]

    def filling(self, i: int, free: int) -> list[int]:
        """An optimal filling of knapsack ``i`` alone from the free items (dynamic programming, traced back)."""
        fits = self.fits(i, free)
        room = self.c[i]
        keep = np.zeros((len(fits), room + 1), dtype=bool)
        table = np.zeros(room + 1, dtype=np.int64)
        for k, j in enumerate(fits):
            wj = self.w[j]
            took = table[:-wj] + self.p[j]
            better = took > table[wj:]
            keep[k, wj:] = better
            table[wj:] = np.where(better, took, table[wj:])
        chosen = []
        for k in range(len(fits) - 1, -1, -1):
            if keep[k, room]:
                chosen.append(fits[k])
                room -= self.w[fits[k]]
        return chosen

    def enter(self, i: int, value: int, free: int, due: int, ub: int) -> None:
        """Knapsack ``i`` opens (or the search reached a leaf)."""
        self.tick(ub)
        if i == self.m or not free:
            self.record(value)
            return
        if i == self.m - 1:
            # The last knapsack: its optimal filling is the best completion (due items or not).
            if value + self.knapsack(free, self.c[i]) > self.best:
                chosen = self.filling(i, free)
                for j in chosen:
                    self.y[j] = i
                self.record(value + sum(self.p[j] for j in chosen))
                for j in chosen:
                    self.y[j] = -1
            return
        seen = self.memo.get((i, free))
        if seen is not None and any(d & due == d and value + u <= self.best for d, u in seen):
            return
        # Heaviest first; among equal weights the most profitable first (the equal-weights rule).
        cands = sorted(self.fits(i, free), key=lambda j: (-self.w[j], -self.p[j]))
        self.decide(i, 0, cands, self.c[i], value, free, due, {}, ub)
        # Every completion of this state (respecting its due items) is now known to be worth at
        # most best - value; a later path reaching it with at least these due items can use that.
        if len(self.memo) > MEMO_STATES:
            self.memo.clear()
        self.memo.setdefault((i, free), []).append((due, self.best - value))

    def decide(
        self, i: int, k: int, cands: list[int], room: int, value: int, free: int, due: int, out: dict[int, int], ub: int
    ) -> None:
        """Candidate ``k`` of knapsack ``i`` (with ``room`` left): into ``i``, or kept out of ``i``."""
        self.tick(ub)
        w, p = self.w, self.p
        while k < len(cands) and (w[cands[k]] > room or out.get(w[cands[k]], -1) >= p[cands[k]]):
            k += 1
        if k == len(cands):
            self.close(i, room, value, free, due, ub)
            return
        left = 0
        for j in cands[k:]:
            if out.get(w[j], -1) < p[j]:
                left |= self.bit[j]
        here = self.bound(value, free, due, self.tighten(self.reach(left), room), i + 1)
        if here <= self.best:
            return
        j = cands[k]
        self.y[j] = i
        self.pending.append(here)
        self.decide(i, k + 1, cands, room - w[j], value + p[j], free & ~self.bit[j], due & ~self.bit[j], out, here)
        self.pending.pop()
        self.y[j] = -1
        kept = dict(out)
        kept[w[j]] = max(kept.get(w[j], -1), p[j])
        self.decide(i, k + 1, cands, room, value, free, due, kept, here)

    def close(self, i: int, room: int, value: int, free: int, due: int, ub: int) -> None:
        """Knapsack ``i`` is closed with ``room`` left: the free items that would fit it are due."""
        inside = [k for k in range(self.n) if self.y[k] == i]
        for j in range(self.n):
            if free >> j & 1 and not due >> j & 1:
                wj, pj = self.w[j], self.p[j]
                if wj <= room or any(self.p[k] < pj and self.w[k] + room >= wj for k in inside):
                    due |= self.bit[j]
        if due:
            biggest = max(self.c[i + 1 :], default=0)
            if any(due >> j & 1 and self.w[j] > biggest for j in range(self.n)):
                return
            if self.bound(value, free, due, 0, i + 1) <= self.best:
                return
        self.enter(i + 1, value, free, due, ub)

    def run(self, start: list[int]) -> int:
        """Search from the incumbent ``start``; the proved upper bound (``self.best`` if optimal)."""
        every = (1 << self.n) - 1
        self.root = self.bound(0, every, 0, 0, 0)
        self.best = -1
        self.y = start
        try:
            self.record(sum(self.p[j] for j in range(self.n) if start[j] >= 0))
            self.y = [-1] * self.n
            self.enter(0, 0, every, 0, self.root)
        except _Done:
            pass
        except _Stop:
            return max([self.best, self.here, *self.pending])
        return self.best


def _improve(p: list[int], w: list[int], c: list[int], y: list[int], deadline: float | None) -> list[int]:
    """Local search on an assignment: re-solve each group of knapsacks together with the items left out.

    Groups of two knapsacks, then of three; each group is a small multiple knapsack
    problem searched for at most :data:`GROUP_NODES` nodes from the current contents. A
    gain is kept and the round over the groups of that size starts again.
    """
    m = len(c)
    for size in (2, 3):
        gained = True
        while gained:
            gained = False
            for group in itertools.combinations(range(m), size):
                if deadline is not None and time.process_time() > deadline:
                    return y
                room = max(c[i] for i in group)
                items = [j for j in range(len(p)) if y[j] in group or (y[j] == -1 and w[j] <= room)]
                held = sum(p[j] for j in items if y[j] != -1)
                if sum(p[j] for j in items) <= held:
                    continue
                local = {i: k for k, i in enumerate(group)}
                sub = _Search(
                    [p[j] for j in items], [w[j] for j in items], [c[i] for i in group], deadline, GROUP_NODES
                )
                sub.run([local.get(y[j], -1) for j in items])
                if sub.best > held:
                    for k, j in enumerate(items):
                        y[j] = group[sub.best_y[k]] if sub.best_y[k] >= 0 else -1
                    gained = True
    return y


def solve(
    profits: Sequence[int],
    weights: Sequence[int],
    capacities: Sequence[int],
    *,
    budget: float | None = 10.0,
    local_search: bool = True,
) -> Solution:
    """The optimum of a 0-1 multiple knapsack problem, or the best found and a bound after ``budget`` CPU seconds.

    Any non-negative integers (zero-weight items go into the largest knapsack);
    ``budget=None`` searches to the end. ``local_search=False`` starts the tree
    search from MTHM's assignment as it is (the tests check the tree alone so).
    """
    t0 = time.process_time()
    n, m = len(weights), len(capacities)
    check_instance("solve", profits, weights, capacities)
    result: list[int | None] = [None] * n
    if m == 0:
        return Solution(0, tuple(result), 0, 0, time.process_time() - t0)
    largest = max(range(m), key=lambda i: (capacities[i], -i))
    core = []
    for j in range(n):
        if weights[j] == 0 and profits[j] > 0:
            result[j] = largest  # free profit
        elif profits[j] > 0 and weights[j] <= capacities[largest]:
            core.append(j)
    base = packed_profit(profits, result)
    if not core:
        return Solution(base, tuple(result), base, 0, time.process_time() - t0)
    lightest = min(weights[j] for j in core)
    knaps = sorted((i for i in range(m) if capacities[i] >= lightest), key=lambda i: (capacities[i], i))
    items = ratio_order(profits, weights, core)
    p = [profits[j] for j in items]
    w = [weights[j] for j in items]
    c = [capacities[i] for i in knaps]
    where = {i: k for k, i in enumerate(knaps)}
    seed = mthm(profits, weights, capacities)
    first = [-1 if (i := seed[j]) is None else where[i] for j in items]
    deadline = None if budget is None else t0 + budget
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20 * (len(items) * len(knaps) + len(knaps)) + 1000))
    try:
        if local_search:
            first = _improve(p, w, c, first, None if budget is None else t0 + IMPROVE_SHARE * budget)
        search = _Search(p, w, c, deadline)
        bound = search.run(first)
    finally:
        sys.setrecursionlimit(limit)
    for pos, j in enumerate(items):
        if search.best_y[pos] >= 0:
            result[j] = knaps[search.best_y[pos]]
    value = packed_profit(profits, result)
    assert value == base + search.best and is_feasible(weights, capacities, result)
    return Solution(value, tuple(result), base + bound, search.nodes, time.process_time() - t0)
