"""The AHV model's seam: guarantee_targets (start and HA restart) and the guarantee_protects invariant."""

from __future__ import annotations

import dataclasses

from ahvlab.model import capacity
from ahvlab.model.capacity import MUTATION, Policy, guarantee_protects, guarantee_targets, host_reserves, policy_of
from ahvlab.model.config import ADMISSION_METHODS, default_config
from ahvlab.model.placement import PlacementRequest, best_effort

MEM = (100, 100, 100)
# The worked example after step 3 (VM01 on host 1, VM02 and VM03 on host 3) and VM04 (30) off.
SIZES = (70, 40, 40, 30)
PLACED = (0, 2, 2, -1)


def request(
    to_place: tuple[int, ...], lost: int = -1, healthy: tuple[int, ...] = (0, 1, 2), **kw: object
) -> PlacementRequest:
    req = PlacementRequest(MEM, SIZES, PLACED, healthy, to_place, lost)
    return req._replace(**kw) if kw else req


def test_a_start_goes_to_the_first_host_admission_accepts() -> None:
    # Host 2 has the most free memory, but VM04 there leaves host 3's 80 nowhere to go.
    assert guarantee_targets(request((3,))) == {3: 0}


def test_a_start_no_host_admits_is_refused() -> None:
    got = guarantee_targets(request((3,), placement=(0, 2, 1, -1), vm_memory=(70, 40, 40, 30)))
    assert got == {3: None}


def test_an_ha_restart_sends_each_lost_vm_to_its_segment() -> None:
    assert guarantee_targets(request((1, 2), lost=2, healthy=(0, 1))) == {1: 1, 2: 1}


def test_a_restart_whose_segment_host_cannot_take_it_falls_back_to_best_effort() -> None:
    # Host 2 (the segment host) is not healthy: VM01 goes wherever it still fits, or nowhere.
    got = guarantee_targets(request((0,), lost=0, healthy=(2,), placement=(0, 2, -1, -1)))
    assert got == {0: None}
    got = guarantee_targets(request((1,), lost=2, healthy=(0,), placement=(-1, 2, -1, -1)))
    assert got == {1: 0}


def test_the_invariant_holds_for_the_worked_example_and_fails_once_host_2_runs_vm04() -> None:
    assert guarantee_protects(MEM, SIZES, PLACED, frozenset())
    assert not guarantee_protects(MEM, SIZES, (0, 2, 2, 1), frozenset())
    assert guarantee_protects(MEM, SIZES, (0, 2, 2, 0), frozenset())


def test_with_one_host_down_only_its_vms_must_fit_and_beyond_one_nothing_is_promised() -> None:
    assert not guarantee_protects(MEM, SIZES, (0, 2, 2, 1), frozenset({2}))
    assert guarantee_protects(MEM, SIZES, (0, 2, 2, 1), frozenset({0}))
    assert guarantee_protects(MEM, SIZES, (0, 2, 2, 1), frozenset({0, 2}))


def test_the_mutation_lets_vm04_start_where_the_guarantee_breaks() -> None:
    wrong = Policy(reserve_rule="max_segment")
    got = guarantee_targets(PlacementRequest(MEM, SIZES, PLACED, (0, 1, 2), (3,), -1, wrong))
    assert got == {3: 1}
    assert not guarantee_protects(MEM, SIZES, (0, 2, 2, 1), frozenset())


def test_the_policy_is_read_from_the_config_in_one_place() -> None:
    assert policy_of(default_config()) == Policy("mthm", True, "max_per_host")
    config = dataclasses.replace(default_config(), admission="exact", largest_host_rule=False)
    assert policy_of(config.with_mutations(MUTATION)) == Policy("exact", False, "max_segment")
    assert ADMISSION_METHODS == capacity.METHODS


def test_a_restart_whose_segment_host_is_full_still_restarts_every_vm_that_fits_somewhere() -> None:
    # Host 3 lost with VMs of 3, 3 and 4; the survivors have 6 and 4 free, no segments planned.
    req = PlacementRequest((10, 6, 4), (3, 3, 4), (0, 0, 0), (1, 2), (0, 1, 2), 0)
    assert guarantee_targets(req) == {0: 1, 1: 1, 2: 2}


def test_the_reserve_of_a_host_that_is_down_is_not_computed() -> None:
    up = (True, True, True)
    assert host_reserves(MEM, SIZES, PLACED, up, Policy()) == [0, 80, 0]
    # Only VM01 running, host 2 down and empty: VM01's segment moves to host 3; host 2 shows none.
    alone = (0, -1, -1, -1)
    assert host_reserves(MEM, SIZES, alone, up, Policy()) == [0, 70, 0]
    assert host_reserves(MEM, SIZES, alone, (True, False, True), Policy()) == [0, None, 70]
    # With host 2 down, host 1's 70 and host 3's 80 cannot both be covered: no plan, no reserves.
    assert host_reserves(MEM, SIZES, PLACED, (True, False, True), Policy()) == [None, None, None]


def test_best_effort_in_the_model_restarts_3_3_and_4_into_rooms_of_6_and_4() -> None:
    req = PlacementRequest((10, 6, 4), (3, 3, 4), (0, 0, 0), (1, 2), (0, 1, 2), 0)
    assert best_effort(req) == {0: 1, 1: 1, 2: 2}
