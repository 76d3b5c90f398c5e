"""The 0-1 multiple knapsack problem in pure Python: Martello and Toth's MTHM, feasibility, profit.

:func:`mthm` follows the Fortran routine MTHM of Martello and Toth's *Knapsack
Problems* (1990, section 6.6) decision for decision, as docs/capacity.md and
``MTHM.md`` describe it: an initial solution (the accurate variant for at most
5 knapsacks and 200 items, the quick one otherwise), then rearrangement, the
interchange improvement and the replacement improvement, and the safeguard that
returns the initial solution if the phases after it lost profit.

The phase functions work on a *normalised* instance, as the Fortran requires it:
items in decreasing profit/weight order, knapsacks in increasing capacity, every
profit and weight positive, every item fitting the largest knapsack, every
knapsack holding the lightest item, and the items not all fitting one knapsack.
An assignment there is a list with the knapsack of each item, ``-1`` for none.
:func:`mthm` accepts any non-negative integers and normalises them.

No z3 here: :mod:`ahvlab.model.solver` imports this module, never the other way.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

OUT = -1
"""The knapsack of an item that is in none."""

Stop = Literal["initial", "interchange", "all"]
"""How far :func:`mthm` goes: the initial solution only (the Fortran's ``li = 0``), up to
the interchange (``li = 1``: rearrangement and interchange), or every phase (``li = 2``)."""

ACCURATE_MAX_KNAPSACKS = 5
ACCURATE_MAX_ITEMS = 200
"""The accurate initial solution runs when ``m <= 5`` and ``n <= 200``, as in the Fortran."""


# -- the phases, on a normalised instance -------------------------------------------------


def residuals(w: Sequence[int], c: Sequence[int], y: Sequence[int]) -> list[int]:
    """The room left in each knapsack under assignment ``y``."""
    r = list(c)
    for j, i in enumerate(y):
        if i != OUT:
            r[i] -= w[j]
    return r


def initial_quick(p: Sequence[int], w: Sequence[int], c: Sequence[int]) -> list[int]:
    """Initial solution, quick variant: fill the knapsacks smallest first, each greedily in ratio order."""
    y = [OUT] * len(w)
    for i, room in enumerate(c):
        for j in range(len(w)):
            if y[j] == OUT and w[j] <= room:
                y[j] = i
                room -= w[j]
    return y


class _Tentative:
    """One knapsack's tentative greedy solution in the accurate initial solution (MTHM.md section 2)."""

    __slots__ = ("cz", "members", "v", "vz", "zz")

    def __init__(self, capacity: int) -> None:
        self.members: set[int] = set()
        self.zz = 0  # settled part: the members below position zz...
        self.cz = capacity  # ...leave this much room
        self.vz = 0  # ...and are worth this much
        self.v = 0  # the value of the whole tentative solution


def initial_accurate(p: Sequence[int], w: Sequence[int], c: Sequence[int]) -> list[int]:
    """Initial solution, accurate variant: items decided one at a time against every knapsack's greedy solution."""
    n = len(w)
    minw = [0] * (n + 1)
    minw[n] = max(c) + 1
    for j in range(n - 1, -1, -1):
        minw[j] = min(w[j], minw[j + 1])

    def fits_from(j: int, room: int) -> bool:
        # The ratio test is exact for integer profits >= 1: every later item has a ratio at most
        # p[j]/w[j], so one that fits in `room` has p/w >= 1/room.
        return j < n and room >= minw[j] and room * p[j] >= w[j]

    jstar = 0

    def recompute(t: _Tentative) -> None:
        t.members = {k for k in t.members if k < t.zz}
        j, room, val = t.zz, t.cz, t.vz
        while fits_from(j, room):
            if w[j] <= room:
                t.members.add(j)
                room -= w[j]
                val += p[j]
            elif j != jstar:
                break  # the critical item: what follows is not settled
            j += 1
        t.zz, t.cz, t.vz = j, room, val
        while fits_from(j, room):
            if w[j] <= room:
                t.members.add(j)
                room -= w[j]
                val += p[j]
            j += 1
        t.v = val

    knaps = [_Tentative(ci) for ci in c]
    for t in knaps:
        recompute(t)
    y = [OUT] * n
    for j in range(n):
        holders = [i for i, t in enumerate(knaps) if j in t.members]
        if not holders:
            continue
        if len(holders) == 1:
            (i,) = holders
            y[j] = i
            t = knaps[i]
            if j >= t.zz:
                t.zz, t.cz, t.vz = j + 1, t.cz - w[j], t.vz + p[j]
            continue
        jstar = j + 1
        for i, t in enumerate(knaps):
            if t.zz <= j:
                t.zz = j + 1
                if i in holders:
                    t.cz -= w[j]
                    t.vz += p[j]
        saved: dict[int, tuple[int, int, int]] = {}
        loss: dict[int, int] = {}
        for i in holders:
            t = knaps[i]
            saved[i] = (t.zz, t.cz, t.vz)
            old = t.v
            t.cz += w[j]
            t.vz -= p[j]
            recompute(t)
            loss[i] = old - t.v
        best = max(holders, key=lambda i: (loss[i], -i))
        y[j] = best
        t = knaps[best]
        t.zz, t.cz, t.vz = saved[best]
        recompute(t)
    return y


def rearrange(w: Sequence[int], c: Sequence[int], y: Sequence[int]) -> list[int]:
    """Phase 2: re-insert the packed items worst ratio first, cycling over the knapsacks; then fill the room."""
    m = len(c)
    out = [OUT] * len(w)
    r = list(c)
    i = 0
    for j in range(len(w) - 1, -1, -1):
        if y[j] == OUT:
            # The pointer moves on for a left-out item too, as in the Fortran.
            i = (i + 1) % m
            continue
        target = next((k for k in itertools.chain(range(i, m), range(i)) if w[j] <= r[k]), OUT)
        if target != OUT:
            out[j] = target
            r[target] -= w[j]
            i = (target + 1) % m
    for j in range(len(w)):
        if out[j] == OUT:
            roomiest = min(range(m), key=lambda k: (-r[k], k))
            if w[j] <= r[roomiest]:
                out[j] = roomiest
                r[roomiest] -= w[j]
    return out


def interchange(p: Sequence[int], w: Sequence[int], c: Sequence[int], y: Sequence[int]) -> list[int]:
    """Phase 3: swap two packed items of different knapsacks when the room it frees lets a left-out item in."""
    y = list(y)
    r = residuals(w, c, y)
    n = len(w)
    for j in range(n):
        for k in range(j + 1, n):
            if y[j] == OUT or y[k] == OUT or y[j] == y[k] or w[j] == w[k]:
                continue
            h, lo = (j, k) if w[j] > w[k] else (k, j)
            d = w[h] - w[lo]
            kh, kl = y[h], y[lo]
            if d > r[kl]:
                continue
            room = r[kh] + d
            t = OUT
            for u in range(n):
                if y[u] == OUT and w[u] <= room and (t == OUT or p[u] > p[t]):
                    t = u
            if t == OUT:
                continue
            r[kh] = room - w[t]
            r[kl] -= d
            y[h], y[lo], y[t] = kl, kh, kh
    return y


def replace(p: Sequence[int], w: Sequence[int], c: Sequence[int], y: Sequence[int]) -> list[int]:
    """Phase 4: take a packed item out when the left-out items that then fit bring more profit.

    Scans cyclically from the worst ratio and stops after a full round without a replacement.
    """
    y = list(y)
    r = residuals(w, c, y)
    n = len(w)
    j = last = n - 1
    while True:
        i = y[j]
        if i != OUT:
            room = r[i] + w[j]
            picked = []
            for k in range(n):
                if y[k] == OUT and w[k] <= room:
                    picked.append(k)
                    room -= w[k]
            if sum(p[k] for k in picked) > p[j]:
                for k in picked:
                    y[k] = i
                r[i] = room
                y[j] = OUT
                last = j
        j = j - 1 if j > 0 else n - 1
        if j == last:
            return y


def mthm_core(p: Sequence[int], w: Sequence[int], c: Sequence[int], stop: Stop = "all") -> list[int]:
    """MTHM on a normalised instance (module docstring): the knapsack of each item, ``-1`` for none."""
    accurate = len(c) <= ACCURATE_MAX_KNAPSACKS and len(w) <= ACCURATE_MAX_ITEMS
    start = initial_accurate(p, w, c) if accurate else initial_quick(p, w, c)
    if stop == "initial":
        return start
    y = interchange(p, w, c, rearrange(w, c, start))
    if stop == "all":
        y = replace(p, w, c, y)
    # The safeguard: the phases after the initial solution may lose profit (the rearrangement can).
    return start if _profit(p, y) < _profit(p, start) else y


def _profit(p: Sequence[int], y: Sequence[int]) -> int:
    return sum(p[j] for j, i in enumerate(y) if i != OUT)


# -- any input ---------------------------------------------------------------------------


def check_instance(who: str, profits: Sequence[int], weights: Sequence[int], capacities: Sequence[int]) -> None:
    """Refuse an instance that is not one: a profit per weight, every number an integer >= 0 (ValueError)."""
    if len(profits) != len(weights):
        raise ValueError(f"{who}: {len(profits)} profits but {len(weights)} weights")
    for label, seq in (("profit", profits), ("weight", weights), ("capacity", capacities)):
        for k, x in enumerate(seq):
            if not isinstance(x, int) or isinstance(x, bool) or x < 0:
                raise ValueError(f"{who}: {label} {k} is {x!r} (expected an integer >= 0)")


def ratio_order(profits: Sequence[int], weights: Sequence[int], items: Sequence[int]) -> list[int]:
    """``items`` (positive weights) in decreasing profit/weight order; among equal ratios the heavier first."""
    return sorted(items, key=lambda j: (-Fraction(profits[j], weights[j]), -weights[j], j))


def mthm(
    profits: Sequence[int], weights: Sequence[int], capacities: Sequence[int], *, stop: Stop = "all"
) -> list[int | None]:
    """Martello and Toth's MTHM for the 0-1 multiple knapsack problem: the knapsack of each item, or None.

    Any non-negative integers are accepted, including what the Fortran refuses:
    zero-weight items go into the largest knapsack, zero-profit items (of positive
    weight) and items larger than every knapsack stay out, knapsacks too small for
    every item stay empty, and when all items fit the largest knapsack they all go
    there (the optimum). The rest is MTHM on the normalised instance.
    """
    n = len(weights)
    check_instance("mthm", profits, weights, capacities)
    result: list[int | None] = [None] * n
    if not capacities:
        return result
    m = len(capacities)
    largest = min(range(m), key=lambda i: (-capacities[i], i))
    core = []
    for j in range(n):
        if weights[j] == 0:
            result[j] = largest
        elif profits[j] > 0 and weights[j] <= capacities[largest]:
            core.append(j)
    if not core:
        return result
    if sum(weights[j] for j in core) <= capacities[largest]:
        for j in core:
            result[j] = largest
        return result
    lightest = min(weights[j] for j in core)
    knaps = sorted((i for i in range(m) if capacities[i] >= lightest), key=lambda i: (capacities[i], i))
    items = ratio_order(profits, weights, core)
    y = mthm_core([profits[j] for j in items], [weights[j] for j in items], [capacities[i] for i in knaps], stop)
    for pos, j in enumerate(items):
        if y[pos] != OUT:
            result[j] = knaps[y[pos]]
    return result


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
