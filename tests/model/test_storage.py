"""The storage path: the redirector, sessions, failback and Frodo queues, checked exhaustively."""

from __future__ import annotations

import pytest

from ahvlab.checker.result import Result
from ahvlab.checker.trace import replay_actions
from ahvlab.model import AHVSpec, default_config
from tests.model.helpers import check, replays, steps, storage_only, two_hosts_one_vm


@pytest.fixture(scope="module")
def default_run() -> tuple[AHVSpec, Result]:
    return check(storage_only())


def test_the_storage_path_passes_every_invariant_with_exact_figures(default_run: tuple[AHVSpec, Result]) -> None:
    _, r = default_run
    assert r.verdict == "ok" and r.complete
    assert (r.figures.distinct, r.figures.depth) == (1577, 16)


def test_two_hosts_one_vm_has_exactly_188_states() -> None:
    _, r = check(two_hosts_one_vm(frozenset({"storage"})))
    assert r.verdict == "ok" and r.complete
    assert (r.figures.distinct, r.figures.depth) == (188, 15)


def test_the_normal_picture_is_the_initial_state(default_run: tuple[AHVSpec, Result]) -> None:
    _, r = default_run
    trace = r.examples["normal_paths"]
    assert trace is not None and len(trace) == 1


def test_local_cvm_down_is_shortest_a_crash_a_probe_and_a_redirected_login(
    default_run: tuple[AHVSpec, Result],
) -> None:
    spec, r = default_run
    trace = r.examples["local_cvm_down"]
    assert trace is not None
    assert steps(trace) == [
        (None, {}),
        ("crash_cvm", {"host": 3}),
        ("nop_probe", {"redirector": 3, "stargate": 3}),
        ("login", {"vm": "VM3", "queue": 0, "stargate": 1}),
        ("finish_login", {"vm": "VM3", "queue": 0, "stargate": 1}),
    ]
    assert replays(spec, trace)


def test_failback_quiesces_then_kills_and_logs_in_locally(default_run: tuple[AHVSpec, Result]) -> None:
    spec, r = default_run
    trace = r.examples["local_cvm_back"]
    assert trace is not None and len(trace) == 11
    names = [a for a, _ in steps(trace)]
    assert names.index("quiesce") < names.index("kill_remote_sessions") < len(names) - 2
    assert steps(trace)[-2:] == [
        ("login", {"vm": "VM3", "queue": 0, "stargate": 3}),
        ("finish_login", {"vm": "VM3", "queue": 0, "stargate": 3}),
    ]
    assert replays(spec, trace)


def test_a_crashed_local_cvm_sends_both_disks_of_the_classic_vm_to_a_remote_stargate() -> None:
    spec = AHVSpec(storage_only())
    trace = replay_actions(
        spec,
        0,
        [
            ("crash_cvm", {"host": 1}),
            ("nop_probe", {"redirector": 1, "stargate": 1}),
            ("login", {"vm": "VM1", "disk": 0, "stargate": 2}),
            ("login", {"vm": "VM1", "disk": 1, "stargate": 3}),
            ("finish_login", {"vm": "VM1", "disk": 0, "stargate": 2}),
            ("finish_login", {"vm": "VM1", "disk": 1, "stargate": 3}),
        ],
    )
    sessions = spec.picture(trace.last).vm["VM1"].sessions
    assert [(x.stargate, x.phase) for x in sessions] == [(2, "connected"), (3, "connected")]


def test_the_redirector_offers_every_believed_healthy_remote_and_only_those() -> None:
    spec = AHVSpec(storage_only())
    s = replay_actions(spec, 0, [("crash_cvm", {"host": 1}), ("nop_probe", {"redirector": 1, "stargate": 1})]).last
    login = next(a for a in spec.actions() if a.name == "login")
    assert sorted((p["disk"], p["stargate"]) for p, _ in login.fn(s)) == [(0, 2), (0, 3), (1, 2), (1, 3)]


def test_no_failback_leaves_sessions_remote_and_the_failback_example_unfound() -> None:
    _, r = check(storage_only().with_mutations("no_failback"))
    assert r.verdict == "ok"
    assert r.examples["local_cvm_down"] is not None
    assert r.examples["local_cvm_back"] is None


@pytest.mark.parametrize(
    ("mutation", "invariant", "length"),
    [("redirect_ignores_health", "redirect_to_healthy", 4), ("frodo_ignores_vcpus", "frodo_queue_count", 1)],
)
def test_each_storage_mutation_is_caught_by_its_invariant(mutation: str, invariant: str, length: int) -> None:
    spec, r = check(storage_only().with_mutations(mutation))
    assert r.verdict == "invariant" and r.exit_code == 12
    assert r.violation is not None
    assert (r.violation.name, len(r.violation.trace)) == (invariant, length)
    assert replays(spec, r.violation.trace)


def test_redirect_ignores_health_lands_a_login_on_the_dead_stargate() -> None:
    _, r = check(storage_only().with_mutations("redirect_ignores_health"))
    assert r.violation is not None
    assert steps(r.violation.trace)[1:] == [
        ("crash_cvm", {"host": 1}),
        ("nop_probe", {"redirector": 1, "stargate": 1}),
        ("login", {"vm": "VM1", "disk": 0, "stargate": 1}),
    ]


def test_frodo_queue_count_follows_the_vcpus_at_power_on() -> None:
    spec = AHVSpec(default_config())
    vms = spec.picture(next(iter(spec.init()))).vm.values()
    assert [len(vm.sessions) for vm in vms] == [2, 2, 1]
