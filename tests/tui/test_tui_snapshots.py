"""Snapshots of the main screens (pytest-textual-snapshot): the partition what-if on a small cluster, and dialogs.

The apps here run over the toy specs of ``tests/toys.py`` so that what is on screen is
fixed: no clock, no timing figures, no model that moves under the test.
Regenerate after a deliberate change of look with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

from typing import Any

from ahvlab.tui.app import AhvlabApp
from ahvlab.workbench import open_workbench
from tests.tui import helpers

NARROW = (80, 24)
MEDIUM = (120, 40)
WIDE = (200, 50)


class TestMainScreen:
    def test_the_partition_what_if_opens_on_its_initial_state_at_80x24(self, snap_compare: Any) -> None:
        assert snap_compare(AhvlabApp(helpers.mini()), terminal_size=NARROW)

    def test_the_phantom_vm_step_at_80x24(self, snap_compare: Any) -> None:
        assert snap_compare(AhvlabApp(helpers.mini()), press=["v"], terminal_size=NARROW)

    def test_the_phantom_vm_step_at_200x50(self, snap_compare: Any) -> None:
        assert snap_compare(AhvlabApp(helpers.mini()), press=["v"], terminal_size=WIDE)

    def test_the_partition_step_at_120x40(self, snap_compare: Any) -> None:
        assert snap_compare(AhvlabApp(helpers.mini()), press=["right"], terminal_size=MEDIUM)

    def test_a_spec_without_a_description_shows_its_variables(self, snap_compare: Any) -> None:
        assert snap_compare(AhvlabApp(helpers.workbench()), press=["right", "right", "right"], terminal_size=MEDIUM)

    def test_watched_values_in_the_timeline_and_the_step_detail_at_80x24(self, snap_compare: Any) -> None:
        # w, type the expression, Enter, Escape; then two steps: on[0] changed at step 1, the detail says so.
        keys = ["w", *"on[0]", "enter", "escape", "right"]
        assert snap_compare(AhvlabApp(helpers.workbench()), press=keys, terminal_size=NARROW)

    def test_two_watched_values_at_120x40(self, snap_compare: Any) -> None:
        keys = ["w", *"on[0]", "enter", *"len(broken)", "enter", "escape", "right", "right"]
        assert snap_compare(AhvlabApp(helpers.workbench()), press=keys, terminal_size=MEDIUM)

    def test_a_branch_is_listed_under_the_timeline(self, snap_compare: Any) -> None:
        # At the partition step, pick the first other action (partition host 2 is not enabled: host 1 is cut).
        assert snap_compare(AhvlabApp(helpers.workbench()), press=["v", "left", "a", "enter"], terminal_size=MEDIUM)


class TestClusterPicture:
    """The AHV model's own scenarios: the picture, the deadlines and the facts at the brief's moments."""

    def test_the_first_ack_at_80x24(self, snap_compare: Any) -> None:
        assert snap_compare(AhvlabApp(open_workbench("network-partition")), press=["right"] * 6, terminal_size=NARROW)

    def test_the_restart_at_120x40(self, snap_compare: Any) -> None:
        assert snap_compare(AhvlabApp(open_workbench("network-partition")), press=["end"], terminal_size=MEDIUM)

    def test_the_phantom_vm_at_200x50(self, snap_compare: Any) -> None:
        assert snap_compare(AhvlabApp(open_workbench("what-if-no-fencing")), press=["v"], terminal_size=WIDE)


class TestDialogs:
    def test_the_help_screen_lists_every_key(self, snap_compare: Any) -> None:
        assert snap_compare(AhvlabApp(helpers.mini()), press=["question_mark"], terminal_size=MEDIUM)

    def test_the_action_picker_filters_as_you_type(self, snap_compare: Any) -> None:
        assert snap_compare(AhvlabApp(helpers.mini()), press=["a", *"partition"], terminal_size=MEDIUM)

    def test_the_what_ifs_screen_shows_mutations_and_timings(self, snap_compare: Any) -> None:
        assert snap_compare(AhvlabApp(helpers.mini()), press=["m"], terminal_size=MEDIUM)
