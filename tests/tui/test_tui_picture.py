"""The cluster picture and the deadlines panel on the brief's timelines: what a student sees at each step."""

from __future__ import annotations

import dataclasses

from ahvlab.model import AHVSpec, default_config
from ahvlab.tui.app import AhvlabApp
from ahvlab.tui.view import Frame
from ahvlab.tui.widgets.picture import ClusterPicture, picture_lines
from ahvlab.workbench import open_workbench

NARROW = (80, 24)


async def shown_at(scenario: str, step: int, size: tuple[int, int] = NARROW) -> tuple[dict[int, str], Frame]:
    """The host boxes and the frame the app shows at ``step`` of ``scenario``."""
    app = AhvlabApp(open_workbench(scenario))
    async with app.run_test(size=size) as pilot:
        app.wb.session.goto(step)
        app.show_step()
        await pilot.pause()
        frame = app.frame
        assert frame is not None and frame.index == step
        return dict(app.query_one(ClusterPicture).boxes), frame


def deadline_lines(frame: Frame) -> list[str]:
    return [d.line() for d in frame.deadlines]


async def test_three_hosts_fit_side_by_side_at_80_columns_with_the_vm_inside_its_host() -> None:
    boxes, _ = await shown_at("network-partition", 0)
    assert sorted(boxes) == [1, 2, 3]
    assert "★host 1 leader" in boxes[1]
    assert "VM1 running" in boxes[2] and "VM1" not in boxes[1] + boxes[3]
    assert "queue0 ↺ S2" in boxes[2]


async def test_the_isolated_host_is_cut_off_and_its_ha_phase_reads_in_words() -> None:
    boxes, frame = await shown_at("network-partition", 3)
    assert "✂cut o" in boxes[2]
    assert "HA: timeout until T+60" in " ".join(boxes[2].replace("│", " ").split())
    assert deadline_lines(frame) == ["T+60   host 2  HA timeout ends: fence"]


async def test_the_first_ack_starts_the_45_second_death_timer_on_screen() -> None:
    boxes, frame = await shown_at("network-partition", 6)
    flat = " ".join(boxes[2].replace("│", " ").split())
    assert "HA: fencing: 1 of 2 acks" in flat
    assert "no I/O: dies T+105" in flat
    assert "S1 blocks H2" in boxes[1]
    assert deadline_lines(frame) == [
        "T+105  VM1     dies on host 2 (45 s after its first failed I/O)",
        "T+120  host 2  its VMs must run again (restart_by_deadline)",
        "—      host 2  no timer: waits for the block acks of S3",
    ]
    assert frame.facts == (
        "Stargate 1 acknowledged the block of host 2: 1 of 2",
        "VM1's I/O starts failing: it dies at T+105 unless it comes back",
    )


async def test_the_network_partition_timeline_to_the_second() -> None:
    _, fenced = await shown_at("network-partition", 7)
    assert deadline_lines(fenced) == [
        "T+105  VM1     dies on host 2 (45 s after its first failed I/O)",
        "T+120  host 2  restart VM1",
    ]
    boxes, died = await shown_at("network-partition", 9)
    assert deadline_lines(died) == ["T+120  host 2  restart VM1"]
    assert all("VM1" not in box for box in boxes.values())
    boxes, restarted = await shown_at("network-partition", 11)
    assert deadline_lines(restarted) == []
    assert "VM1 running" in boxes[1] and "queue0 ↺ S1" in boxes[1]


async def test_the_host_lost_timeline_to_the_second() -> None:
    lines = [deadline_lines((await shown_at("host-lost", i))[1]) for i in (1, 3, 7)]
    assert lines == [
        ["T+20   host 2  HA starts its 40 s timeout"],
        ["T+60   host 2  HA timeout ends: fence"],
        ["T+120  host 2  restart VM1, VM2"],
    ]
    boxes, _ = await shown_at("host-lost", 1)
    assert "hypervisor DOWN" in " ".join(boxes[2].replace("│", " ").split())


async def test_the_leader_host_lost_timeline_to_the_second() -> None:
    _, lost = await shown_at("leader-host-lost", 1)
    assert deadline_lines(lost) == [
        "T+20   host 2  its CVM stands for Acropolis leader",
        "T+20   host 3  its CVM stands for Acropolis leader",
    ]
    boxes, elected = await shown_at("leader-host-lost", 3)
    assert deadline_lines(elected) == ["T+60   host 1  HA timeout ends: fence"]
    assert "★host 2 leader" in boxes[2]
    _, fenced = await shown_at("leader-host-lost", 7)
    assert deadline_lines(fenced) == ["T+120  host 1  restart VM1"]


async def test_a_phantom_vm_is_drawn_in_both_host_boxes() -> None:
    boxes, frame = await shown_at("what-if-no-fencing", 7)
    assert "VM1 ×2 PHANTOM" in boxes[1] and "VM1 ×2 PHANTOM" in boxes[2]
    assert "queue0 ↺ S1" in boxes[1] and "queue0 ↺ S2" in boxes[2]
    assert "NOT" in boxes[2]
    assert "VM1 now runs on hosts 1 and 2: a phantom VM!" in frame.facts


async def test_after_the_local_cvm_goes_down_each_disk_links_to_a_remote_stargate() -> None:
    boxes, _ = await shown_at("local-cvm-down", 6, size=(160, 48))
    assert "CVM DOWN" in boxes[1]
    assert "disk0 ▶ S2 remote" in boxes[1] and "disk1 ▶ S3 remote" in boxes[1]
    boxes, _ = await shown_at("local-cvm-back", 16, size=(160, 48))
    assert "disk0-1 ↺ S1 local" in boxes[1]


async def test_dhcp_pending_says_whether_the_leader_is_local_or_over_vxlan() -> None:
    boxes, _ = await shown_at("ipam-leader-remote", 1, size=(160, 48))
    assert "DHCP pending (VXLAN to H3)" in boxes[1]
    boxes, _ = await shown_at("ipam-leader-remote", 2, size=(160, 48))
    assert "10.10.0.11" in boxes[1]


async def test_guarantee_mode_draws_a_memory_bar_with_the_reserve() -> None:
    boxes, _ = await shown_at("guarantee-failover", 0, size=(160, 48))
    assert "0 used 80 rsv 20 free" in boxes[2]
    assert "▒" in boxes[2]
    assert "segment on H2" in boxes[1]


def test_eight_hosts_wrap_onto_rows_that_fit_the_width() -> None:
    config = dataclasses.replace(default_config(), host_memory=(32,) * 8)
    spec = AHVSpec(config)
    picture = spec.picture(next(iter(spec.init())))
    assert picture is not None and len(picture.host) == 8
    lines, boxes = picture_lines(picture, 52)
    assert sorted(boxes) == list(range(1, 9))
    assert max(line.cell_len for line in lines) <= 52
    assert len(lines) > 3 * 3


def test_the_picker_ranks_action_name_matches_above_description_matches() -> None:
    from ahvlab.tui.screens.pick import ranked

    wb = open_workbench("network-partition")
    wb.session.goto(1)
    first = ranked(wb.session.enabled(), "heal")[0]
    assert first.action == "heal_partition"


async def test_b_cycles_through_every_branch_back_to_the_scenario_trace() -> None:
    from tests.tui import helpers

    app = AhvlabApp(helpers.workbench())
    async with app.run_test(size=(120, 40)) as pilot:
        s = app.wb.session
        original = [s.label(i) for i in range(len(s))]
        s.goto(1)
        app.take(0)
        s.goto(1)
        app.take(1)
        assert len(s.branches) == 2
        seen = []
        for _ in range(3):
            await pilot.press("b")
            await pilot.pause()
            seen.append(tuple(s.label(i) for i in range(len(s))))
        assert tuple(original) in seen
        assert len(set(seen)) == 3
