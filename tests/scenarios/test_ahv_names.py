"""The names checkpoints read in the AHV model: hosts from 1, VMs by name, capacity questions in guarantee mode."""

from __future__ import annotations

import pytest

from ahvlab.checker.env import state_env
from ahvlab.checker.expr import ExprError, parse
from ahvlab.scenarios import find_scenario
from ahvlab.scenarios.show import display_vars


def env_at(name: str, step: int = 0) -> dict:
    scenario = find_scenario(name)
    steps, _ = scenario.played
    return state_env(scenario.spec, steps[step].state)


def test_hosts_are_numbered_from_1_and_vms_named():
    env = env_at("host-lost", 1)
    assert env["hosts"] == (1, 2, 3) and env["vms"] == ("VM1", "VM2")
    assert env["host"][2].up is False and env["ha"] == {1: "ok", 2: "lost", 3: "ok"}
    assert env["up_hosts"] == (1, 3) and env["leader"] == 1 and env["T"] == 0
    assert env["copies"] == {"VM1": (), "VM2": ()}


def test_enabled_lists_each_action_with_its_parameters():
    env = env_at("host-lost", 7)
    assert env["enabled"]["tick"] == ({"to": 120},)
    assert env["enabled"]["fence_host"] == ()
    assert parse("enabled.tick[0].to == 120 and enabled.restart_vms == []").holds(env)


def test_guarantee_mode_offers_the_segment_plan_and_admission_questions():
    env = env_at("guarantee-step-3")
    assert env["reserve"] == {1: 0, 2: 70, 3: 0} and env["free_for_vms"] == {1: 30, 2: 30, 3: 60}
    assert env["segment"] == {"VM01": 2, "VM02": 2} and env["protected"] is True
    assert parse('admits("VM03", 3) and not admits("VM03", 2)').holds(env)
    assert parse('why_refused("VM03", 2)').evaluate(env).startswith("refused: if host 1 fails")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('admits("VM9", 1)', "no VM 'VM9'; the VMs are: VM01, VM02, VM03"),
        ('admits("VM01", 4)', "no host 4; the hosts are 1..3"),
        ('admits("VM01")', "admits() is admits(vm, host): it takes 2 arguments, 1 was given"),
        ('admit("VM01", 1)', "unknown function 'admit'; did you mean 'admits'?"),
    ],
)
def test_a_wrong_capacity_question_is_one_clear_error(text, message):
    with pytest.raises(ExprError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")) as err:
        parse(text).evaluate(env_at("guarantee-step-3"))
    assert "\n" not in str(err.value) and "lambda" not in str(err.value)  # no Python internals


def test_walk_shows_the_friendly_names_not_the_raw_tuples():
    scenario = find_scenario("guarantee-step-3")
    shown = display_vars(scenario.spec, scenario.played[0][0].state)
    assert list(shown) == ["host", "vm", "leaders", "leases", "failures", "failed_back", "split", "to_restart"]
