"""What users see: the picture of a state (format_state), model time and the fingerprinted view."""

from __future__ import annotations

from pathlib import Path

from ahvlab.checker.engine import bfs
from ahvlab.checker.itf import load_trace, write_itf
from ahvlab.checker.trace import replay_actions
from ahvlab.model import AHVSpec, Config, VMConfig, deadlines, default_config
from ahvlab.model.picture import Deadline, SessionPicture


def test_format_state_is_the_picture_with_hosts_from_1_and_vms_by_name() -> None:
    spec = AHVSpec(default_config())
    f = spec.format_state(next(iter(spec.init())))
    assert list(f) == ["now", "host", "vm", "leaders", "leases", "failures", "failed_back", "split", "to_restart"]
    assert list(f["host"]) == [1, 2, 3] and list(f["vm"]) == ["VM1", "VM2", "VM3"]
    assert [v.host for v in f["vm"].values()] == [1, 2, 3]
    assert f["leaders"] == frozenset({3})
    assert [v.address for v in f["vm"].values()] == ["10.10.0.10", "10.10.0.11", "10.10.0.12"]


def test_view_drops_now_and_timers_are_shown_as_the_time_they_expire() -> None:
    spec = AHVSpec(default_config())
    trace = replay_actions(spec, 0, [("partition_host", {"host": 1}), ("tick", {"to": 20})])
    at0, at20 = trace.steps[1].state, trace.last
    assert (spec.time_of(at0), spec.time_of(at20)) == (0, 20)
    assert spec.picture(at0).host[1].ha_due == spec.picture(at20).host[1].ha_due == 20  # due at T20 either way
    assert spec.view(at20) == spec.view(at20._replace(now=1000))
    assert spec.view(at0) != spec.view(at20)  # 20 s left vs 0 s left


def test_the_picture_gives_hosts_leader_and_vms_as_typed_values() -> None:
    spec = AHVSpec(default_config())
    trace = replay_actions(spec, 0, [("crash_cvm", {"host": 1}), ("nop_probe", {"redirector": 1, "stargate": 1})])
    p = spec.picture(trace.last)
    assert p.leader == 3
    h1 = p.host[1]
    assert (h1.id, h1.up, h1.cvm_up, dict(h1.health)) == (1, True, False, {1: False, 2: True, 3: True})
    vm1 = p.vm["VM1"]
    assert (vm1.name, vm1.host, vm1.status, vm1.address) == ("VM1", 1, "running", "10.10.0.10")
    assert vm1.sessions == (SessionPicture(None, "dropped"), SessionPicture(None, "dropped"))


def test_the_deadlines_of_a_partition_are_listed_soonest_first() -> None:
    spec = AHVSpec(default_config())
    trace = replay_actions(spec, 0, [("partition_host", {"host": 2})])
    assert deadlines(spec.cluster, spec.picture(trace.last)) == [Deadline(20, "host 2", "HA starts its 40 s timeout")]


def test_every_action_and_invariant_explains_itself_in_one_line() -> None:
    spec = AHVSpec(default_config())
    assert spec.name == "AHVCluster"
    for item in [*spec.actions(), *spec.invariants(), *spec.properties()]:
        assert item.doc and "\n" not in item.doc


def test_a_counterexample_survives_an_itf_round_trip(tmp_path: Path) -> None:
    spec = AHVSpec(default_config().with_mutations("leases_in_memory"))
    r = bfs(spec)
    assert r.violation is not None
    path = tmp_path / "dup.itf.json"
    write_itf(path, spec, r.violation.trace)
    again = load_trace(spec, path)
    assert again.states == r.violation.trace.states
    assert [s.action for s in again.steps] == [s.action for s in r.violation.trace.steps]


def test_the_picture_shows_the_guarantee_reserve_of_the_worked_example_step_3() -> None:
    c = Config(
        host_memory=(100, 100, 100),
        ha_mode="guarantee",
        vms=(
            VMConfig("VM01", memory=70, host=1),
            VMConfig("VM02", memory=40, host=3),
            VMConfig("VM03", memory=40, host=3),
        ),
        networks=(),
        submodels=frozenset({"storage", "ha"}),
    )
    spec = AHVSpec(c)
    hosts = spec.picture(next(iter(spec.init()))).host.values()
    assert [(h.id, h.reserve) for h in hosts] == [(1, 0), (2, 80), (3, 0)]
    best = AHVSpec(default_config())
    assert best.picture(next(iter(best.init()))).host[1].reserve is None
