"""The plain values the app shows: how a value reads, and what counts as one change."""

from __future__ import annotations

from ahvlab.checker.values import Change
from ahvlab.tui.view import frame, timeline
from tests.tui import helpers


def test_the_timeline_marks_failing_and_narrated_steps() -> None:
    rows = timeline(helpers.workbench()).rows
    assert [(r.index, r.time, r.label, r.violated, r.narrated) for r in rows] == [
        (0, "T+0", "init", False, True),
        (1, "T+0", "switch(lamp=0)", False, True),
        (2, "T+0", "switch(lamp=1)", False, False),
        (3, "T+0", "switch(lamp=2)", True, True),
        (4, "T+20", "wait", True, False),
    ]


def test_the_frame_names_what_changed_in_the_one_path_syntax() -> None:
    wb = helpers.mini()
    wb.session.goto(3)
    f = frame(wb)
    assert f.violated == ("no_phantom_vm",)
    assert [c.path for c in f.changes] == [
        "now",
        "host[2].free_memory",
        "vm.VM1.copies",
        "vm.VM1.dies_at",
        "vm.VM1.others",
    ]
    assert f.changes[1] == Change("host[2].free_memory", 32, 24)
    assert f.mutations == ("no_fencing",)
    assert f.choices == ()
