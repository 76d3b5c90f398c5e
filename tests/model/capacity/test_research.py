"""Research on the capacity rules: z3 proofs over symbolic clusters, the search for MTHM's misses, its gap."""

from __future__ import annotations

import random

from ahvlab.model.capacity_research import CounterExample, Miss, Proved, find_mthm_miss, mthm_gap, prove_up_to
from ahvlab.model.knapsack import mthm


def test_z3_proves_the_rule_protects_every_single_host_failure_up_to_4_hosts_and_6_vms() -> None:
    got = prove_up_to(4, 6)
    assert got == Proved("max_per_host: admitted => restartable (2..4 hosts, 1..6 VMs)")


def test_reserve_as_a_sum_is_safe_too() -> None:
    assert isinstance(prove_up_to(4, 6, rule="sum"), Proved)


def test_one_segment_too_few_has_a_counterexample_with_two_vms_on_one_host() -> None:
    got = prove_up_to(4, 6, rule="max_segment")
    assert isinstance(got, CounterExample)
    assert len(got.capacities) == 2 and len(got.vms) == 2
    # Replay the counterexample in plain Python: admitted by the wrong rule, yet a failure overflows.
    caps = got.capacities
    for h in (1, 2):
        used = sum(size for size, host, _ in got.vms if host == h)
        reserve = max((size for size, _, seg in got.vms if seg == h), default=0)
        assert used + reserve <= caps[h - 1]
    g = got.failed_host
    load = {h: sum(size for size, host, _ in got.vms if host == h) for h in (1, 2)}
    for size, host, seg in got.vms:
        if host == g:
            load[seg] += size
    assert any(load[h] > caps[h - 1] for h in (1, 2) if h != g)


def test_the_search_finds_the_smallest_instance_mthm_refuses_but_z3_packs() -> None:
    got = find_mthm_miss(max_items=5, max_bins=3, max_size=7)
    assert got == Miss((5, 3, 3, 2, 1), (1, 6, 7), (1, 2, 2, None, 0), (2, 1, 1, 2, 0))
    assert mthm(list(got.items), list(got.items), list(got.bins)) == list(got.mthm)


def test_no_miss_with_four_items_or_fewer_in_rooms_up_to_7() -> None:
    assert find_mthm_miss(max_items=4, max_bins=3, max_size=7) is None


def test_mean_gap_to_the_optimum_on_seeded_random_instances() -> None:
    # The bench reports the figure per class of Martello and Toth's experiments; here 25 small ones.
    rng = random.Random(11)
    gaps = []
    for _ in range(25):
        w = [rng.randint(10, 100) for _ in range(9)]
        p = [rng.randint(10, 100) for _ in range(9)]
        c = [rng.randint(int(0.4 * sum(w) / 3), int(0.6 * sum(w) / 3)) for _ in range(3)]
        gap = mthm_gap(p, w, c)
        assert isinstance(gap, float)
        gaps.append(gap)
    assert all(0.0 <= g < 1.0 for g in gaps)
    assert any(g == 0.0 for g in gaps)
    assert sum(gaps) / len(gaps) < 0.10
