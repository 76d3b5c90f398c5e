"""Guarantee-mode admission: the brief's worked example, the per-failed-host split, failures=2 and the mutations."""

from __future__ import annotations

import random

import pytest

from ahvlab.model import solver
from ahvlab.model.capacity import (
    Vm,
    admit,
    figures,
    largest_host_floor,
    pack,
    plan,
    restart_best_effort,
    restart_targets,
    restartable,
    start_in_order,
)

THREE = (100, 100, 100)
VM01 = Vm("VM01", 70, 0)
VM02 = Vm("VM02", 40, 2)
VM03 = Vm("VM03", 40, 2)


def host_rows(p: object) -> list[tuple[int, int, int, int]]:
    return [(f.host + 1, f.used, f.reserve, f.free_for_vms) for f in figures(p)]  # type: ignore[arg-type]


def test_worked_example_step_1_vm01_gets_a_segment_on_host_2() -> None:
    got = admit(THREE, (), VM01)
    assert got.admitted
    assert got.plan.segment_of(0) == 1
    assert host_rows(got.plan) == [(1, 70, 0, 30), (2, 0, 70, 30), (3, 0, 0, 100)]


def test_worked_example_step_2_vm02_shares_host_2s_reserve_with_vm01() -> None:
    got = admit(THREE, (VM01,), VM02)
    assert got.admitted
    assert got.plan.segment_of(0) == got.plan.segment_of(1) == 1
    # H2's reserve is max(70 from H1, 40 from H3) = 70, not 110: 30% left to run VMs.
    assert host_rows(got.plan) == [(1, 70, 0, 30), (2, 0, 70, 30), (3, 40, 0, 60)]


def test_worked_example_step_3_vm03_raises_host_2s_reserve_to_80() -> None:
    got = admit(THREE, (VM01, VM02), VM03)
    assert got.admitted
    h2 = figures(got.plan)[1]
    assert (h2.reserve, h2.free_for_vms) == (80, 20)
    # 30% more for segments protecting host 1, 20% for segments protecting host 3.
    assert dict(h2.free_for_segments) == {(0,): 30, (2,): 20}


def test_worked_example_step_4_vm01_is_refused_when_vm02_and_vm03_run_on_different_hosts() -> None:
    running = (VM02, Vm("VM03", 40, 1))
    assert plan(THREE, running).ok
    got = admit(THREE, running, VM01)
    assert not got.admitted
    # Host 1 could run it (nothing else there) but its 70 fits no other host's 60 of room.
    assert sum(v.size for v in running if v.host == 0) + VM01.size <= 100
    assert got.reason.startswith("refused: if host 1 fails")
    assert "host 2: 60, host 3: 60" in got.reason
    assert got.plan.vms == running


def test_refused_vms_do_not_run_and_later_ones_are_judged_without_them() -> None:
    verdicts, final = start_in_order(THREE, [VM02, Vm("VM03", 40, 1), VM01, Vm("VM04", 20, 0)])
    assert [v.admitted for v in verdicts] == [True, True, False, True]
    assert [vm.name for vm in final.vms] == ["VM02", "VM03", "VM04"]


def test_a_parcel_that_does_not_fit_its_host_is_refused_with_the_figures() -> None:
    got = admit(THREE, (VM01,), Vm("VM09", 40, 0))
    assert not got.admitted
    assert got.reason == "refused: host 1 cannot hold the parcel: 70 used + 40 > capacity 100"


def test_an_unknown_host_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="host 4 is not a host"):
        admit(THREE, (), Vm("VM09", 1, 3))


def random_cluster(rng: random.Random) -> tuple[tuple[int, ...], tuple[Vm, ...]]:
    n = rng.randint(2, 4)
    caps = tuple(rng.randint(5, 20) for _ in range(n))
    vms = tuple(Vm(f"v{k}", rng.randint(0, 8), rng.randrange(n)) for k in range(rng.randint(1, 6)))
    return caps, vms


def test_the_per_failed_host_split_answers_like_the_whole_question_in_z3() -> None:
    rng = random.Random(5)
    seen = {True: 0, False: 0}
    for _ in range(80):
        caps, vms = random_cluster(rng)
        whole = solver.segments_exist(caps, tuple((v.size, v.host) for v in vms))
        assert not isinstance(whole, solver.Unknown)
        split = plan(caps, vms)
        assert split.ok == isinstance(whole, solver.Placed), (caps, vms)
        seen[split.ok] += 1
    assert seen[True] > 10 and seen[False] > 10


def test_every_admitted_plan_restarts_the_vms_of_any_one_failed_host() -> None:
    rng = random.Random(6)
    for _ in range(80):
        caps, vms = random_cluster(rng)
        p = plan(caps, vms)
        if p.ok:
            for g in range(len(caps)):
                assert restartable(caps, vms, restart_targets(p, (g,)), (g,))
            assert all(f.free_for_vms >= 0 for f in figures(p))


def test_the_heuristic_miss_is_admitted_through_z3_and_refused_by_mthm_alone() -> None:
    caps = (7, 3, 4)
    vms = [Vm("a", 3, 0), Vm("b", 2, 0), Vm("c", 2, 0)]
    verdicts, final = start_in_order(caps, vms)
    assert all(v.admitted for v in verdicts)
    assert "z3 (MTHM missed it)" in verdicts[-1].reason
    assert restartable(caps, final.vms, restart_targets(final, (0,)), (0,))
    verdicts, _ = start_in_order(caps, vms, method="mthm")
    assert [v.admitted for v in verdicts] == [True, True, False]
    assert "MTHM found no placement (z3 not asked)" in verdicts[-1].reason


HARD = (5, 5, 5, 4, 4, 4, 3, 3, 3, 7, 7, 7, 2, 2, 2, 6, 6, 6) * 2
HARD_ROOM = (13,) * 14 + (12,)


def test_a_z3_timeout_is_a_typed_unknown_and_refuses_the_start_as_undecided() -> None:
    # 36 VMs into 15 hosts with 6% slack: z3 needs a fraction of a second, far more than 1 ms.
    assert isinstance(solver.place(HARD, HARD_ROOM, timeout_ms=1), solver.Unknown)
    got = pack(HARD, HARD_ROOM, "z3", 1)
    assert got.status == "unknown"
    assert got.detail.startswith("z3 gave up")
    caps = (sum(HARD), *HARD_ROOM)
    vms = tuple(Vm(f"v{k}", size, 0) for k, size in enumerate(HARD))
    assert plan(caps, vms, method="z3", timeout_ms=1).status == "unknown"
    verdict = admit(caps, vms[:-1], vms[-1], method="z3", timeout_ms=1)
    assert not verdict.admitted
    assert verdict.reason.startswith("refused (undecided): if host 1 fails")
    assert "may not be restartable" in verdict.reason


def test_a_pigeonhole_is_settled_without_z3() -> None:
    got = pack((6,) * 13, (10,) * 12, "mthm+z3", 1)
    assert (got.status, got.how) == ("none", "trivial")


def test_tolerating_two_failures_plans_for_every_pair_of_hosts() -> None:
    a, b = Vm("a", 60, 0), Vm("b", 60, 1)
    one = admit(THREE, (a,), b)
    assert one.admitted
    two = admit(THREE, (a,), b, failures=2)
    assert not two.admitted
    assert "if host 1 and host 2 fails" in two.reason
    p = plan((100,) * 4, (Vm("a", 30, 0), Vm("b", 30, 1), Vm("c", 30, 2)), failures=2)
    assert p.ok
    assert len(p.restarts) == 6
    assert p.segment_of(0) is None
    for failed, moves in p.restarts:
        assert restartable(p.capacities, p.vms, dict(moves), failed)


def test_the_largest_host_rule_keeps_a_share_of_the_largest_host_free_everywhere() -> None:
    uneven = (200, 100, 100)
    assert largest_host_floor(uneven) == 100
    vm = Vm("small", 50, 1)
    assert admit(uneven, (), vm).admitted
    got = admit(uneven, (), vm, largest_host_rule=True)
    assert not got.admitted
    assert "largest-host rule reserves 100" in got.reason
    assert admit(uneven, (), Vm("big", 100, 0), largest_host_rule=True).admitted


def test_reserve_as_a_sum_refuses_the_briefs_step_2() -> None:
    assert admit(THREE, (), VM01, reserve_rule="sum").admitted
    assert not admit(THREE, (VM01,), VM02, reserve_rule="sum").admitted


def test_reserve_one_segment_too_few_admits_a_cluster_that_cannot_restart() -> None:
    running = (VM01, VM02, VM03)
    vm04 = Vm("VM04", 30, 1)
    assert not admit(THREE, running, vm04).admitted
    wrong = admit(THREE, running, vm04, reserve_rule="max_segment")
    assert wrong.admitted
    p = wrong.plan
    assert not restartable(THREE, p.vms, restart_targets(p, (2,)), (2,))


def test_best_effort_restarts_whatever_fits() -> None:
    vms = (VM01, Vm("x", 60, 1), Vm("y", 50, 2))
    got = restart_best_effort(THREE, vms, (0,))
    assert got == {}
    got = restart_best_effort(THREE, (Vm("p", 30, 0), Vm("q", 30, 0), Vm("r", 90, 1)), (0,))
    assert sorted(got) == [0, 1]
    assert set(got.values()) == {2}


def test_plans_are_memoised_on_their_hashable_inputs() -> None:
    vms = (VM01, VM02)
    first = plan(THREE, vms)
    hits = plan.cache_info().hits
    assert plan(THREE, vms) is first
    assert plan.cache_info().hits == hits + 1
