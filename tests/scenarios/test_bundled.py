"""Every bundled scenario verifies against the AHV model: its script plays, its checkpoints and checks pass."""

from __future__ import annotations

import pytest

from ahvlab.scenarios import bundled_names, find_scenario
from ahvlab.scenarios.show import timeline_rows
from ahvlab.testing import assert_scenario_verifies

NAMES = bundled_names()


@pytest.mark.parametrize("name", NAMES)
def test_the_bundled_scenario_verifies(name):
    report = assert_scenario_verifies(name)
    assert report.outcomes[0].kind == "script"
    scenario = find_scenario(name)
    assert len(report.outcomes) == 1 + len(scenario.checkpoints) + len(scenario.checks)


def test_the_host_lost_timeline_is_the_brief_table_computed_from_the_model():
    rows = timeline_rows(find_scenario("host-lost"))
    assert [(t, notes) for t, _events, notes in rows] == [
        ("T0", "host 2: lost; VM1 runs on no host; VM2 runs on no host"),
        ("T20", "host 2: timeout"),
        ("T60", "host 2: fencing; host 2: fenced"),
        ("T120", "VM1 runs on 1; host 2: restarted; VM2 runs on 3"),
    ]
    assert rows[2][1] == "fence_host(host=2); ack_block(stargate=1, host=2); ack_block(stargate=3, host=2)"


def test_the_partition_timeline_has_the_isolated_vm_die_45_s_after_its_first_failed_io():
    rows = timeline_rows(find_scenario("network-partition"))
    assert [t for t, _e, _n in rows] == ["T0", "T20", "T60", "T105", "T120"]
    assert rows[3][1:] == ("vm_dies(vm='VM1', host=2)", "VM1 runs on no host")


def test_the_leader_host_lost_timeline_elects_at_t20():
    rows = timeline_rows(find_scenario("leader-host-lost"))
    assert [(t, notes) for t, _e, notes in rows] == [
        ("T0", "leader: none; VM1 runs on no host"),
        ("T20", "host 1: timeout; leader: 2"),
        ("T60", "host 1: fencing; host 1: fenced"),
        ("T120", "host 1: restarted; VM1 runs on 2"),
    ]


def test_a_bundled_scenario_opens_as_a_session_with_its_narration():
    scenario = find_scenario("host-lost")
    session = scenario.session()
    assert session.cursor == 0 and len(session) == len(scenario.steps) + 1
    assert session.narration[0].startswith("Three hosts.")
    assert session.label(1) == "crash_host(host=2)" and session.time(len(session) - 1) == 120
    assert scenario.config.ha_mode == "best_effort" and scenario.spec.name == "AHVCluster"


def test_the_brief_scenarios_are_all_bundled():
    assert set(NAMES) >= {
        "iscsi-normal",
        "local-cvm-down",
        "local-cvm-back",
        "frodo-vcpus",
        "ipam-leader-local",
        "ipam-leader-remote",
        "host-lost",
        "libvirtd-lost",
        "network-partition",
        "leader-host-lost",
        "guarantee-steps-1-2",
        "guarantee-step-3",
        "guarantee-step-4-refused",
        "guarantee-failover",
        "what-if-no-fencing",
        "what-if-restart-before-ack",
        "what-if-election-without-quorum",
        "what-if-leases-in-memory",
        "what-if-segments-shared-wrongly",
        "no-failback",
    }
