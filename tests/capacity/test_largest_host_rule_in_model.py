"""The largest-host rule for uneven hosts is a switch of the model's config, as of the capacity CLI."""

from __future__ import annotations

import dataclasses

from ahvlab.checker import Session
from ahvlab.model import AHVSpec, VMConfig, config_from_dict, config_to_dict, default_config

UNEVEN = dataclasses.replace(
    default_config(),
    host_memory=(100, 100, 200),
    ha_mode="guarantee",
    leader=1,
    submodels=frozenset({"storage", "ha"}),
    networks=(),
    failures=frozenset({"host"}),
    max_cvm_failures=0,
    vms=(VMConfig("A", memory=60, host=3), VMConfig("B", memory=50, host=None)),
)


def starts(config) -> list[str]:
    return [c.label for c in Session(AHVSpec(config)).enabled() if c.action == "start_vm"]


def test_without_the_rule_b_may_start_on_any_host():
    assert starts(UNEVEN) == ["start_vm(vm='B', host=3)", "start_vm(vm='B', host=1)", "start_vm(vm='B', host=2)"]


def test_with_the_rule_every_host_keeps_a_share_of_the_largest_host_and_b_is_refused():
    ruled = dataclasses.replace(UNEVEN, largest_host_rule=True)
    assert starts(ruled) == []
    reason = AHVSpec(ruled).explain_disabled(next(iter(AHVSpec(ruled).init())), "start_vm")
    assert reason == "admission refuses B on every healthy host: no segment placement would protect every VM"


def test_the_switch_is_read_from_toml_and_travels_in_traces():
    table = config_to_dict(dataclasses.replace(UNEVEN, largest_host_rule=True))
    assert table["largest_host_rule"] is True
    assert config_from_dict(table).largest_host_rule is True
