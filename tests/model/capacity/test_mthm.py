"""MTHM as Martello and Toth distribute it: each phase on a hand-checked instance, the book's example, properties.

Every expected assignment below was worked out by hand from the phase descriptions
(docs/capacity.md, "MTHM"); knapsacks and items are 0-based, -1 is "out".
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ahvlab.model import solver
from ahvlab.model.knapsack import (
    initial_accurate,
    initial_quick,
    interchange,
    is_feasible,
    mthm,
    mthm_core,
    packed_profit,
    ratio_order,
    rearrange,
    replace,
)

# Ratios 2, 2, 1.5, 1 (the two of ratio 2 heavier first); knapsacks of 5 and 6.
P, W, C = [8, 6, 3, 2], [4, 3, 2, 2], [5, 6]


def test_the_quick_initial_solution_fills_the_smallest_knapsack_first() -> None:
    # Knapsack 0 (5) takes item 0 (4); knapsack 1 (6) takes items 1 and 2; item 3 is left out.
    assert initial_quick(P, W, C) == [0, 1, 1, -1]


def test_the_accurate_initial_solution_gives_each_shared_item_to_the_knapsack_that_would_lose_most() -> None:
    # Item 0 is in both tentative solutions: without it knapsack 0 is worth 9 instead of 8
    # (loss -1), knapsack 1 9 instead of 11 (loss 2), so it goes to knapsack 1. Item 2 is then in
    # both again with equal losses (1 and 1): the first knapsack takes it. All four items fit.
    assert initial_accurate(P, W, C) == [1, 0, 0, 1]


def test_the_accurate_variant_runs_for_at_most_5_knapsacks_and_the_quick_one_beyond() -> None:
    assert mthm_core(P, W, C, stop="initial") == initial_accurate(P, W, C)
    many = [5, 5, 5, 5, 5, 6]
    assert mthm_core(P, W, many, stop="initial") == initial_quick(P, W, many)


def test_the_rearrangement_pointer_moves_on_for_an_item_left_out() -> None:
    # From the quick solution: item 3 (out) moves the pointer to knapsack 1; item 2 goes there,
    # item 1 to knapsack 0, item 0 to knapsack 1 (room 4 left); then item 3 fills knapsack 0.
    assert rearrange(W, C, [0, 1, 1, -1]) == [1, 0, 1, 0]


def test_after_rearranging_a_left_out_item_goes_to_the_knapsack_with_the_most_room() -> None:
    assert rearrange([2], [3, 5], [-1]) == [1]  # the first knapsack would fit too
    assert rearrange([2], [4, 4], [-1]) == [0]  # lowest index among equals


def test_the_interchange_swaps_two_items_so_that_a_left_out_item_fits() -> None:
    # Item 0 (4) in knapsack 1 (room 1) and item 1 (2) in knapsack 0 (room 2): swapping them
    # moves 2 of room into knapsack 1, where item 2 (3) now fits next to item 1.
    assert interchange([8, 4, 3], [4, 2, 3], [4, 5], [1, 0, -1]) == [0, 1, 1]


def test_the_replacement_goes_round_again_until_a_full_round_replaces_nothing() -> None:
    # Worst ratio first: item 2 stays (nothing left out fits its room of 4); item 1 makes way
    # for item 0 (13 > 6); wrapping round, item 2 makes way for the freed item 1 (6 > 5).
    # One pass from the worst ratio down would stop at [1, -1, 0], worth 18 instead of 19.
    assert replace([13, 6, 5], [6, 3, 4], [4, 7], [-1, 1, 0]) == [1, 0, -1]


def test_the_initial_solution_is_returned_when_the_later_phases_lose_profit() -> None:
    p, w, c = [10, 4, 4, 2], [10, 5, 6, 8], [6, 9, 14]
    start = initial_accurate(p, w, c)
    assert start == [2, 0, 1, -1]  # worth 18
    # The rearrangement cannot put item 0 (10) back: rooms 6, 3 and 9 are left when its turn comes.
    after = replace(p, w, c, interchange(p, w, c, rearrange(w, c, start)))
    assert after == [-1, 2, 1, 2]  # worth 10
    assert mthm_core(p, w, c) == start


def test_equal_ratios_put_the_heavier_item_first() -> None:
    assert ratio_order([2, 6, 4, 1], [1, 3, 2, 1], range(4)) == [1, 2, 0, 3]


def test_the_books_example_reaches_350() -> None:
    # Martello and Toth, Knapsack Problems (1990), the multiple knapsack example: n = 9, m = 2.
    p = [80, 20, 60, 40, 60, 60, 65, 25, 30]
    w = [40, 10, 40, 30, 50, 50, 55, 25, 40]
    c = [100, 150]
    got = mthm(p, w, c)
    assert is_feasible(w, c, got)
    assert packed_profit(p, got) == 350
    assert packed_profit(p, mthm(p, w, c, stop="initial")) == 345


def test_answers_one_knapsack_index_or_none_per_item() -> None:
    got = mthm([10, 7, 5, 1], [6, 5, 4, 9], [5, 6])
    assert len(got) == 4
    assert all(a is None or a in (0, 1) for a in got)
    assert is_feasible([6, 5, 4, 9], [5, 6], got)


def test_an_item_larger_than_every_knapsack_stays_out() -> None:
    assert mthm([5, 100], [3, 50], [10, 4]) == [0, None]


def test_zero_size_items_go_into_the_largest_knapsack() -> None:
    assert mthm([0, 3, 2], [0, 0, 5], [3, 4]) == [1, 1, None]


def test_items_of_zero_profit_stay_out() -> None:
    assert mthm([0, 5, 4], [3, 5, 4], [9, 3]) == [None, 0, 0]


def test_when_all_items_fit_the_largest_knapsack_they_all_go_there() -> None:
    # The Fortran refuses such input; the first of the equal largest knapsacks takes everything.
    assert mthm([1, 2, 3], [1, 2, 3], [2, 6, 6]) == [1, 1, 1]


def test_no_knapsack_means_nothing_is_packed() -> None:
    assert mthm([1, 2], [1, 2], []) == [None, None]
    assert mthm([], [], [5]) == []


def test_knapsacks_too_small_for_any_item_stay_empty() -> None:
    got = mthm([4, 4, 4], [4, 4, 4], [3, 8, 4])
    assert 0 not in got
    assert packed_profit([4, 4, 4], got) == 12


def test_bad_input_is_refused_with_a_value_error() -> None:
    for profits, weights, capacities in ([1, -2], [1, 2], [3]), ([1], [1, 2], [3]), ([1], [1], [-3]), ([1.5], [1], [3]):
        with pytest.raises(ValueError, match="mthm"):
            mthm(profits, weights, capacities)  # type: ignore[arg-type]


def test_the_improvement_phases_beat_the_greedy_start() -> None:
    profits, weights, caps = [10, 6, 6], [5, 3, 2], [5, 3]
    got = mthm(profits, weights, caps)
    assert is_feasible(weights, caps, got)
    assert packed_profit(profits, got) == 16


def test_mthm_can_miss_a_full_packing_that_exists() -> None:
    # The smallest miss (capacity_research.find_mthm_miss): sizes 5, 3, 3, 2, 1 into rooms 1, 6, 7.
    # MTHM puts 5 in room 6 and 3 + 3 in room 7: the 2 is left over; 5 + 2 and 3 + 3 fit.
    items, rooms = [5, 3, 3, 2, 1], [1, 6, 7]
    assert mthm(items, items, rooms) == [1, 2, 2, None, 0]
    assert solver.place(tuple(items), tuple(rooms)) == solver.Placed((2, 1, 1, 2, 0))


sizes = st.integers(min_value=0, max_value=20)


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(st.tuples(sizes, sizes), min_size=0, max_size=7),
    capacities=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=3),
)
def test_feasible_never_above_the_optimum_and_never_below_the_initial_solution(
    items: list[tuple[int, int]], capacities: list[int]
) -> None:
    profits = [p for p, _ in items]
    weights = [w for _, w in items]
    got = mthm(profits, weights, capacities)
    assert is_feasible(weights, capacities, got)
    best = solver.knapsack_optimum(tuple(profits), tuple(weights), tuple(capacities))
    assert isinstance(best, solver.Optimum)
    assert packed_profit(profits, got) <= best.value
    start = mthm(profits, weights, capacities, stop="initial")
    assert is_feasible(weights, capacities, start)
    assert packed_profit(profits, start) <= packed_profit(profits, got)
