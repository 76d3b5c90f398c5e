"""The engines: TLC's figures, CONSTRAINT and deadlock semantics, bounds, symmetry and view."""

from __future__ import annotations

import pytest

from ahvlab.checker import Options, bfs, dfs, invariant, simulate
from ahvlab.checker.engine import SpecError, search
from tests.toys import BoundedGrid, Grid, Pour, Raises, RunsDown, Stutters, Symmetric, Timed, WrongShape


def test_bfs_finds_the_shortest_counterexample_and_replays_it():
    result = bfs(Pour())
    assert result.verdict == "invariant"
    assert result.exit_code == 12
    v = result.violation
    assert v is not None and v.name == "big_is_not_4"
    assert len(v.trace) == 7
    assert v.trace.last.big == 4
    assert v.trace.steps[0].action is None
    assert [s.action for s in v.trace.steps[1:]] == [
        "fill_big",
        "big_to_small",
        "empty_small",
        "big_to_small",
        "fill_big",
        "big_to_small",
    ]
    assert result.figures.depth == 7


def test_a_complete_search_counts_distinct_states_and_levels_like_tlc():
    result = bfs(Grid(n=3))
    assert result.verdict == "ok" and result.complete
    assert result.figures.distinct == 16
    assert result.figures.depth == 7  # (0,0) at level 1 .. (3,3) at level 7
    assert result.figures.queue == 0
    # every state's successors are generated, duplicates included
    assert result.figures.generated == 1 + sum(
        len(list(Grid(n=3).move(s))) for s in [type(next(Grid().init()))(x, y) for x in range(4) for y in range(4)]
    )


def test_coverage_counts_enabled_generated_and_new_states_per_action():
    result = bfs(Grid(n=2))
    cov = result.figures.coverage["move"]
    assert cov.enabled == 9
    assert cov.distinct == 8  # every state but the initial one is found by `move`
    assert cov.generated == result.figures.generated - 1


def test_constrained_states_are_invariant_checked_but_not_counted_or_explored():
    result = bfs(BoundedGrid(n=3))
    assert result.verdict == "ok"
    assert result.figures.distinct == 8  # x in 0..1, y in 0..3
    # states with x = 2 are generated (4 of them, each from x = 1) but not distinct
    assert result.figures.generated == 1 + sum(c.generated for c in result.figures.coverage.values())


class CaughtOutsideTheBound(BoundedGrid):
    @invariant("x never reaches 2")
    def x_below_2(self, s):
        return s.x < 2


def test_an_invariant_broken_only_by_a_constrained_state_is_still_reported():
    result = bfs(CaughtOutsideTheBound(n=3))
    assert result.verdict == "invariant"
    assert result.violation.name == "x_below_2"
    assert result.violation.trace.last.x == 2
    assert len(result.violation.trace) == 3


def test_a_state_with_no_enabled_action_is_a_deadlock():
    result = bfs(RunsDown())
    assert result.verdict == "deadlock" and result.exit_code == 11
    assert [s.state.n for s in result.violation.trace.steps] == [3, 2, 1, 0]


def test_deadlock_checking_can_be_turned_off():
    result = bfs(RunsDown(), Options(deadlock=False))
    assert result.verdict == "ok"
    assert result.figures.distinct == 4


def test_a_stuttering_step_is_not_a_deadlock():
    result = bfs(Stutters())
    assert result.verdict == "ok"
    assert result.figures.distinct == 4
    assert result.figures.coverage["idle"].generated == 1
    assert result.figures.coverage["idle"].distinct == 0


def test_symmetry_folds_permuted_states_and_keeps_the_verdict():
    plain = bfs(type("Plain", (Symmetric,), {"symmetry": None})(), Options(deadlock=False))
    folded = bfs(Symmetric(), Options(deadlock=False))
    assert plain.figures.distinct == 9
    assert folded.figures.distinct == 6
    assert plain.verdict == folded.verdict == "ok"


def test_a_view_fingerprints_part_of_the_state_and_traces_keep_the_rest():
    result = bfs(Timed(), Options(deadlock=True))
    assert result.figures.distinct == 3  # left in {2, 1, 0}; the clock is not fingerprinted
    spec = Timed()

    class Broken(Timed):
        @invariant("time stays below 20")
        def early(self, s):
            return s.now < 20

    v = bfs(Broken()).violation
    assert v is not None
    assert [spec.time_of(s.state) for s in v.trace.steps] == [0, 10, 20]


def test_depth_bound_stops_exploration_and_reports_an_incomplete_search():
    result = bfs(Grid(n=3), Options(max_depth=3))
    assert not result.complete
    assert result.figures.stopped == "max-depth"
    assert result.exit_code == 0
    assert result.figures.depth == 3
    assert result.figures.distinct == 6  # levels 1, 2 and 3 of the grid: 1 + 2 + 3


def test_state_bound_stops_with_partial_figures():
    result = bfs(Grid(n=20), Options(max_states=50))
    assert result.figures.stopped == "max-states"
    assert not result.complete
    assert result.exit_code == 0


@pytest.mark.parametrize("engine", ["bfs", "dfs"])
@pytest.mark.parametrize("n", [1, 2, 3, 50, 97, 440])
def test_a_state_bound_stops_at_exactly_n_distinct_states(engine, n):
    result = search(Grid(n=20), Options(max_states=n), engine)
    assert result.figures.distinct == n
    assert result.figures.stopped == "max-states"


def test_a_state_bound_at_or_beyond_the_whole_space_is_no_bound():
    assert search(Grid(n=20), Options(max_states=441)).figures.distinct == 441
    assert search(Grid(n=20), Options(max_states=10_000)).complete


def test_dfs_explores_the_same_states_as_bfs():
    assert dfs(Grid(n=4)).figures.distinct == bfs(Grid(n=4)).figures.distinct == 25
    v = dfs(Pour()).violation
    assert v is not None and v.trace.last.big == 4


def test_dfs_with_a_depth_bound_still_finds_every_state_within_the_bound():
    assert dfs(Grid(n=3), Options(max_depth=3)).figures.distinct == 6


def test_simulation_is_reproducible_from_its_seed():
    a = simulate(Pour(), runs=300, steps=40, seed=7)
    b = simulate(Pour(), runs=300, steps=40, seed=7)
    assert a.verdict == b.verdict == "invariant"
    assert [s.action for s in a.violation.trace.steps] == [s.action for s in b.violation.trace.steps]
    assert a.violation.trace.last.big == 4


def test_simulation_of_a_correct_spec_counts_what_it_visited():
    result = simulate(Grid(n=2), runs=5, steps=10, seed=1)
    assert result.verdict == "ok"
    assert 1 <= result.figures.distinct <= 9
    assert result.figures.depth == 10


def test_examples_are_found_by_the_shortest_trace():
    result = bfs(Pour(), Options(invariants=[]))
    trace = result.examples["small_holds_1"]
    assert trace is not None and trace.last.small == 1
    assert len(trace) == 5  # fill_big, big_to_small, empty_small, ... shortest way to 1 gallon in the small jug


def test_only_the_chosen_invariants_are_checked():
    assert bfs(Pour(), Options(invariants=[])).verdict == "ok"
    with pytest.raises(SpecError, match="unknown invariant 'nope'"):
        bfs(Pour(), Options(invariants=["nope"]))


def test_a_successor_of_the_wrong_shape_is_explained():
    with pytest.raises(SpecError, match=r"must yield \(params, next_state\) pairs"):
        bfs(WrongShape())


def test_an_exception_inside_an_action_names_the_action():
    with pytest.raises(SpecError, match="spec error in action 'boom' of Raises: it raised ZeroDivisionError"):
        bfs(Raises())


def test_progress_is_reported_while_searching():
    seen = []
    bfs(Grid(n=40), Options(progress=seen.append, progress_interval=0.0))
    assert seen and seen[-1].distinct > 0


def test_a_cancel_callback_stops_the_search_with_partial_figures():
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 1

    result = bfs(Grid(n=60), Options(cancel=cancel))
    assert result.figures.stopped == "cancelled"
    assert not result.complete
    assert 0 < result.figures.distinct < 61 * 61
