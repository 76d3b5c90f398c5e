"""Pilot tests: a person steps, branches, checks and saves; the app's messages and state say what happened."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, OptionList, SelectionList

from ahvlab.checker.itf import read_itf
from ahvlab.tui.app import AhvlabApp, default_file_name
from ahvlab.tui.messages import CheckFinished, CheckProgress, ChoicePicked, GotoStep, Notice, StepShown, TraceChanged
from ahvlab.tui.screens.check import CheckScreen
from ahvlab.tui.screens.help import HelpScreen
from ahvlab.tui.screens.knobs import KnobsScreen
from ahvlab.tui.screens.pick import PickScreen
from ahvlab.tui.screens.save import SaveScreen
from ahvlab.tui.widgets.actions import ActionList
from ahvlab.tui.widgets.timeline import TimelineTable
from tests.tui import helpers
from tests.tui.helpers import Recorder

SIZE = (120, 40)


async def test_stepping_forward_reaches_the_violation_and_says_which_invariant_fails(
    lamps_app: AhvlabApp, recorder: Recorder
) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("right", "n", "right")
        await pilot.pause()
        shown = recorder.of(StepShown)
        assert [(m.index, m.violated) for m in shown] == [
            (0, ()),
            (1, ()),
            (2, ()),
            (3, ("not_all_on",)),
        ]
        assert shown[-1].label == "switch(lamp=2)"
        frame = lamps_app.frame
        assert frame is not None
        assert [(c.path, c.old, c.new) for c in frame.changes] == [("on[2]", False, True)]
        assert frame.narration == "All lamps are on: the invariant breaks here."
        assert lamps_app.query_one(TimelineTable).cursor_row == 3


async def test_v_jumps_to_the_first_violation_and_back_keys_return(lamps_app: AhvlabApp, recorder: Recorder) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("v")
        await pilot.pause()
        assert lamps_app.wb.session.cursor == 3
        assert recorder.of(Notice)[-1].text == "step 3 is the first where an invariant fails: not_all_on"
        await pilot.press("left", "p")
        assert lamps_app.wb.session.cursor == 1
        await pilot.press("end")
        assert lamps_app.wb.session.cursor == 4
        await pilot.press("g")
        assert lamps_app.wb.session.cursor == 0


async def test_moving_past_either_end_is_refused_with_a_notice(lamps_app: AhvlabApp, recorder: Recorder) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("left")
        await pilot.pause()
        assert recorder.of(Notice)[-1].text == "already at the initial state"
        await pilot.press("G", "right")
        await pilot.pause()
        assert recorder.of(Notice)[-1].text == "already at the last step"
        assert lamps_app.wb.session.cursor == 4


async def test_picking_an_action_mid_trace_branches_it(lamps_app: AhvlabApp, recorder: Recorder) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("v", "a")
        assert isinstance(lamps_app.screen, PickScreen)
        await pilot.press(*"fuse 1", "enter")
        await pilot.pause()
        session = lamps_app.wb.session
        assert [session.label(i) for i in range(len(session))] == [
            "init",
            "switch(lamp=0)",
            "switch(lamp=1)",
            "switch(lamp=2)",
            "fuse(lamp=1)",
        ]
        assert session.cursor == 4
        assert [(b.at, len(b.steps)) for b in session.branches] == [(3, 1)]
        assert recorder.of(TraceChanged)[-1] == TraceChanged("branched", 5)
        assert recorder.of(Notice)[-1].text == "took fuse(lamp=1) at step 3; the 1 later step is kept as a branch"
        timeline = lamps_app.timeline
        assert timeline is not None
        assert [(b.at, b.count, b.first) for b in timeline.branches] == [(3, 1, "wait")]


async def test_the_action_picker_filters_and_escape_takes_nothing(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await pilot.press("a", *"switch")
        options = lamps_app.screen.query_one(OptionList)
        assert options.option_count == 3
        await pilot.press("escape")
        assert not isinstance(lamps_app.screen, PickScreen)
        assert len(lamps_app.wb.session) == 5


async def test_the_actions_panel_takes_an_action_when_wide(lamps_app: AhvlabApp, recorder: Recorder) -> None:
    async with lamps_app.run_test(size=(200, 50), message_hook=recorder) as pilot:
        panel = lamps_app.query_one(ActionList)
        assert panel.display
        assert panel.option_count == 4
        panel.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert recorder.of(ChoicePicked)[0].index == 1
        assert lamps_app.wb.session.label(1) == "switch(lamp=1)"
        assert lamps_app.wb.session.cursor == 1


async def test_the_actions_panel_is_hidden_when_narrow(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=(80, 24)):
        assert not lamps_app.query_one(ActionList).display
        assert lamps_app.screen.has_class("-narrow")


async def test_clicking_a_step_in_the_timeline_goes_there(lamps_app: AhvlabApp, recorder: Recorder) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        # Row 0 of the table is its header; the third step line is step 2.
        await pilot.click(TimelineTable, offset=(8, 3))
        await pilot.pause()
        assert lamps_app.wb.session.cursor == 2
        assert any(isinstance(m, GotoStep) and m.index == 2 for m in recorder.messages)


async def test_check_loads_the_counterexample_with_tlc_figures(lamps_app: AhvlabApp, recorder: Recorder) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("c")
        assert isinstance(lamps_app.screen, CheckScreen)
        await lamps_app.workers.wait_for_complete()
        await pilot.pause()
        finished = recorder.of(CheckFinished)
        assert len(finished) == 1
        result = finished[0].result
        assert result is not None and result.violation is not None
        assert result.violation.name == "not_all_on"
        f = result.figures
        assert (f.generated, f.distinct, f.queue, f.depth) == (27, 16, 9, 4)
        assert recorder.of(TraceChanged)[-1] == TraceChanged("counterexample", 4)
        assert not lamps_app.checking
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(lamps_app.screen, CheckScreen)
        assert lamps_app.wb.session.cursor == 3
        assert lamps_app.frame is not None and lamps_app.frame.violated == ("not_all_on",)
        # The trace it replaced is kept as a branch from the step the check started at.
        assert [(b.at, len(b.steps)) for b in lamps_app.wb.session.branches] == [(0, 4)]


async def test_check_that_finds_nothing_says_so_with_figures(clock_app: AhvlabApp, recorder: Recorder) -> None:
    async with clock_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("c")
        await clock_app.workers.wait_for_complete()
        await pilot.pause()
        result = recorder.of(CheckFinished)[0].result
        assert result is not None and result.violation is None and result.complete
        assert (result.figures.distinct, result.figures.depth) == (4, 4)
        assert recorder.of(Notice)[-1].text == (
            "Model checking completed. No error has been found. · "
            "5 states generated, 4 distinct states found, 0 states left on queue; depth 4"
        )
        await pilot.press("escape")
        assert not isinstance(clock_app.screen, CheckScreen)
        assert len(clock_app.wb.session) == 1


async def test_keys_that_move_the_trace_do_nothing_under_a_dialog(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(lamps_app.screen, HelpScreen)
        await pilot.press("right", "n", "v", "c")
        assert lamps_app.wb.session.cursor == 0
        assert isinstance(lamps_app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(lamps_app.screen, HelpScreen)


async def test_help_lists_every_binding_of_the_app(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        rows = dict(lamps_app.binding_rows())
        assert len(rows) == len(lamps_app.BINDINGS) + 4
        assert rows["?, f1"] == "this help"
        assert rows["q"] == "quit"
        assert rows["→, n"] == "next step"


async def test_save_writes_an_itf_trace_that_reads_back(
    lamps_app: AhvlabApp, recorder: Recorder, tmp_path: Path
) -> None:
    target = tmp_path / "lamps.itf.json"
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("s")
        assert isinstance(lamps_app.screen, SaveScreen)
        field = lamps_app.screen.query_one("#save-path")
        field.value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(lamps_app.screen, SaveScreen)
    itf = read_itf(target)
    assert len(itf.states) == 5
    assert itf.meta["source"] == "tests.toys:FuseBox"
    assert recorder.of(Notice)[-1].text == f"saved 5 states to {target}"


async def test_save_refuses_a_file_ahvlab_did_not_write(lamps_app: AhvlabApp, tmp_path: Path) -> None:
    target = tmp_path / "notes.json"
    target.write_text(json.dumps({"mine": True}))
    async with lamps_app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        lamps_app.screen.query_one("#save-path").value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(lamps_app.screen, SaveScreen)
        error = str(lamps_app.screen.query_one("#save-error").render())
        assert str(target) in error
    assert json.loads(target.read_text()) == {"mine": True}


async def test_what_ifs_are_refused_for_a_spec_without_mutations(lamps_app: AhvlabApp, recorder: Recorder) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("m")
        await pilot.pause()
        notice = recorder.of(Notice)[-1]
        assert notice.error
        assert notice.text == "this spec has no what-ifs: mutations and timings belong to the AHV model"


async def test_q_quits_with_status_zero(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert lamps_app.return_code == 0


def test_the_default_file_name_comes_from_the_title() -> None:
    assert default_file_name("AHV cluster: default model") == "ahv-cluster-default-model.itf.json"
    assert default_file_name("???") == "trace.itf.json"


def test_an_untouched_toy_workbench_has_a_five_state_trace() -> None:
    assert len(helpers.workbench().session) == 5


async def test_switching_a_what_if_off_replays_the_trace_without_the_violation(recorder: Recorder) -> None:
    app = AhvlabApp(helpers.mini())
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        assert app.frame is not None and app.frame.mutations == ("no_fencing",)
        await pilot.press("m")
        assert isinstance(app.screen, KnobsScreen)
        app.screen.query_one(SelectionList).focus()
        await pilot.press("space")
        await pilot.click("#knobs-apply")
        await pilot.pause()
        assert not isinstance(app.screen, KnobsScreen)
        assert recorder.of(Notice)[-1].text == "no_fencing off: the trace replays 4 of its 4 states"
        assert recorder.of(TraceChanged)[-1] == TraceChanged("what-if", 4)
        assert app.frame is not None and app.frame.mutations == ()
        assert app.wb.session.first_violation() is None


async def test_a_timing_that_is_not_a_number_is_refused_in_the_dialog() -> None:
    app = AhvlabApp(helpers.mini())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        field = app.screen.query_one("#timing-ha-timeout", Input)
        field.value = "-5"
        await pilot.click("#knobs-apply")
        await pilot.pause()
        assert isinstance(app.screen, KnobsScreen)
        assert str(app.screen.query_one("#knobs-error").render()) == "ha_timeout: a timing cannot be negative"


async def test_escape_stops_a_running_check_with_partial_figures(recorder: Recorder) -> None:
    app = AhvlabApp(helpers.odometer())
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("c")
        # Wait for the first progress report (every 0.5 s), then stop.
        while not recorder.of(CheckProgress) and not recorder.of(CheckFinished):
            await pilot.pause(0.1)
        assert app.checking
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = recorder.of(CheckFinished)[0].result
        assert result is not None and result.violation is None
        assert result.figures.stopped == "cancelled" and not result.complete
        assert 0 < result.figures.distinct < 1_000_001
        assert recorder.of(Notice)[-1].text.startswith("Stopped on request: the figures are partial.")
        assert isinstance(app.screen, CheckScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, CheckScreen)


async def test_q_during_a_check_stops_it_and_quits_with_status_zero(recorder: Recorder) -> None:
    app = AhvlabApp(helpers.odometer())
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("c")
        while not recorder.of(CheckProgress) and not recorder.of(CheckFinished):
            await pilot.pause(0.1)
        await pilot.press("q")
        await app.workers.wait_for_complete()
    assert app.return_code == 0
    assert [w.is_finished for w in app.workers] == []


async def test_q_typed_into_the_picker_filter_is_a_letter_not_quit(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "q")
        assert lamps_app.is_running
        assert lamps_app.screen.query_one("#pick-filter", Input).value == "q"
        await pilot.press("escape", "question_mark", "q")
        await pilot.pause()
    assert lamps_app.return_code == 0


async def test_check_is_refused_at_a_step_where_an_invariant_already_fails(
    lamps_app: AhvlabApp, recorder: Recorder
) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("v", "c")
        await pilot.pause()
        assert not isinstance(lamps_app.screen, CheckScreen)
        assert not lamps_app.checking
        notice = recorder.of(Notice)[-1]
        assert notice.error
        assert notice.text == "not_all_on already fails at this step: go back to an earlier step to check from there"


async def test_the_picker_says_when_nothing_matches_the_filter(lamps_app: AhvlabApp) -> None:
    async with lamps_app.run_test(size=SIZE) as pilot:
        await pilot.press("a", *"crash", "enter")
        options = lamps_app.screen.query_one(OptionList)
        assert options.option_count == 1
        assert str(options.get_option_at_index(0).prompt) == "no enabled action matches 'crash'"
        assert isinstance(lamps_app.screen, PickScreen)
        assert len(lamps_app.wb.session) == 5


async def test_applying_the_what_ifs_unchanged_says_so(recorder: Recorder) -> None:
    app = AhvlabApp(helpers.mini())
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("m")
        assert isinstance(app.focused, SelectionList)
        await pilot.click("#knobs-apply")
        await pilot.pause()
        assert recorder.of(Notice)[-1].text == "no what-if changed"
        assert len(app.wb.session) == 4


async def test_b_swaps_back_to_the_branch_and_keeps_the_other_continuation(
    lamps_app: AhvlabApp, recorder: Recorder
) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        session = lamps_app.wb.session
        original = [session.label(i) for i in range(len(session))]
        await pilot.press("v", "left", "a", *"wait", "enter")
        await pilot.pause()
        assert [session.label(i) for i in range(len(session))] == ["init", "switch(lamp=0)", "switch(lamp=1)", "wait"]
        await pilot.press("b")
        await pilot.pause()
        assert [session.label(i) for i in range(len(session))] == original
        assert [(b.at, [st.action for st in b.steps]) for b in session.branches] == [(2, ["wait"])]
        assert session.cursor == 3
        assert recorder.of(TraceChanged)[-1] == TraceChanged("branch", 5)
        assert recorder.of(Notice)[-1].text == "back on the branch from step 2; the trace it replaced is now a branch"


async def test_b_without_a_branch_says_how_to_make_one(lamps_app: AhvlabApp, recorder: Recorder) -> None:
    async with lamps_app.run_test(size=SIZE, message_hook=recorder) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert (
            recorder.of(Notice)[-1].text == "no branch yet: take an action in the middle of the trace (a) to make one"
        )
