"""Why an action is not enabled: one sentence in the domain's words, for the shell, the TUI and scenarios."""

from __future__ import annotations

import pytest

from ahvlab.checker import Session, SessionError
from ahvlab.model import AHVSpec, default_config


def why(session: Session, action: str, params: dict | None = None) -> str:
    with pytest.raises(SessionError) as err:
        session.do(action, params)
    return str(err.value)


def test_time_cannot_pass_while_a_step_is_due_now():
    s = Session(AHVSpec())
    s.do("crash_host", {"host": 2})
    s.do("tick")  # to T+20
    assert s.time() == 20
    assert why(s, "tick") == (
        "tick is not enabled here: time cannot pass at T+20 until the steps due now happen "
        "(enabled now: nop_probe, recover_host, start_timeout)"
    )


def test_the_failure_budget_of_a_run_is_named_with_its_bounds():
    s = Session(AHVSpec())
    s.do("crash_host", {"host": 2})
    assert why(s, "partition_host") == (
        "partition_host is not enabled here: this run's failure budget is spent "
        "(max_failures = 1, max_host_failures = 1)"
    )


def test_the_ha_timeline_says_which_deadline_is_not_reached():
    s = Session(AHVSpec())
    assert why(s, "fence_host").endswith("no host is in its timeout")
    s.do("crash_host", {"host": 2})
    assert why(s, "start_timeout").endswith("no host's connection has been lost for 20 s")


def test_a_leader_already_in_office_is_why_nobody_is_elected():
    assert why(Session(AHVSpec()), "elect_leader").endswith("host 3's CVM is the Acropolis leader")


def test_a_mutation_that_blocks_the_step_is_named():
    s = Session(AHVSpec(default_config().with_mutations("no_failback")))
    assert why(s, "quiesce").endswith("the no_failback mutation is on: a remote Stargate never quiesces")


def test_every_action_of_the_default_model_has_a_reason_when_disabled():
    spec = AHVSpec()
    s = Session(spec)
    enabled = {c.action for c in s.enabled()}
    for action in spec.actions():
        if action.name not in enabled:
            reason = spec.explain_disabled(s.state, action.name)
            assert reason and "\n" not in reason, action.name
