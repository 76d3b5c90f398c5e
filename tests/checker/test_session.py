"""The interactive session that the TUI, the shell and the tests drive."""

from __future__ import annotations

import pytest

from ahvlab.checker import Options, Session, SessionError
from tests.toys import Grid, Pour, Timed


def test_the_session_starts_in_the_initial_state_and_lists_enabled_actions():
    s = Session(Pour())
    assert s.cursor == 0 and s.state.big == 0
    assert [c.label for c in s.enabled()] == [
        "fill_small",
        "fill_big",
        "empty_small",
        "empty_big",
        "small_to_big",
        "big_to_small",
    ]


def test_doing_an_action_by_name_index_or_choice_appends_a_step():
    s = Session(Grid(n=2))
    s.do("move", {"dx": 1})
    s.do(0)
    assert s.state == (2, 0)
    assert s.cursor == 2 and len(s) == 3
    assert s.label(1) == "move(dx=1, dy=0)"


def test_back_forward_and_goto_move_the_cursor_without_losing_steps():
    s = Session(Pour())
    s.do("fill_big")
    s.do("big_to_small")
    s.back()
    assert s.state.big == 5
    s.forward()
    assert s.state.small == 3
    s.first()
    assert s.cursor == 0
    s.last()
    assert s.cursor == 2
    with pytest.raises(SessionError, match="no step 9"):
        s.goto(9)
    with pytest.raises(SessionError, match="already at the last step"):
        s.forward()


def test_acting_in_the_middle_of_a_trace_branches_it():
    s = Session(Pour())
    s.do("fill_big")
    s.do("big_to_small")
    s.goto(1)
    s.do("empty_big")
    assert len(s) == 3 and s.state.big == 0
    assert len(s.branches) == 1 and s.branches[0].at == 1
    assert s.branches[0].steps[0].action == "big_to_small"


def test_a_disabled_or_unknown_action_gets_a_one_line_reason():
    s = Session(Grid(n=1))
    with pytest.raises(SessionError, match="no action 'jump'"):
        s.do("jump")
    with pytest.raises(SessionError, match=r"move\(dx=-1\) is not enabled here; enabled: move\(dx=1, dy=0\)"):
        s.do("move", {"dx": -1})
    with pytest.raises(SessionError, match="ambiguous"):
        s.do("move")


def test_the_diff_shows_only_what_changed():
    s = Session(Pour())
    s.do("fill_small")
    assert s.diff() == {"small": (0, 3)}
    assert s.diff(0) == {"big": (None, 0), "small": (None, 0)}


def test_invariant_status_and_the_first_violation():
    s = Session(Pour())
    for name in ["fill_big", "big_to_small", "empty_small", "big_to_small", "fill_big", "big_to_small"]:
        s.do(name)
    assert s.first_violation() == 6
    assert [v.name for v in s.violated()] == ["big_is_not_4"]
    assert all(st.holds for st in s.invariant_status(0))


def test_check_from_the_current_state_loads_the_counterexample_after_the_cursor():
    s = Session(Pour())
    s.do("fill_big")
    result = s.check(Options())
    assert result.verdict == "invariant"
    assert s.steps[1].action == "fill_big"
    assert s.first_violation() == len(s) - 1
    assert len(s) == 7  # fill_big first is on a shortest path, so the whole trace stays 7 states


def test_time_is_shown_from_the_spec():
    s = Session(Timed())
    s.do("tick")
    s.do("tick")
    assert [s.time(i) for i in range(3)] == [0, 10, 20]


def test_a_loaded_counterexample_drops_the_narration_of_the_steps_it_replaced():
    s = Session(Pour())
    s.do("fill_small")
    s.do("empty_small")
    s.narration = {0: "start", 1: "fill the small jug", 2: "and empty it"}
    s.goto(0)
    s.check(Options())
    assert s.narration == {0: "start"}


def test_restoring_a_branch_brings_back_its_narration_too():
    from ahvlab.workbench import open_workbench

    session = open_workbench("host-lost").session
    said = dict(session.narration)
    assert said, "the scenario narrates its steps"
    session.goto(1)
    session.do(session.enabled()[0])  # a step off the script: the script's steps become a branch
    assert all(i <= 1 for i in session.narration)
    session.restore()
    assert session.narration == said
