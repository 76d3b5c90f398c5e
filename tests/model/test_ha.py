"""The control plane: leader election, failure detection, fencing, restart and IPAM, to the second."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from ahvlab.checker.engine import Options, bfs
from ahvlab.checker.result import Result
from ahvlab.checker.trace import Trace, replay_actions
from ahvlab.model import AHVSpec, default_config
from tests.model.helpers import check, replays, steps, two_hosts_one_vm

Pick = tuple[str, dict[str, Any]]


def timeline(spec: AHVSpec, picks: list[Pick]) -> dict[str, int]:
    """Replay the picks and map each ``action(host)`` to the model time it happened at."""
    trace = replay_actions(spec, 0, picks)
    out: dict[str, int] = {}
    for st in trace.steps[1:]:
        key = st.action if "host" not in st.params else f"{st.action}({st.params['host']})"
        if st.action != "tick":
            t = spec.time_of(st.state)
            assert t is not None
            out.setdefault(f"{key}" if key not in out else f"{key}#2", int(t))
    return out


def run(spec: AHVSpec, picks: list[Pick]) -> Trace:
    return replay_actions(spec, 0, picks)


HOST_LOST: list[Pick] = [
    ("crash_host", {"host": 1}),
    ("tick", {"to": 20}),
    ("start_timeout", {"host": 1}),
    ("tick", {"to": 60}),
    ("fence_host", {"host": 1}),
    ("ack_block", {"stargate": 3, "host": 1}),
    ("ack_block", {"stargate": 2, "host": 1}),
    ("tick", {"to": 120}),
    ("restart_vms", {"host": 1, "targets": "VM1->3"}),
    ("serve_dhcp", {"vm": "VM1", "leader": 3, "via": "local"}),
]

PARTITION: list[Pick] = [
    ("partition_host", {"host": 1}),
    ("tick", {"to": 20}),
    ("start_timeout", {"host": 1}),
    ("tick", {"to": 60}),
    ("fence_host", {"host": 1}),
    ("ack_block", {"stargate": 2, "host": 1}),
    ("ack_block", {"stargate": 3, "host": 1}),
    ("tick", {"to": 105}),
    ("vm_dies", {"vm": "VM1", "host": 1}),
    ("tick", {"to": 120}),
    ("restart_vms", {"host": 1, "targets": "VM1->3"}),
    ("serve_dhcp", {"vm": "VM1", "leader": 3, "via": "local"}),
]

LEADER_LOST: list[Pick] = [
    ("crash_host", {"host": 3}),
    ("tick", {"to": 20}),
    ("elect_leader", {"host": 2}),
    ("tick", {"to": 60}),
    ("fence_host", {"host": 3}),
    ("ack_block", {"stargate": 1, "host": 3}),
    ("ack_block", {"stargate": 2, "host": 3}),
    ("tick", {"to": 120}),
    ("restart_vms", {"host": 3, "targets": "VM3->1"}),
    ("serve_dhcp", {"vm": "VM3", "leader": 2, "via": "vxlan"}),
]


@pytest.fixture(scope="module")
def spec() -> AHVSpec:
    return AHVSpec(default_config())


def test_host_lost_timeline_falls_at_t0_t20_t60_t120(spec: AHVSpec) -> None:
    times = timeline(spec, HOST_LOST)
    assert times == {
        "crash_host(1)": 0,
        "start_timeout(1)": 20,
        "fence_host(1)": 60,
        "ack_block(1)": 60,
        "ack_block(1)#2": 60,
        "restart_vms(1)": 120,
        "serve_dhcp": 120,
    }


def test_host_lost_vm_restarts_on_a_healthy_host_and_keeps_its_address(spec: AHVSpec) -> None:
    before = spec.picture(next(iter(spec.init()))).vm["VM1"]
    after = spec.picture(run(spec, HOST_LOST).last).vm["VM1"]
    assert (before.host, after.host, after.status) == (1, 3, "running")
    assert after.address == before.address == "10.10.0.10"


def test_the_restart_waits_for_every_ack(spec: AHVSpec) -> None:
    s = run(spec, HOST_LOST[:6]).last  # one ack of two in
    restart = next(a for a in spec.actions() if a.name == "restart_vms")
    tick = next(a for a in spec.actions() if a.name == "tick")
    assert list(restart.fn(s)) == [] and list(tick.fn(s)) == []


def test_partition_timeline_the_isolated_vm_dies_at_t60_plus_45_before_the_t120_restart(spec: AHVSpec) -> None:
    trace = run(spec, PARTITION)
    times = timeline(spec, PARTITION)
    assert times["partition_host(1)"] == 0
    assert times["start_timeout(1)"] == 20
    assert times["fence_host(1)"] == 60
    assert times["vm_dies(1)"] == 60 + 45
    assert times["restart_vms(1)"] == 120
    # The isolated host kept running VM1 until its I/O was blocked: never two copies.
    assert all(len(cs) <= 1 for st in trace.steps for cs in st.state.copies)
    # Its first failed I/O came with the first ack at T60: it runs, doomed, until T105.
    doomed = spec.picture(trace.steps[6].state).vm["VM1"]
    assert (doomed.copies, doomed.dies_at) == ((1,), (105,))


def test_leader_host_lost_timeline_new_leader_at_t20(spec: AHVSpec) -> None:
    times = timeline(spec, LEADER_LOST)
    assert times == {
        "crash_host(3)": 0,
        "elect_leader(2)": 20,
        "fence_host(3)": 60,
        "ack_block(3)": 60,
        "ack_block(3)#2": 60,
        "restart_vms(3)": 120,
        "serve_dhcp": 120,
    }
    last = run(spec, LEADER_LOST).last
    assert spec.picture(last).leaders == frozenset({2})
    assert spec.picture(last).vm["VM3"].address == "10.10.0.12"


def test_either_remaining_cvm_may_win_the_election(spec: AHVSpec) -> None:
    s = run(spec, LEADER_LOST[:2]).last
    elect = next(a for a in spec.actions() if a.name == "elect_leader")
    assert sorted(p["host"] for p, _ in elect.fn(s)) == [1, 2]


def test_a_minority_never_elects_and_the_isolated_leader_steps_down(spec: AHVSpec) -> None:
    s = run(spec, [("partition_host", {"host": 3})]).last
    p = spec.picture(s)
    assert p.leaders == frozenset()
    assert [h.election_due for h in p.host.values()] == [20, 20, -1]


def test_dhcp_is_pending_while_there_is_no_leader() -> None:
    spec = AHVSpec(dataclasses.replace(default_config(), max_failures=2))
    picks = [*HOST_LOST[:-1], ("crash_cvm", {"host": 3})]
    s = run(spec, picks).last
    assert s.dhcp_pending[0] and not s.leaders
    serve = next(a for a in spec.actions() if a.name == "serve_dhcp")
    assert list(serve.fn(s)) == []


def test_a_healed_partition_before_t60_cancels_the_ha_timeline(spec: AHVSpec) -> None:
    trace = run(spec, [("partition_host", {"host": 1}), ("tick", {"to": 20}), ("heal_partition", {"host": 1})])
    assert spec.picture(trace.last).host[1].ha_phase == "ok"


@pytest.fixture(scope="module")
def default_run() -> tuple[AHVSpec, Result]:
    return check(default_config())


def test_the_default_model_passes_every_invariant_exhaustively(default_run: tuple[AHVSpec, Result]) -> None:
    spec, r = default_run
    assert r.verdict == "ok" and r.complete
    assert (r.figures.distinct, r.figures.depth) == (17450, 19)
    assert {i.name for i in spec.invariants()} >= {
        "at_most_one_leader",
        "no_phantom_vm",
        "single_storage_access",
        "restart_after_fence_ack",
        "no_io_from_fenced_host",
        "unique_addresses",
        "address_in_scope",
        "restarted_vm_keeps_address",
        "lost_host_vms_restarted",
    }
    assert all(r.examples[name] is not None for name in ("normal_paths", "local_cvm_down", "local_cvm_back"))


def test_two_hosts_one_vm_full_model_has_exactly_3333_states() -> None:
    _, r = check(two_hosts_one_vm())
    assert r.verdict == "ok" and r.complete
    assert (r.figures.distinct, r.figures.depth) == (3333, 19)


@pytest.mark.parametrize(
    ("mutation", "invariant", "last_step"),
    [
        ("no_fencing", "no_phantom_vm", ("restart_vms", 120)),
        ("restart_before_ack", "restart_after_fence_ack", ("restart_vms", 60)),
        ("timeout_too_short", "no_phantom_vm", ("restart_vms", 90)),
        ("election_without_quorum", "at_most_one_leader", ("elect_leader", 20)),
        # The leader's host comes back at once; the new leader restarts VM3 there at T20, with an empty table.
        ("leases_in_memory", "unique_addresses", ("serve_dhcp", 20)),
        # The isolated host's own Stargate serves it without a quorum: the fenced host keeps its I/O.
        ("storage_without_quorum", "no_io_from_fenced_host", ("ack_block", 60)),
    ],
)
def test_each_ha_mutation_is_caught(mutation: str, invariant: str, last_step: tuple[str, int]) -> None:
    spec, r = check(default_config().with_mutations(mutation))
    assert r.verdict == "invariant" and r.exit_code == 12
    assert r.violation is not None and r.violation.name == invariant
    last = r.violation.trace.steps[-1]
    assert (last.action, spec.time_of(last.state)) == last_step
    assert replays(spec, r.violation.trace)


def test_leases_in_memory_hands_vm1s_address_to_the_restarted_vm3() -> None:
    spec, r = check(default_config().with_mutations("leases_in_memory"))
    assert r.violation is not None
    assert [a for a, _ in steps(r.violation.trace)[1:]] == [
        "crash_host",
        "recover_host",
        "tick",
        "elect_leader",
        "restart_vm",
        "serve_dhcp",
    ]
    vms = spec.picture(r.violation.trace.last).vm.values()
    assert [v.address for v in vms] == ["10.10.0.10", "10.10.0.11", "10.10.0.10"]


def test_a_vm_doing_no_io_becomes_a_phantom_but_never_gets_storage_access() -> None:
    """A guest that never does I/O outlives its restart: the checker shows two copies, never two with storage."""
    c = default_config()
    quiet = dataclasses.replace(c, vms=(dataclasses.replace(c.vms[0], does_io=False), *c.vms[1:]))
    spec, r = check(quiet)
    assert r.violation is not None and r.violation.name == "no_phantom_vm"
    assert steps(r.violation.trace)[1] == ("partition_host", {"host": 1})
    last = r.violation.trace.last
    assert [c.host for c in last.copies[0]] == [0, 2]
    assert sum(spec.cluster.has_access(last, cp) for cp in last.copies[0]) <= 1
    others = [i.name for i in spec.invariants() if i.name != "no_phantom_vm"]
    r2 = bfs(spec, Options(invariants=others))
    assert r2.verdict == "ok" and r2.complete
    assert r2.figures.distinct == 17834


def test_libvirtd_lost_timeline_fences_the_hosts_own_stargate_too(spec: AHVSpec) -> None:
    picks: list[Pick] = [
        ("kill_libvirtd", {"host": 2}),
        ("tick", {"to": 20}),
        ("start_timeout", {"host": 2}),
        ("tick", {"to": 60}),
        ("fence_host", {"host": 2}),
        ("ack_block", {"stargate": 2, "host": 2}),
        ("ack_block", {"stargate": 1, "host": 2}),
        ("ack_block", {"stargate": 3, "host": 2}),
        ("tick", {"to": 105}),
        ("vm_dies", {"vm": "VM2", "host": 2}),
        ("tick", {"to": 120}),
        ("restart_vms", {"host": 2, "targets": "VM2->3"}),
    ]
    times = timeline(spec, picks)
    assert (times["kill_libvirtd(2)"], times["start_timeout(2)"], times["fence_host(2)"]) == (0, 20, 60)
    assert (times["vm_dies(2)"], times["restart_vms(2)"]) == (105, 120)
    last = spec.picture(run(spec, picks).last)
    assert [h.blocks for h in last.host.values()] == [frozenset({2})] * 3
    assert [v.host for v in last.vm.values()] == [1, 3, 3]


def test_an_isolated_leader_is_replaced_at_t20_and_its_vm_dies_before_the_t120_restart(spec: AHVSpec) -> None:
    picks: list[Pick] = [
        ("partition_host", {"host": 3}),
        ("tick", {"to": 20}),
        ("elect_leader", {"host": 1}),
        ("tick", {"to": 60}),
        ("fence_host", {"host": 3}),
        ("ack_block", {"stargate": 1, "host": 3}),
        ("ack_block", {"stargate": 2, "host": 3}),
        ("tick", {"to": 105}),
        ("vm_dies", {"vm": "VM3", "host": 3}),
        ("tick", {"to": 120}),
        ("restart_vms", {"host": 3, "targets": "VM3->1"}),
        ("serve_dhcp", {"vm": "VM3", "leader": 1, "via": "local"}),
    ]
    times = timeline(spec, picks)
    assert (times["partition_host(3)"], times["elect_leader(1)"], times["fence_host(3)"]) == (0, 20, 60)
    assert (times["vm_dies(3)"], times["restart_vms(3)"]) == (105, 120)
    trace = run(spec, picks)
    assert all(len(st.state.leaders) <= 1 for st in trace.steps)
    assert spec.picture(trace.last).vm["VM3"].address == "10.10.0.12"


def test_a_minority_leader_counting_only_the_stargates_it_reaches_fences_a_host_that_still_does_io() -> None:
    config = default_config().with_mutations("election_without_quorum", "fence_reachable_only")
    spec = AHVSpec(config)
    others = [i.name for i in spec.invariants() if i.name != "at_most_one_leader"]
    r = bfs(spec, Options(invariants=others))
    assert r.violation is not None and r.violation.name == "no_io_from_fenced_host"
    # Host 1, cut off, elects itself and "fences" host 2 with its own Stargate's ack alone.
    assert [a for a, _ in steps(r.violation.trace)[1:]][:3] == ["partition_host", "tick", "elect_leader"]
    assert replays(spec, r.violation.trace)


def _one_vm(**changes: Any) -> AHVSpec:
    from ahvlab.model import VMConfig

    base = dataclasses.replace(
        default_config(), submodels=frozenset({"storage", "ha"}), networks=(), vms=(VMConfig("VM1", host=2),)
    )
    return AHVSpec(dataclasses.replace(base, **changes))


def test_a_libvirtd_lost_10_s_after_a_wait_is_noticed_at_the_next_7_s_heartbeat() -> None:
    from ahvlab.model import Timings

    spec = _one_vm(failures=frozenset({"libvirtd"}), waits=(10,), timings=Timings(heartbeat=7))
    trace = run(spec, [("wait", {"seconds": 10}), ("kill_libvirtd", {"host": 2})])
    w = trace.last.watch[1]
    # T10 is no heartbeat; T14 is: the leader's T0 is T14, so T20 of the timeline falls at T34.
    assert (w.phase, trace.last.now + w.timer, trace.last.now + w.due) == ("lost", 34, 134)
    assert bfs(spec).figures.distinct != bfs(_one_vm(failures=frozenset({"libvirtd"}), waits=(10,))).figures.distinct


def test_a_stargate_that_never_acks_holds_the_restart_and_says_so() -> None:
    spec = _one_vm(failures=frozenset({"no_ack", "host"}), max_failures=2)
    picks: list[Pick] = [
        ("stop_acks", {"stargate": 3}),
        ("crash_host", {"host": 2}),
        ("tick", {"to": 20}),
        ("start_timeout", {"host": 2}),
        ("tick", {"to": 60}),
        ("fence_host", {"host": 2}),
        ("ack_block", {"stargate": 1, "host": 2}),
    ]
    s = run(spec, picks).last
    assert s.watch[1].phase == "fencing"
    assert spec.explain_disabled(s, "restart_vms") == (
        "host 2's fence waits for every ack: Stargate 3 is up but never answers block orders"
    )
    # Time passes on (the hung ack is not in flight) and the 120 s promise is broken: the hang came first.
    r = bfs(spec, Options(invariants=["restart_by_deadline"]))
    assert r.violation is not None and r.violation.trace.steps[1].action == "stop_acks"


def test_a_split_of_four_hosts_two_against_two_leaves_no_leader_and_no_storage() -> None:
    from ahvlab.model import VMConfig

    spec = _one_vm(host_memory=(32,) * 4, leader=1, failures=frozenset({"split"}), vms=(VMConfig("VM1", host=1),))
    s = run(spec, [("split_network", {"side": "3,4"})]).last
    assert s.leaders == frozenset() and s.copies[0][0].io_timer == 45
    assert not any(spec.cluster.host_io_ok(s, h) for h in spec.cluster.hosts)


def test_a_bad_blocks_key_is_one_error_naming_the_key() -> None:
    from ahvlab.checker.errors import SpecLoadError
    from ahvlab.model import config_from_dict

    with pytest.raises(SpecLoadError) as err:
        config_from_dict({"failures": ["block"]})
    assert str(err.value) == "blocks: failure kind 'block' needs the blocks of hosts (expected blocks = [[1, 2], ...])"
    with pytest.raises(SpecLoadError) as err:
        config_from_dict({"blocks": [[1, 7]]})
    assert "blocks[1]" in str(err.value) and "no host 7" in str(err.value)
