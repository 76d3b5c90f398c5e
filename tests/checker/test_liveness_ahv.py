"""The AHV model's temporal properties: each holds on the default model and fails, with a lasso, when broken."""

from __future__ import annotations

import dataclasses
import json

import pytest

from ahvlab.checker import Options, bfs
from ahvlab.checker.liveness import check_liveness
from ahvlab.cli import main
from ahvlab.model import AHVSpec, NetworkConfig, VMConfig, default_config
from ahvlab.model.properties import ahv_properties
from ahvlab.model.state import CONNECTED

NAMES = ["VMsRunAgain", "SessionsFailBack", "DHCPAnswered", "LeaderElected"]


_MODEL_PROPERTIES = AHVSpec.properties


def _with_ahv_properties(self):
    have = list(_MODEL_PROPERTIES(self))
    names = {p.name for p in have}
    return have + [p for p in ahv_properties(self) if p.name not in names]


class WithLiveness(AHVSpec):
    """The AHV spec with the temporal properties, whether or not the model already lists them."""

    properties = _with_ahv_properties


def test_the_default_model_has_the_four_properties_with_their_fairness():
    props = {p.name: p for p in ahv_properties(AHVSpec())}
    assert list(props) == NAMES
    assert all(p.kind == "leads_to" for p in props.values())
    assert props["LeaderElected"].fairness == {"tick": "weak", "elect_leader": "weak"}
    assert props["SessionsFailBack"].fairness is not None and "quiesce" in props["SessionsFailBack"].fairness
    assert props["VMsRunAgain"].fairness is not None and "crash_host" not in props["VMsRunAgain"].fairness


def test_every_property_holds_on_the_default_model():
    result = check_liveness(WithLiveness())
    assert result.verdict == "ok"
    # The liveness run explores exactly the states of a safety run (the model's own figure, pinned elsewhere).
    assert result.figures.distinct == bfs(AHVSpec()).figures.distinct
    assert result.figures.liveness_properties == len(NAMES)


def test_no_failback_leaves_sessions_remote_forever():
    spec = WithLiveness(default_config().with_mutations("no_failback"))
    result = check_liveness(spec)
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
    spec = WithLiveness(config.with_mutations("redirect_ignores_health"))
    # Its safety invariant redirect_to_healthy fails first; switched off, the liveness failure shows too.
    v = check_liveness(spec, Options(invariants=[]), properties=["SessionsFailBack"]).violation
    assert v is not None and v.name == "SessionsFailBack"


def test_without_capacity_the_vms_of_a_lost_host_never_run_again():
    # Every host is full or nearly: a lost host's VM has nowhere to go.
    config = dataclasses.replace(default_config(), host_memory=(8, 8, 8), failures=frozenset({"host"}))
    v = check_liveness(WithLiveness(config), properties=["VMsRunAgain"]).violation
    assert v is not None and v.name == "VMsRunAgain"
    assert v.trace.loop == len(v.trace) - 1
    assert any(h < 0 for h in v.trace.last.placement)
    assert "restart_vms" in [s.action for s in v.trace.steps]


def test_with_capacity_and_host_failures_only_vms_run_again():
    config = dataclasses.replace(default_config(), failures=frozenset({"host"}))
    assert check_liveness(WithLiveness(config), properties=["VMsRunAgain"]).verdict == "ok"


def test_an_exhausted_scope_leaves_a_dhcp_request_unanswered():
    base = default_config()
    config = dataclasses.replace(
        base,
        vms=(*base.vms, VMConfig("VM4", memory=4, host=None, network="vlan10")),
        networks=(NetworkConfig("vlan10", managed=True, scope="10.10.0.10-10.10.0.12"),),
        failures=frozenset(),
    )
    spec = WithLiveness(config)
    v = check_liveness(spec, properties=["DHCPAnswered"], fairness={"start_vm": "weak", "serve_dhcp": "weak"}).violation
    assert v is not None and v.name == "DHCPAnswered"
    assert v.trace.last.dhcp_pending == (False, False, False, True)
    assert v.trace.loop == len(v.trace) - 1


def test_a_leader_is_elected_only_if_the_election_is_fair():
    config = dataclasses.replace(default_config(), failures=frozenset({"host"}))
    spec = WithLiveness(config)
    assert check_liveness(spec, properties=["LeaderElected"]).verdict == "ok"
    v = check_liveness(spec, properties=["LeaderElected"], fairness={"tick": "weak"}).violation
    assert v is not None and not v.trace.last.leaders
    assert v.trace.loop == len(v.trace) - 1


@pytest.fixture
def wired(monkeypatch):
    """Make `ahvlab check` see the properties even before the model lists them itself."""
    monkeypatch.setattr(AHVSpec, "properties", _with_ahv_properties)


def test_pinned_check_mutate_no_failback_writes_the_lasso_as_itf(wired, tmp_path, capsys):
    itf = tmp_path / "failback.itf.json"
    code = main(["check", "--mutate", "no_failback", "--itf", str(itf)])
    out = capsys.readouterr().out
    assert code == 13
    assert "Temporal property SessionsFailBack is violated" in out
    assert "<-- loop starts here" in out
    obj = json.loads(itf.read_text())
    assert obj["loop"] == len(obj["states"]) - 1
    assert obj["#meta"]["status"] == "violation"


def test_check_no_liveness_on_the_mutated_model_is_safety_only(wired, capsys):
    code = main(["check", "--mutate", "no_failback", "--no-liveness", "--json"])
    obj = json.loads(capsys.readouterr().out)
    assert code == 0 and obj["result"] == "ok" and obj["liveness_seconds"] is None
