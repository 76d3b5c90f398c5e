"""The largest-host rule for uneven hosts is on in the model by default; the config switch turns it off."""

from __future__ import annotations

import dataclasses

import pytest

from ahvlab.checker import Session
from ahvlab.checker.errors import SpecLoadError
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
    assert starts(dataclasses.replace(UNEVEN, largest_host_rule=False)) == [
        "start_vm(vm='B', host=3)",
        "start_vm(vm='B', host=1)",
        "start_vm(vm='B', host=2)",
    ]


def test_by_default_every_host_keeps_a_share_of_the_largest_host_and_b_is_refused():
    ruled = UNEVEN
    assert ruled.largest_host_rule is True
    assert starts(ruled) == []
    reason = AHVSpec(ruled).explain_disabled(next(iter(AHVSpec(ruled).init())), "start_vm")
    assert reason == "admission refuses B on every healthy host: no segment placement would protect every VM"


def test_the_switch_is_read_from_toml_and_travels_in_traces():
    table = config_to_dict(dataclasses.replace(UNEVEN, largest_host_rule=False, admission="exact"))
    assert (table["largest_host_rule"], table["admission"]) == (False, "exact")
    back = config_from_dict(table)
    assert (back.largest_host_rule, back.admission) == (False, "exact")


def test_a_bad_admission_method_is_one_error_naming_the_key_and_the_choices():
    with pytest.raises(SpecLoadError) as err:
        config_from_dict({"admission": "greedy"})
    assert (err.value.key, err.value.expected) == ("admission", "mthm or mthm+z3 or exact")
    with pytest.raises(SpecLoadError) as err:
        config_from_dict({"largest_host_rule": "no"})
    assert (err.value.key, err.value.expected) == ("largest_host_rule", "true or false")
