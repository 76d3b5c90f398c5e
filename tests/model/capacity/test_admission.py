"""Guarantee-mode admission: the brief's worked example, the per-failed-host split, failures=2 and the mutations."""

from __future__ import annotations

import random

import pytest

from ahvlab.model import solver
from ahvlab.model.capacity import (
    EXACT,
    Policy,
    Vm,
    admit,
    best_effort_restart,
    figures,
    largest_host_floor,
    pack,
    plan,
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
        split = plan(caps, vms, EXACT)
        assert split.ok == isinstance(whole, solver.Placed), (caps, vms)
        seen[split.ok] += 1
    assert seen[True] > 10 and seen[False] > 10


def test_every_admitted_plan_restarts_the_vms_of_any_one_failed_host() -> None:
    rng = random.Random(6)
    for _ in range(80):
        caps, vms = random_cluster(rng)
        p = plan(caps, vms, EXACT)
        if p.ok:
            for g in range(len(caps)):
                assert restartable(caps, vms, restart_targets(p, (g,)), (g,))
            assert all(f.free_for_vms >= 0 for f in figures(p))


# The smallest MTHM miss (docs/capacity.md): host 1's VMs 5, 3, 3, 2, 1 into rooms 1, 6, 7.
MISS_HOSTS = (14, 1, 6, 7)
MISS_VMS = [Vm("a", 5, 0), Vm("b", 3, 0), Vm("c", 3, 0), Vm("d", 2, 0), Vm("e", 1, 0)]
UNRULED = Policy(largest_host_rule=False)


def test_admission_decides_with_mthm_by_default_and_says_when_the_heuristic_missed_a_placement() -> None:
    verdicts, final = start_in_order(MISS_HOSTS, MISS_VMS, UNRULED)
    assert [v.admitted for v in verdicts] == [True, True, True, True, False]
    assert verdicts[-1].reason == (
        "refused: MTHM refuses VM e; a placement exists (e's segment on host 2): the heuristic missed it"
    )
    assert [vm.name for vm in final.vms] == ["a", "b", "c", "d"]


def test_mthm_then_z3_admits_what_mthm_missed_and_z3_alone_too() -> None:
    verdicts, final = start_in_order(MISS_HOSTS, MISS_VMS, Policy("mthm+z3", largest_host_rule=False))
    assert all(v.admitted for v in verdicts)
    assert "z3 (MTHM missed it)" in verdicts[-1].reason
    assert restartable(MISS_HOSTS, final.vms, restart_targets(final, (0,)), (0,))
    verdicts, _ = start_in_order(MISS_HOSTS, MISS_VMS, Policy("exact", largest_host_rule=False))
    assert all(v.admitted for v in verdicts)


def test_a_refusal_by_mthm_that_z3_confirms_says_no_placement_exists() -> None:
    # 6, 3 and 3 into rooms of 8 and 4: the total fits, but the 6 and a 3 leave the other 3 out.
    got = admit((12, 8, 4), (Vm("a", 6, 0), Vm("b", 3, 0)), Vm("c", 3, 0), UNRULED)
    assert not got.admitted
    assert got.reason.startswith("refused: MTHM refuses VM c; no placement exists: if host 1 fails")


def test_the_model_asks_for_no_explanation_and_z3_stays_out() -> None:
    got = admit(MISS_HOSTS, tuple(MISS_VMS[:-1]), MISS_VMS[-1], UNRULED, explain=False)
    assert not got.admitted
    assert "are not all placed by MTHM" in got.reason


HARD = (5, 5, 5, 4, 4, 4, 3, 3, 3, 7, 7, 7, 2, 2, 2, 6, 6, 6) * 2
HARD_ROOM = (13,) * 14 + (12,)


def test_a_z3_timeout_is_a_typed_unknown_and_refuses_the_start_as_undecided() -> None:
    # 36 VMs into 15 hosts with 6% slack: z3 needs a fraction of a second, far more than 1 ms.
    assert isinstance(solver.place(HARD, HARD_ROOM, timeout_ms=1), solver.Unknown)
    got = pack(HARD, HARD_ROOM, "exact", 1)
    assert got.status == "unknown"
    assert got.detail.startswith("z3 gave up")
    caps = (sum(HARD), *HARD_ROOM)
    vms = tuple(Vm(f"v{k}", size, 0) for k, size in enumerate(HARD))
    hurried = Policy("exact", largest_host_rule=False, timeout_ms=1)
    assert plan(caps, vms, hurried).status == "unknown"
    verdict = admit(caps, vms[:-1], vms[-1], hurried)
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
    two = admit(THREE, (a,), b, Policy(failures=2))
    assert not two.admitted
    assert "if host 1 and host 2 fails" in two.reason
    p = plan((100,) * 4, (Vm("a", 30, 0), Vm("b", 30, 1), Vm("c", 30, 2)), Policy(failures=2))
    assert p.ok
    assert len(p.restarts) == 6
    assert p.segment_of(0) is None
    for failed, moves in p.restarts:
        assert restartable(p.capacities, p.vms, dict(moves), failed)


def test_the_largest_host_rule_is_on_by_default_for_uneven_hosts() -> None:
    uneven = (200, 100, 100)
    # ceil(1 * 200 / (3 - 1)) = 100 must stay free on every host.
    assert largest_host_floor(uneven) == 100
    vm = Vm("A", 50, 1)
    got = admit(uneven, (), vm)
    assert not got.admitted
    assert got.reason == "refused: host 2 has 50 free, the largest-host rule reserves 100"
    assert admit(uneven, (), vm, Policy(largest_host_rule=False)).admitted
    assert admit(uneven, (), Vm("big", 100, 0)).admitted


def test_the_largest_host_rule_has_nothing_to_say_about_equal_hosts_or_hosts_that_are_down() -> None:
    assert largest_host_floor(THREE) == 0
    assert largest_host_floor((100, 0, 100)) == 0
    assert largest_host_floor((200, 0, 100)) == 200


def test_reserve_as_a_sum_refuses_the_briefs_step_2() -> None:
    summed = Policy(reserve_rule="sum")
    assert admit(THREE, (), VM01, summed).admitted
    assert not admit(THREE, (VM01,), VM02, summed).admitted


def test_reserve_one_segment_too_few_admits_a_cluster_that_cannot_restart() -> None:
    running = (VM01, VM02, VM03)
    vm04 = Vm("VM04", 30, 1)
    assert not admit(THREE, running, vm04).admitted
    wrong = admit(THREE, running, vm04, Policy(reserve_rule="max_segment"))
    assert wrong.admitted
    p = wrong.plan
    assert not restartable(THREE, p.vms, restart_targets(p, (2,)), (2,))


def test_best_effort_spreads_the_restarts_over_the_roomiest_hosts() -> None:
    assert best_effort_restart([10, 30, 30], [8, 8, 4]) == (1, 2, 1)


def test_best_effort_restarts_every_vm_whenever_some_assignment_fits() -> None:
    # Spread greedily, 3 and 3 would take room from both hosts and leave no room for the 4.
    assert best_effort_restart([6, 4], [3, 3, 4]) == (0, 0, 1)


def test_best_effort_restarts_as_much_memory_as_it_can_when_not_everything_fits() -> None:
    got = best_effort_restart([0, 30, 10], [30, 30, 90])
    assert got == (1, None, None)
    assert best_effort_restart([5], [6]) == (None,)


def test_the_exact_policy_ignores_the_largest_host_rule_and_asks_z3_when_mthm_misses() -> None:
    assert (EXACT.method, EXACT.largest_host_rule) == ("mthm+z3", False)


def test_plans_are_memoised_on_their_hashable_inputs() -> None:
    vms = (VM01, VM02)
    first = plan(THREE, vms)
    hits = plan.cache_info().hits
    assert plan(THREE, vms) is first
    assert plan.cache_info().hits == hits + 1
