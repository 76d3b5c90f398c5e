"""Guarantee-mode capacity: parcels, segments, plans, admission, reserves, and the AHV model's seam.

The knapsack heuristic is :mod:`ahvlab.model.knapsack` (pure Python); the exact
answers (is there *any* segment placement?) come from :mod:`ahvlab.model.solver`,
the one module that imports z3. Both are imported here, at the top.

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
import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple, cast

from ahvlab.model import solver
from ahvlab.model.config import Config
from ahvlab.model.knapsack import mthm, packed_profit

ReserveRule = Literal["max_per_host", "sum", "max_segment"]
"""How a host's reserve is computed from the segments it holds.

``max_per_host`` is the rule of the brief: the largest total from any *one* other
host. ``sum`` (no sharing at all: safe but wasteful) and ``max_segment`` (segments
of VMs of the *same* host share too: one segment too few, unsafe) are the two
halves of the mutation ``segments_not_shared_correctly``.
"""
RESERVE_RULES: tuple[ReserveRule, ...] = ("max_per_host", "sum", "max_segment")

Method = Literal["mthm", "mthm+z3", "exact"]
"""Who decides "is there a segment placement?": MTHM alone, as AHV does (it may refuse a
feasible start; z3 then only says whether it missed one), MTHM and z3 when MTHM leaves a
VM out, or z3 alone."""
METHODS: tuple[Method, ...] = ("mthm", "mthm+z3", "exact")

DEFAULT_TIMEOUT_MS = solver.DEFAULT_TIMEOUT_MS

MUTATION = "segments_not_shared_correctly"
"""The model mutation: a host's reserve is its largest single segment (one segment too few)."""


@dataclass(frozen=True)
class Policy:
    """How admission decides: one immutable value for the CLI, the model and the scenarios.

    The largest-host rule applies only where host capacities differ (see
    :func:`largest_host_floor`).
    """

    method: Method = "mthm"
    largest_host_rule: bool = True
    reserve_rule: ReserveRule = "max_per_host"
    failures: int = 1
    timeout_ms: int = DEFAULT_TIMEOUT_MS


DEFAULT_POLICY = Policy()
"""What AHV does: MTHM decides, the largest-host rule on for uneven hosts, the brief's reserve."""
EXACT = Policy(method="mthm+z3", largest_host_rule=False)
"""The physical question, whatever the policy: can every VM of a failed host restart?"""


def policy_of(config: Config) -> Policy:
    """The model's admission policy: ``admission``, ``largest_host_rule`` and the mutation's reserve rule."""
    rule: ReserveRule = "max_segment" if MUTATION in config.mutations else "max_per_host"
    return Policy(cast(Method, config.admission), config.largest_host_rule, rule)


# -- segment placement --------------------------------------------------------


class Vm(NamedTuple):
    """A running (or starting) VM: its name, size and 0-based host."""

    name: str
    size: int
    host: int


@dataclass(frozen=True)
class Packing:
    """The answer for one failure set: where its VMs restart, or why not.

    ``targets`` lists the restart host of each VM of the failure set (in the order
    given) when ``status == "ok"``; ``how`` says who answered ("mthm", "z3",
    "z3 (MTHM missed it)", "trivial").
    """

    status: Literal["ok", "none", "unknown"]
    targets: tuple[int, ...] = ()
    how: str = ""
    detail: str = ""


@lru_cache(maxsize=65536)
def pack(
    items: tuple[int, ...], bins: tuple[int, ...], method: Method = "mthm", timeout_ms: int = DEFAULT_TIMEOUT_MS
) -> Packing:
    """Pack every item into the bins (indices into ``bins``); memoised on its hashable inputs."""
    if not items:
        return Packing("ok", (), "trivial")
    if sum(items) > sum(bins):
        return Packing("none", (), "trivial", f"{sum(items)} to restart, {sum(bins)} free in all")
    if max(items) > max(bins, default=-1):
        return Packing("none", (), "trivial", f"{max(items)} fits in no host's room (largest {max(bins, default=0)})")
    bound = _count_bound(items, bins)
    if bound < len(items):
        return Packing("none", (), "trivial", f"{len(items)} VMs, but the rooms hold {bound} at most")
    if method != "exact":
        got = mthm(list(items), list(items), list(bins))
        if all(a is not None for a in got):
            return Packing("ok", tuple(a for a in got if a is not None), "mthm")
        if method == "mthm":
            return Packing("none", (), "mthm", "MTHM leaves a VM out")
    answer = solver.place(items, bins, timeout_ms=timeout_ms)
    if isinstance(answer, solver.Placed):
        return Packing("ok", answer.assignment, "z3" if method == "exact" else "z3 (MTHM missed it)")
    if isinstance(answer, solver.NoPlacement):
        return Packing("none", (), "z3", "z3: no placement exists")
    return Packing("unknown", (), "z3", f"z3 gave up: {answer.reason}")


def _count_bound(items: tuple[int, ...], bins: tuple[int, ...]) -> int:
    # A bin holds at most as many items as the smallest ones that fit in it together: a cheap
    # bound that settles pigeonhole instances (13 VMs of 6 into 12 rooms of 10), hard for z3.
    prefix = list(itertools.accumulate(sorted(items)))
    return sum(bisect.bisect_right(prefix, c) for c in bins)


Restarts = tuple[tuple[tuple[int, ...], tuple[tuple[int, int], ...]], ...]
"""Per failure set, ``(VM index, restart host)`` for each VM lost with it."""


@dataclass(frozen=True)
class Plan:
    """A segment plan for a set of running VMs, or the reason there is none.

    ``restarts`` maps each failure set (a tuple of 0-based hosts) to the restart
    host of each VM (index into ``vms``) lost with it. With ``failures == 1`` the
    restart host of a VM is its segment host (:meth:`segment_of`). ``how`` is
    ``"mthm"`` for a refusal that only MTHM made (z3 was not asked).
    """

    capacities: tuple[int, ...]
    vms: tuple[Vm, ...]
    failures: int
    status: Literal["ok", "none", "unknown"]
    restarts: Restarts = ()
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
    """The largest-host rule's free room per host: ``failures`` largest hosts' worth spread over the survivors.

    Only hosts with capacity count (a host that is down offers none), and the rule
    applies only when their capacities differ: 0 otherwise.
    """
    live = [c for c in capacities if c > 0]
    if len(set(live)) < 2 or len(live) <= failures:
        return 0
    return -(-failures * max(live) // (len(live) - failures))


@lru_cache(maxsize=65536)
def plan(capacities: tuple[int, ...], vms: tuple[Vm, ...], policy: Policy = DEFAULT_POLICY) -> Plan:
    """Find segments for every VM so that ``used + reserve <= capacity`` on every host (memoised).

    With the correct reserve rule this is one packing problem per failure set
    (module docstring); the other two rules are the mutation's wrong reserves.
    """
    n = len(capacities)
    failures = policy.failures
    if failures < 1:
        raise ValueError(f"failures must be >= 1, got {failures}")
    if failures > 1 and policy.reserve_rule != "max_per_host":
        raise ValueError(f"the reserve rule {policy.reserve_rule!r} is defined for single failures only")
    use = used(capacities, vms)
    for h in range(n):
        if use[h] > capacities[h]:
            return Plan(
                capacities, vms, failures, "none", reason=f"host {h + 1} runs {use[h]} > capacity {capacities[h]}"
            )
    free = [capacities[h] - use[h] for h in range(n)]
    floor = largest_host_floor(capacities, failures) if policy.largest_host_rule else 0
    for h in range(n):
        if capacities[h] > 0 and free[h] < floor:
            reason = f"host {h + 1} has {free[h]} free, the largest-host rule reserves {floor}"
            return Plan(capacities, vms, failures, "none", reason=reason)
    if policy.reserve_rule == "max_segment":
        return _plan_max_segment(capacities, vms, free)
    if policy.reserve_rule == "sum":
        return _plan_sum(capacities, vms, free, policy.timeout_ms)
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
        got = pack(items, bins, policy.method, policy.timeout_ms)
        if got.status != "ok":
            names = ", ".join(f"{vms[k].name}={vms[k].size}" for k in lost)
            where = ", ".join(f"host {h + 1}: {free[h]}" for h in survivors) or "no host left"
            lost_hosts = " and ".join(f"host {h + 1}" for h in failed)
            verdict = {"none": "cannot be restarted", "unknown": "may not be restartable"}[got.status]
            if got.how == "mthm":
                verdict = "are not all placed by MTHM"
            reason = f"if {lost_hosts} fails, its VMs ({names}) {verdict} on the free capacity left ({where})"
            if got.detail and got.how != "mthm":
                reason += f"; {got.detail}"
            return Plan(capacities, vms, failures, got.status, reason=reason, how=got.how)
        hows.add(got.how)
        restarts.append((failed, tuple((k, survivors[t]) for k, t in zip(lost, got.targets, strict=True))))
    how = "+".join(sorted(h for h in hows if h != "trivial")) or "trivial"
    return Plan(capacities, vms, failures, "ok", tuple(restarts), how=how)


def _by_failed_host(n: int, vms: tuple[Vm, ...], seg: Sequence[int]) -> Restarts:
    return tuple(((g,), tuple((k, seg[k]) for k, vm in enumerate(vms) if vm.host == g)) for g in range(n))


def _plan_max_segment(capacities: tuple[int, ...], vms: tuple[Vm, ...], free: list[int]) -> Plan:
    # Mutation: a reserve equal to the largest single segment lets each VM pick any other host
    # with room for it alone, as if VMs of one host could never fail together.
    n = len(capacities)
    segs = []
    for vm in vms:
        fits = [h for h in range(n) if h != vm.host and free[h] >= vm.size]
        if not fits:
            return Plan(capacities, vms, 1, "none", reason=f"no other host has {vm.size} free for {vm.name}'s segment")
        segs.append(min(fits, key=lambda h: (-free[h], h)))
    return Plan(capacities, vms, 1, "ok", _by_failed_host(n, vms, segs), how="max_segment")


def _plan_sum(capacities: tuple[int, ...], vms: tuple[Vm, ...], free: list[int], timeout_ms: int) -> Plan:
    # Mutation: no sharing at all, every segment has its own room; one packing with the
    # extra rule that a VM's segment is never on its own host, answered by z3.
    items = tuple(vm.size for vm in vms)
    forbidden = tuple(vm.host for vm in vms)
    answer = solver.place(items, tuple(free), forbidden=forbidden, timeout_ms=timeout_ms)
    if isinstance(answer, solver.Placed):
        return Plan(capacities, vms, 1, "ok", _by_failed_host(len(capacities), vms, answer.assignment), how="sum")
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
    policy: Policy = DEFAULT_POLICY,
    *,
    explain: bool = True,
) -> Admission:
    """Admit ``vm`` if, with it running, the policy finds a segment placement protecting every VM.

    When MTHM alone refuses, ``explain`` asks z3 the exact question for the reason
    only: "a placement exists ...: the heuristic missed it" or "no placement
    exists". The model passes ``explain=False`` to keep z3 out of its search.
    """
    if not 0 <= vm.host < len(capacities):
        raise ValueError(f"{vm.name}: host {vm.host + 1} is not a host of this cluster (1..{len(capacities)})")
    parcel = sum(v.size for v in running if v.host == vm.host)
    if parcel + vm.size > capacities[vm.host]:
        reason = f"refused: host {vm.host + 1} cannot hold the parcel: {parcel} used + {vm.size} > capacity {capacities[vm.host]}"
        return Admission(vm, False, reason, plan(capacities, running, policy))
    after = plan(capacities, (*running, vm), policy)
    if after.ok:
        seg = after.segment_of(len(running))
        failures = policy.failures
        where = f"segment on host {seg + 1} at start" if seg is not None else f"restart plans for {failures} failures"
        return Admission(vm, True, f"{where}; every VM protected ({after.how})", after)
    if after.how == "mthm":
        reason = _mthm_refusal(capacities, (*running, vm), policy) if explain else f"refused: {after.reason}"
    else:
        prefix = "refused" if after.status == "none" else "refused (undecided)"
        reason = f"{prefix}: {after.reason}"
    # The plan in force stays the one without the VM (computed only now: a refusal is the rarer case).
    return Admission(vm, False, reason, plan(capacities, running, policy))


def _mthm_refusal(capacities: tuple[int, ...], vms: tuple[Vm, ...], policy: Policy) -> str:
    # MTHM decided; z3 says whether the heuristic missed a placement (same rules, exact packing).
    name = vms[-1].name
    exact = plan(capacities, vms, dataclasses.replace(policy, method="mthm+z3"))
    if exact.ok:
        seg = exact.segment_of(len(vms) - 1)
        where = f"{name}'s segment on host {seg + 1}" if seg is not None else "restart plans for every failure set"
        return f"refused: MTHM refuses VM {name}; a placement exists ({where}): the heuristic missed it"
    if exact.status == "unknown":
        return f"refused: MTHM refuses VM {name}; z3 could not tell whether a placement exists ({exact.reason})"
    return f"refused: MTHM refuses VM {name}; no placement exists: {exact.reason}"


def start_in_order(
    capacities: tuple[int, ...], vms: Sequence[Vm], policy: Policy = DEFAULT_POLICY
) -> tuple[list[Admission], Plan]:
    """Start ``vms`` one after the other, each admitted or refused; returns the verdicts and the final plan."""
    running: tuple[Vm, ...] = ()
    verdicts = []
    current = plan(capacities, running, policy)
    for vm in vms:
        got = admit(capacities, running, vm, policy)
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


def best_effort_restart(rooms: Sequence[int], sizes: Sequence[int]) -> tuple[int | None, ...]:
    """The one best-effort placement: the room each VM restarts in (index into ``rooms``), or None.

    Each VM, in order, goes to the room with the most space (the first on a tie),
    which spreads the starts over the hosts. If that leaves a VM down and some
    assignment restarts every VM, that assignment is used (MTHM, then z3 when
    MTHM misses it); if none exists, MTHM restarts as much memory as it can.
    """
    free = [max(0, r) for r in rooms]
    spread: list[int | None] = []
    for size in sizes:
        fits = [h for h in range(len(free)) if free[h] >= size]
        h = min(fits, key=lambda x: (-free[x], x)) if fits else None
        if h is not None:
            free[h] -= size
        spread.append(h)
    if all(h is not None for h in spread):
        return tuple(spread)
    rooms_t = tuple(max(0, r) for r in rooms)
    whole = pack(tuple(sizes), rooms_t, "mthm+z3")
    if whole.status == "ok":
        return whole.targets
    most = mthm(list(sizes), list(sizes), list(rooms_t))
    return tuple(most) if packed_profit(sizes, most) > packed_profit(sizes, spread) else tuple(spread)


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


# -- the AHV model's seam -------------------------------------------------------


class PlacementRequest(NamedTuple):
    """A placement question from the AHV model in plain values (hosts and VMs 0-based)."""

    host_memory: tuple[int, ...]
    vm_memory: tuple[int, ...]
    placement: tuple[int, ...]
    """Where every VM runs now (-1: nowhere)."""
    healthy: tuple[int, ...]
    """Hosts that may receive a VM."""
    to_place: tuple[int, ...]
    """The VMs to (re)start, in order."""
    lost_host: int
    """The host whose VMs are restarted (-1 for a plain start)."""
    policy: Policy = DEFAULT_POLICY
    """Guarantee mode's admission policy (:func:`policy_of` the config)."""


def _running(vm_memory: Sequence[int], placement: Sequence[int], skip: Sequence[int] = ()) -> tuple[Vm, ...]:
    # Vm names are the model's VM indices, so a plan maps straight back to the model.
    return tuple(Vm(str(i), vm_memory[i], h) for i, h in enumerate(placement) if h >= 0 and i not in skip)


def _capacities(host_memory: Sequence[int], placement: Sequence[int], healthy: Sequence[int]) -> tuple[int, ...]:
    # A host that cannot receive VMs and runs none offers no room for segments (it is down,
    # or already failed and emptied by HA). One that still holds VMs keeps its capacity so
    # that its parcels are counted until HA moves them.
    holding = {h for h in placement if h >= 0}
    return tuple(m if h in healthy or h in holding else 0 for h, m in enumerate(host_memory))


def _starts(req: PlacementRequest, vm: int, placement: Sequence[int]) -> list[int]:
    # Every healthy host admission admits ``vm`` on, most free memory first.
    caps = _capacities(req.host_memory, placement, req.healthy)
    running = _running(req.vm_memory, placement, skip=(vm,))
    use = used(caps, running)
    return [
        h
        for h in sorted(req.healthy, key=lambda x: (-(caps[x] - use[x]), x))
        if admit(caps, running, Vm(str(vm), req.vm_memory[vm], h), req.policy, explain=False).admitted
    ]


def guarantee_targets(req: PlacementRequest) -> dict[int, int | None]:
    """Guarantee mode for the AHV model: VM index -> host (None: refused, or no room).

    A start (``lost_host == -1``) goes to the first healthy host, most free memory
    first, on which admission admits it. An HA restart sends each VM of the lost
    host to its segment host; the VMs whose segment host cannot take them (the
    guarantee was broken, e.g. by the mutation) go through :func:`best_effort_restart`.
    """
    placement = list(req.placement)
    out: dict[int, int | None] = {}
    if req.lost_host < 0:
        for vm in req.to_place:
            hosts = _starts(req, vm, placement)
            out[vm] = hosts[0] if hosts else None
            if hosts:
                placement[vm] = hosts[0]
        return out
    caps = _capacities(req.host_memory, placement, req.healthy)
    # The segments as planned, whatever the largest-host rule says about new starts.
    p = plan(caps, _running(req.vm_memory, placement), dataclasses.replace(req.policy, largest_host_rule=False))
    segments = {int(p.vms[k].name): h for k, h in restart_targets(p, (req.lost_host,)).items()} if p.ok else {}
    moving = set(req.to_place)
    free = list(req.host_memory)
    for i, h in enumerate(placement):
        if h >= 0 and i not in moving:
            free[h] -= req.vm_memory[i]
    rest = []
    for vm in req.to_place:
        target = segments.get(vm)
        if target is not None and target in req.healthy and free[target] >= req.vm_memory[vm]:
            out[vm] = target
            free[target] -= req.vm_memory[vm]
        else:
            rest.append(vm)
    got = best_effort_restart([free[h] for h in req.healthy], [req.vm_memory[vm] for vm in rest])
    for vm, k in zip(rest, got, strict=True):
        out[vm] = None if k is None else req.healthy[k]
    return {vm: out[vm] for vm in req.to_place}


def admissible_hosts(req: PlacementRequest, vm: int) -> list[int]:
    """Guarantee mode: every healthy host on which admission lets ``vm`` start now (most free memory first)."""
    return _starts(req, vm, req.placement)


def guarantee_protects(
    host_memory: tuple[int, ...], vm_memory: tuple[int, ...], placement: tuple[int, ...], down: frozenset[int]
) -> bool:
    """The invariant: every VM of any one failed host can be restarted on the others' free memory.

    With no host down, that must hold for each host in turn (a segment plan exists,
    decided exactly); with one host down, for that host; beyond one failure nothing
    is guaranteed. Judged exactly with the correct reserve rule whatever the policy
    (:data:`EXACT`), so the mutation's admissions are caught and an MTHM policy,
    stricter than the truth, never trips it. An undecided answer counts as a violation.
    """
    if len(down) > 1:
        return True
    vms = _running(vm_memory, placement)
    if not down:
        return plan(host_memory, vms, EXACT).ok
    (g,) = down
    lost = tuple(v.size for v in vms if v.host == g)
    use = used(host_memory, vms)
    room = tuple(host_memory[h] - use[h] for h in range(len(host_memory)) if h != g)
    return min(room, default=0) >= 0 and pack(lost, room, EXACT.method).status == "ok"


def state_plan(
    host_memory: tuple[int, ...],
    vm_memory: tuple[int, ...],
    placement: tuple[int, ...],
    up: Sequence[bool],
    policy: Policy,
) -> Plan:
    """The segment plan of a model state under the policy; a host that is down and empty holds no segment.

    Its VMs are named by their model index (``"0"``, ``"1"``, ...).
    """
    healthy = tuple(h for h in range(len(host_memory)) if up[h])
    return plan(_capacities(host_memory, placement, healthy), _running(vm_memory, placement), policy)


def host_reserves(
    host_memory: tuple[int, ...],
    vm_memory: tuple[int, ...],
    placement: tuple[int, ...],
    up: Sequence[bool],
    policy: Policy,
) -> list[int | None]:
    """Each host's reserve under :func:`state_plan`; None for a host that is down, and for all without a plan."""
    p = state_plan(host_memory, vm_memory, placement, up, policy)
    if not p.ok:
        return [None] * len(host_memory)
    return [f.reserve if up[f.host] else None for f in figures(p, reserve_rule=policy.reserve_rule)]
