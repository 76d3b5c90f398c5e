"""The plain values the app shows: how a value reads, and what counts as one change."""

from __future__ import annotations

from typing import NamedTuple

from ahvlab.tui.view import Change, changes, frame, show, show_time, timeline
from tests.tui import tui_toy


class Host(NamedTuple):
    up: bool
    vms: frozenset[str]


def test_show_sorts_sets_so_the_text_does_not_depend_on_hash_order() -> None:
    assert show(frozenset({"b", "a", "c"})) == "{a, b, c}"
    assert show(Host(True, frozenset())) == "Host(up=True, vms={})"
    assert show((1,)) == "(1,)"
    assert show(20.0) == "20"


def test_model_time_reads_as_t_plus_seconds() -> None:
    assert show_time(None) == ""
    assert show_time(60.0) == "T+60"
    assert show_time(0.5) == "T+0.5"


def test_a_change_deep_in_a_record_is_one_line_named_by_its_path() -> None:
    old = (Host(True, frozenset({"vm1"})), Host(True, frozenset()))
    new = (Host(True, frozenset({"vm1"})), Host(False, frozenset({"vm2"})))
    assert changes("hosts", old, new) == [
        Change("hosts[1].up", "True", "False"),
        Change("hosts[1].vms", "", "+vm2"),
    ]


def test_records_in_a_description_are_named_by_their_id_or_name() -> None:
    old = {"hosts": [{"id": 1, "cvm_up": True}], "vms": [{"name": "VM1", "sessions": [(0, 1, "connected")]}]}
    new = {"hosts": [{"id": 1, "cvm_up": False}], "vms": [{"name": "VM1", "sessions": [(0, 2, "connected")]}]}
    assert changes("", old, new) == [
        Change("hosts[1].cvm_up", "True", "False"),
        Change("vms[VM1].sessions[0]", "(0, 1, connected)", "(0, 2, connected)"),
    ]


def test_a_value_that_becomes_none_reads_as_a_dash() -> None:
    assert changes("", {"leader": 1}, {"leader": None}) == [Change("leader", "1", "—")]


def test_the_timeline_marks_failing_and_narrated_steps() -> None:
    rows = timeline(tui_toy.workbench()).rows
    assert [(r.index, r.time, r.label, r.violated, r.narrated) for r in rows] == [
        (0, "T+0", "init", False, True),
        (1, "T+0", "switch(lamp=0)", False, True),
        (2, "T+0", "switch(lamp=1)", False, False),
        (3, "T+0", "switch(lamp=2)", True, True),
        (4, "T+20", "wait", True, False),
    ]


def test_with_a_description_the_frame_diffs_it_and_lists_the_raw_variables() -> None:
    wb = tui_toy.mini()
    wb.session.goto(3)
    f = frame(wb)
    assert f.violated == ("no_phantom_vm",)
    assert [(c.path, c.old, c.new) for c in f.changes] == [
        ("now", "60", "120"),
        ("hosts[2].free_memory", "32", "24"),
        ("vms[VM1].copies", "(1,)", "(1, 2)"),
    ]
    assert f.changed_variables == ("now", "vm_hosts")
    assert f.mutations == ("no_fencing",)
    assert f.choices == ()
