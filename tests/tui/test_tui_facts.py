"""What a step changed, in words: a pure function of the pictures before and after it."""

from __future__ import annotations

import itertools

from ahvlab.tui.facts import facts
from ahvlab.workbench import open_workbench


def step_facts(scenario: str) -> dict[int, list[str]]:
    wb = open_workbench(scenario)
    pictures = [wb.picture(i) for i in range(len(wb.session))]
    return {i: facts(a, b) for i, (a, b) in enumerate(itertools.pairwise(pictures), start=1) if a and b}


def test_the_partition_story_is_told_in_words_step_by_step() -> None:
    said = step_facts("network-partition")
    assert said[1] == ["host 2 is cut off from the network", "the leader lost host 2's libvirtd: HA starts watching it"]
    assert said[2] == ["time passes: T+0 → T+20"]
    assert said[3] == ["HA starts its timeout on host 2: it ends at T+60"]
    assert said[6] == [
        "Stargate 1 acknowledged the block of host 2: 1 of 2",
        "VM1's I/O starts failing: it dies at T+105 unless it comes back",
    ]
    assert said[7][0] == "Stargate 3 acknowledged the block of host 2: 2 of 2"
    assert said[9][0] == "VM1 dies on host 2: its I/O failed too long"
    assert said[11] == ["HA restarted host 2's VMs elsewhere", "VM1 starts on host 1"]


def test_a_redirect_says_local_or_remote_and_failback_says_quiesce() -> None:
    said = step_facts("local-cvm-back")
    assert said[2][:2] == [
        "host 1's redirector marks Stargate 1 unhealthy (no NOP answer)",
        "VM1's disk0 session drops: it must log in again through the redirector",
    ]
    assert said[4] == ["VM1's disk0 logs in to Stargate 2 (remote)"]
    assert said[9] == ["Stargate 2 quiesces VM1's disk0 (failback: the local Stargate is back)"]
    assert said[12] == ["VM1's disk0 logs in to Stargate 1 (local)"]


def test_dhcp_says_the_address_and_the_way_it_came() -> None:
    said = step_facts("ipam-leader-remote")
    assert said[1] == ["VM1 starts on host 1", "VM1 asks for an address (DHCP)"]
    assert said[2] == ["VM1 gets address 10.10.0.11 (over VXLAN to the leader on host 3)"]


def test_a_host_that_goes_down_is_one_fact_not_every_part_of_it() -> None:
    said = step_facts("leader-host-lost")
    assert said[1] == [
        "host 1 goes down",
        "there is no Acropolis leader",
        "VM1's copy on host 1 is gone",
        "VM1 has failed",
    ]
    assert "host 2 is the Acropolis leader now" in said[3]
