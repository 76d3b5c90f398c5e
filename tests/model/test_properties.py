"""Property tests: random configs (up to 8 hosts) and random walks through the model's steps."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ahvlab.checker.itf import parse_itf, trace_from_itf, trace_to_itf
from ahvlab.checker.trace import replay_actions
from ahvlab.model import AHVSpec, Config, NetworkConfig, VMConfig
from ahvlab.model.config import FAILURES, IO_FAILS_AT, Timings


@st.composite
def configs(draw: st.DrawFn, min_hosts: int = 2, max_hosts: int = 8) -> Config:
    n = draw(st.integers(min_hosts, max_hosts))
    memory = tuple(draw(st.lists(st.sampled_from([16, 32, 64]), min_size=n, max_size=n)))
    vms = []
    load = [0] * n
    for i in range(draw(st.integers(1, 4))):
        host = draw(st.integers(1, n))
        mem = draw(st.sampled_from([2, 4, 8]))
        if load[host - 1] + mem > memory[host - 1]:
            continue
        load[host - 1] += mem
        vms.append(
            VMConfig(
                f"VM{i + 1}",
                vcpus=draw(st.integers(1, 4)),
                memory=mem,
                disks=draw(st.integers(1, 3)),
                io_path=draw(st.sampled_from(["classic", "frodo"])),
                num_queues=draw(st.integers(1, 4)),
                host=host,
                network=draw(st.sampled_from(["vlan10", "vlan20"])),
                does_io=draw(st.booleans()),
            )
        )
    if not vms:
        vms.append(VMConfig("VM1", host=1, network="vlan10"))
    failures = frozenset(draw(st.sets(st.sampled_from(FAILURES), min_size=1)))
    # A lease shorter than the 20 s election keeps one leader; heartbeats of 1 s and 7 s.
    timings = Timings(heartbeat=draw(st.sampled_from([1, 7])), leader_lease=draw(st.sampled_from([0, 10])))
    return Config(
        host_memory=memory,
        vms=tuple(vms),
        networks=(NetworkConfig("vlan10", True, "10.10.0.10-10.10.0.17"), NetworkConfig("vlan20", managed=False)),
        failures=failures,
        max_failures=draw(st.integers(1, 3)),
        max_cvm_failures=draw(st.integers(0, 2)),
        max_host_failures=draw(st.integers(0, 2)),
        leader=draw(st.integers(1, n)),
        blocks=((1, 2),) if "block" in failures else (),
        waits=draw(st.sampled_from([(), (10,), (5, 30)])),
        io_fails_at=draw(st.sampled_from(IO_FAILS_AT)),
        timings=timings,
    )


def _key(params: Any) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(dict(params).items()))


def walk(spec: AHVSpec, choices: list[int]) -> None:
    """Follow the choices through the successors; check every successor on the way."""
    invariants = spec.invariants()
    if not all(vm.does_io for vm in spec.config.vms):
        # A guest that never does I/O never dies of it: it can outlive its restart elsewhere (docs/model.md,
        # "a VM that does no I/O"). Two copies may run; never two with storage access.
        invariants = [inv for inv in invariants if inv.name != "no_phantom_vm"]
    if "no_ack" in spec.config.failures:
        # A Stargate that hangs before a host is lost holds that host's restart back past T120 on purpose.
        invariants = [inv for inv in invariants if inv.name != "restart_by_deadline"]
    s = next(iter(spec.init()))
    picks: list[tuple[str, dict[str, Any]]] = []
    for c in choices:
        succ = []
        for act in spec.actions():
            seen: dict[tuple[tuple[str, Any], ...], Any] = {}
            for params, nxt in act.fn(s):
                k = _key(params)
                assert seen.setdefault(k, nxt) == nxt, f"{act.name}{k} is not deterministic"
                assert all(isinstance(v, int | str) for v in dict(params).values())
                succ.append((act.name, dict(params), nxt))
        assert succ, "deadlock"
        for name, params, nxt in succ:
            hash(spec.view(nxt))
            failed = [inv.name for inv in invariants if not inv.fn(nxt)]
            assert not failed, f"{failed} after {name}{params} from {picks}"
        moving = [x for x in succ if x[2] != s] or succ  # a stuttering probe would only waste the walk
        name, params, s = moving[c % len(moving)]
        picks.append((name, params))
    trace = replay_actions(spec, 0, picks)
    assert trace.last == s
    # The walk survives a trip through an ITF file: its variables lead back to the same states.
    again = trace_from_itf(spec, parse_itf(json.loads(json.dumps(trace_to_itf(spec, trace)))))
    assert again.states == trace.states


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.lists(st.integers(0, 10_000), min_size=5, max_size=40))
def test_random_walks_keep_every_invariant_and_steps_are_deterministic(config: Config, choices: list[int]) -> None:
    walk(AHVSpec(config), choices)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(min_hosts=5, max_hosts=8), st.lists(st.integers(0, 10_000), min_size=20, max_size=60))
def test_random_walks_on_five_to_eight_hosts(config: Config, choices: list[int]) -> None:
    walk(AHVSpec(config), choices)


@settings(max_examples=15, deadline=None)
@given(configs(max_hosts=4), st.lists(st.integers(0, 10_000), min_size=5, max_size=30))
def test_tick_and_wait_are_the_only_steps_that_move_time_and_never_skip_a_deadline(
    config: Config, choices: list[int]
) -> None:
    spec = AHVSpec(config)
    s = next(iter(spec.init()))
    for c in choices:
        succ = [(a.name, nxt) for a in spec.actions() for _, nxt in a.fn(s)]
        for name, nxt in succ:
            if name not in ("tick", "wait"):
                assert nxt.now == s.now
            else:
                assert nxt.now > s.now
                assert all(w.timer >= 0 or w.timer == -1 for w in nxt.watch)
                assert min([t for t in nxt.elect_timer if t >= 0] + [0]) >= 0
        moving = [x for x in succ if x[1] != s] or succ
        s = moving[c % len(moving)][1]
