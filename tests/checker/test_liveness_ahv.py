"""The AHV model's temporal properties: each holds on the default model and fails, with a lasso, when broken."""

from __future__ import annotations

import dataclasses
import json

import pytest

from ahvlab.checker import Options, bfs
from ahvlab.checker.run import check
from ahvlab.cli import main
from ahvlab.model import AHVSpec, NetworkConfig, VMConfig, default_config
from ahvlab.model.state import CONNECTED

NAMES = ["VMsRunAgain", "SessionsFailBack", "DHCPAnswered", "LeaderElected"]


def test_the_default_model_has_the_four_properties_with_their_fairness():
    props = {p.name: p for p in AHVSpec().properties() if p.kind != "sometimes"}
    assert list(props) == NAMES
    assert all(p.kind == "leads_to" for p in props.values())
    fair = props["LeaderElected"].fairness
    assert fair is not None and {"tick", "elect_leader", "vm_dies", "ack_block"} <= set(fair)
    assert props["SessionsFailBack"].fairness is not None and "quiesce" in props["SessionsFailBack"].fairness
    assert props["VMsRunAgain"].fairness is not None and "crash_host" not in props["VMsRunAgain"].fairness


def test_every_property_holds_on_the_default_model():
    result = check(AHVSpec())
    assert result.verdict == "ok"
    # The liveness run explores exactly the states of a safety run (the model's own figure, pinned elsewhere).
    assert result.figures.distinct == bfs(AHVSpec()).figures.distinct
    assert result.figures.liveness_properties == len(NAMES)


def test_no_failback_leaves_sessions_remote_forever():
    spec = AHVSpec(default_config().with_mutations("no_failback"))
    result = check(spec)
    v = result.violation
    assert v is not None and v.kind == "liveness" and v.name == "SessionsFailBack"
    assert result.exit_code == 13
    # The lasso ends in a stuttering state: the CVM is back, the redirector knows it, a session is still remote.
    assert v.trace.loop == len(v.trace) - 1
    last = v.trace.last
    assert all(last.cvm_up) and last.failures[0] == 1
    assert any(x.phase == CONNECTED and x.target != c.host for cs in last.copies for c in cs for x in c.sessions)
    assert "crash_cvm" in [s.action for s in v.trace.steps]


def test_the_redirector_ignoring_health_also_breaks_failback():
    config = dataclasses.replace(default_config(), failures=frozenset({"cvm"}))
    spec = AHVSpec(config.with_mutations("redirect_ignores_health"))
    # Its safety invariant redirect_to_healthy fails first; switched off, the liveness failure shows too.
    v = check(spec, Options(invariants=[]), properties=["SessionsFailBack"]).violation
    assert v is not None and v.name == "SessionsFailBack"


def test_without_capacity_the_vms_of_a_lost_host_never_run_again():
    # Every host is full or nearly: a lost host's VM has nowhere to go.
    config = dataclasses.replace(default_config(), host_memory=(8, 8, 8), failures=frozenset({"host"}))
    v = check(AHVSpec(config), properties=["VMsRunAgain"]).violation
    assert v is not None and v.name == "VMsRunAgain"
    assert v.trace.loop == len(v.trace) - 1
    assert any(h < 0 for h in v.trace.last.placement)
    assert "restart_vms" in [s.action for s in v.trace.steps]


def test_with_capacity_and_host_failures_only_vms_run_again():
    config = dataclasses.replace(default_config(), failures=frozenset({"host"}))
    assert check(AHVSpec(config), properties=["VMsRunAgain"]).verdict == "ok"


def test_an_exhausted_scope_leaves_a_dhcp_request_unanswered():
    base = default_config()
    config = dataclasses.replace(
        base,
        vms=(*base.vms, VMConfig("VM4", memory=4, host=None, network="vlan10")),
        networks=(NetworkConfig("vlan10", managed=True, scope="10.10.0.10-10.10.0.12"),),
        failures=frozenset(),
    )
    spec = AHVSpec(config)
    v = check(spec, properties=["DHCPAnswered"], fairness={"start_vm": "weak", "serve_dhcp": "weak"}).violation
    assert v is not None and v.name == "DHCPAnswered"
    assert v.trace.last.dhcp_pending == (False, False, False, True)
    assert v.trace.loop == len(v.trace) - 1


def test_a_leader_is_elected_only_if_the_election_is_fair():
    config = dataclasses.replace(default_config(), failures=frozenset({"host"}))
    spec = AHVSpec(config)
    assert check(spec, properties=["LeaderElected"]).verdict == "ok"
    v = check(spec, properties=["LeaderElected"], fairness={"tick": "weak"}).violation
    assert v is not None and not v.trace.last.leaders
    assert v.trace.loop == len(v.trace) - 1


def test_pinned_check_mutate_no_failback_writes_the_lasso_as_itf(tmp_path, capsys):
    itf = tmp_path / "failback.itf.json"
    code = main(["check", "--mutate", "no_failback", "--itf", str(itf)])
    out = capsys.readouterr().out
    assert code == 13
    assert "Temporal property SessionsFailBack is violated" in out
    assert "<-- loop starts here" in out
    obj = json.loads(itf.read_text())
    assert obj["loop"] == len(obj["states"]) - 1
    assert obj["#meta"]["status"] == "violation"


def test_check_no_liveness_on_the_mutated_model_is_safety_only(capsys):
    code = main(["check", "--mutate", "no_failback", "--no-liveness", "--json"])
    obj = json.loads(capsys.readouterr().out)
    assert code == 0 and obj["result"] == "ok" and obj["liveness_seconds"] is None


def test_the_model_lists_its_temporal_properties():
    assert [p.name for p in AHVSpec().properties() if p.kind == "leads_to"] == NAMES


@pytest.mark.parametrize(
    ("mutation", "prop", "actions"),
    [
        (
            "no_restart",
            "VMsRunAgain",
            ["crash_host", "tick", "start_timeout", "tick", "fence_host", "ack_block", "ack_block", "tick"],
        ),
        # Host 1 comes back at once; the leader on host 3 restarts VM1 there, and its request needs the tunnel.
        ("dhcp_local_only", "DHCPAnswered", ["crash_host", "recover_host", "restart_vm"]),
        ("election_needs_all", "LeaderElected", ["crash_cvm"]),
    ],
)
def test_each_property_fails_with_a_lasso_under_the_mutation_that_breaks_it(mutation, prop, actions):
    spec = AHVSpec(default_config().with_mutations(mutation))
    # Liveness alone: no_restart also breaks the 120 s promise, which restart_by_deadline reports first.
    result = check(spec, Options(invariants=[]), properties=[prop])
    v = result.violation
    assert v is not None and (v.kind, v.name) == ("liveness", prop)
    assert [st.action for st in v.trace.steps[1:]] == actions
    assert v.trace.loop == len(v.trace) - 1  # the cluster stutters there: nothing fair is left to do
    assert check(AHVSpec(), properties=[prop]).verdict == "ok"


def test_check_reports_the_new_mutations_as_liveness_violations(capsys):
    code = main(["check", "--mutate", "dhcp_local_only", "--json"])
    obj = json.loads(capsys.readouterr().out)
    assert code == 13 and obj["violation"]["name"] == "DHCPAnswered" and obj["violation"]["loop"] == 3


def _three_hosts_one_vm(failures: set[str], host: int = 2) -> AHVSpec:
    """3 hosts, one small VM on ``host``, two failures of the given kinds (storage and HA only)."""
    config = dataclasses.replace(
        default_config(),
        submodels=frozenset({"storage", "ha"}),
        networks=(),
        vms=(VMConfig("VM1", memory=8, host=host),),
        failures=frozenset(failures),
        max_failures=2,
    )
    return AHVSpec(config)


def test_two_failures_libvirtd_and_cvm_on_three_hosts_keep_every_property_and_invariant():
    result = check(_three_hosts_one_vm({"libvirtd", "cvm"}))
    assert result.verdict == "ok" and result.exit_code == 0
    assert (result.figures.distinct, result.figures.depth) == (64619, 26)
    assert result.figures.liveness_properties == 3  # VMsRunAgain, SessionsFailBack, LeaderElected (no IPAM)


def test_a_vm_that_died_while_its_host_was_cut_off_is_restarted_when_ha_cancels():
    spec = _three_hosts_one_vm({"partition", "cvm"})
    picks = [
        ("partition_host", {"host": 2}),
        ("crash_cvm", {"host": 2}),
        ("tick", {"to": 20}),
        ("start_timeout", {"host": 2}),
        ("tick", {"to": 45}),
        ("vm_dies", {"vm": "VM1", "host": 2}),
        ("recover_cvm", {"host": 2}),
        ("heal_partition", {"host": 2}),
    ]
    from ahvlab.checker.trace import replay_actions

    healed = replay_actions(spec, 0, picks).last
    # HA cancelled (host 2 is back before T60), and the leader took VM1's restart on.
    assert healed.watch[1].phase == "ok" and healed.to_restart == frozenset({0})
    (params, after), *_ = [(p, t) for a in spec.actions() if a.name == "restart_vm" for p, t in a.fn(healed)]
    assert params == {"vm": "VM1", "host": 1} and [c.host for c in after.copies[0]] == [0]


def test_forgetting_the_dead_vm_is_caught_by_no_orphan_vm():
    spec = _three_hosts_one_vm({"partition", "cvm"})
    spec = AHVSpec(spec.config.with_mutations("forget_dead_vms"))
    v = bfs(spec, Options(invariants=["no_orphan_vm"])).violation
    assert v is not None and v.name == "no_orphan_vm"
    assert [st.action for st in v.trace.steps[1:]][-1] in ("heal_partition", "recover_cvm")


def test_no_restart_breaks_the_120_s_promise_at_t120():
    v = bfs(AHVSpec(default_config().with_mutations("no_restart"))).violation
    assert v is not None and v.name == "restart_by_deadline" and v.trace.last.now == 120
