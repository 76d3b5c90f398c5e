"""The app on the real AHV model: the partition what-if scenario (no fencing) stepped to its phantom VM."""

from __future__ import annotations

from ahvlab.tui.app import AhvlabApp
from ahvlab.tui.messages import CheckFinished, StepShown
from ahvlab.workbench import open_workbench
from tests.tui.helpers import Recorder

SCENARIO = "what-if-no-fencing"


async def test_stepping_the_no_fencing_scenario_reaches_a_phantom_vm(recorder: Recorder) -> None:
    app = AhvlabApp(open_workbench(SCENARIO))
    async with app.run_test(size=(120, 40), message_hook=recorder) as pilot:
        session = app.wb.session
        last = len(session) - 1
        for _ in range(last):
            await pilot.press("right")
        await pilot.pause()
        shown = recorder.of(StepShown)
        assert [m.index for m in shown] == list(range(last + 1))
        # Nothing fails before the restart; at the restart the VM runs twice.
        assert all(not m.violated for m in shown[:-1])
        assert "no_phantom_vm" in shown[-1].violated
        frame = app.frame
        assert frame is not None and frame.cluster is not None
        assert frame.mutations == ("no_fencing",)
        assert frame.cluster is not None and any(len(vm.copies) == 2 for vm in frame.cluster.vm.values())
        assert frame.narration == session.narration[last]
        assert any(c.path.endswith(".copies") for c in frame.changes)


async def test_checking_the_scenario_from_its_start_finds_the_phantom_vm(recorder: Recorder) -> None:
    app = AhvlabApp(open_workbench(SCENARIO))
    async with app.run_test(size=(120, 40), message_hook=recorder) as pilot:
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = recorder.of(CheckFinished)[0].result
        assert result is not None and result.violation is not None
        assert result.violation.name in {"no_phantom_vm", "single_storage_access", "no_io_from_fenced_host"}
        await pilot.press("enter")
        await pilot.pause()
        session = app.wb.session
        assert session.cursor == len(session) - 1 == len(result.violation.trace) - 1
        assert app.frame is not None and result.violation.name in app.frame.violated
