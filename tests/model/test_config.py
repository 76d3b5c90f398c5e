"""The cluster config: defaults, validation and TOML loading."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ahvlab.checker.errors import SpecLoadError
from ahvlab.model import MUTATIONS, Config, VMConfig, config_from_dict, default_config, load_config


def test_default_config_is_the_brief_cluster() -> None:
    c = default_config()
    assert c.hosts == 3
    assert [(vm.name, vm.io_path, vm.vcpus, vm.disks, vm.host) for vm in c.vms] == [
        ("VM1", "classic", 2, 2, 1),
        ("VM2", "frodo", 4, 1, 2),
        ("VM3", "frodo", 1, 1, 3),
    ]
    assert c.ha_mode == "best_effort"
    t = c.timings
    assert (t.heartbeat, t.detect_after, t.timeout, t.fence_at, t.restart_after, t.vm_io_death) == (
        1,
        20,
        40,
        60,
        120,
        45,
    )


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"host_memory": ()}, "hosts"),
        ({"vms": (VMConfig("VM1", memory=64),)}, "vms[1].memory"),
        ({"vms": (VMConfig("VM1", disks=0),)}, "vms[1].disks"),
        ({"vms": (VMConfig("VM1", io_path="nvme"),)}, "vms[1].io_path"),
        ({"vms": (VMConfig("VM1", host=4),)}, "vms[1].host"),
        ({"vms": (VMConfig("A"), VMConfig("A"))}, "vms[2].name"),
        ({"ha_mode": "sometimes"}, "ha_mode"),
        ({"leader": 0}, "leader"),
        ({"max_failures": -1}, "max_failures"),
        ({"submodels": frozenset({"ipam", "storage"})}, "submodels"),
    ],
)
def test_nonsense_is_refused_naming_the_key(change: dict[str, object], key: str) -> None:
    with pytest.raises(SpecLoadError) as err:
        dataclasses.replace(default_config(), **change)  # type: ignore[arg-type]
    assert err.value.key == key
    assert err.value.expected


def test_unknown_mutation_lists_the_known_ones() -> None:
    with pytest.raises(SpecLoadError) as err:
        default_config().with_mutations("no_such_thing")
    for name in MUTATIONS:
        assert name in str(err.value)


def test_every_mutation_has_a_one_line_description() -> None:
    assert set(MUTATIONS) >= {
        "no_failback",
        "redirect_ignores_health",
        "frodo_ignores_vcpus",
        "no_fencing",
        "restart_before_ack",
        "timeout_too_short",
        "election_without_quorum",
        "leases_in_memory",
    }
    assert all(d and "\n" not in d for d in MUTATIONS.values())


def test_a_toml_file_builds_the_config(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text(
        'hosts = [64, 32]\nleader = 1\nmutations = ["no_failback"]\n'
        '[[vms]]\nname = "db"\nvcpus = 4\nmemory = 16\nio_path = "classic"\ndisks = 3\nhost = 2\n'
        "[timings]\ntimeout = 30\nrestart_after = 110\n"
    )
    c = load_config(f)
    assert c.host_memory == (64, 32)
    assert c.vms == (VMConfig("db", vcpus=4, memory=16, disks=3, io_path="classic", host=2),)
    assert c.mutations == frozenset({"no_failback"})
    assert (c.timings.fence_at, c.timings.restart_after) == (50, 110)


def test_a_bad_value_in_a_file_names_file_line_key_and_expectation(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text('hosts = [32, 32]\nleader = 1\n\n[[vms]]\nname = "VM1"\ndisks = 0\n')
    with pytest.raises(SpecLoadError) as err:
        load_config(f)
    assert str(err.value) == f"{f}:6: vms[1].disks: VM1: disks = 0 (expected an integer >= 1)"


def test_a_wrong_type_and_an_unknown_key_are_explained(tmp_path: Path) -> None:
    with pytest.raises(SpecLoadError, match=r"hosts: got 'three'.*expected a list"):
        config_from_dict({"hosts": "three"}, source="x.toml")
    with pytest.raises(SpecLoadError) as err:
        config_from_dict(
            {"vms": [{"name": "VM1", "cpus": 2}]}, source="x.toml", text='[[vms]]\nname = "VM1"\ncpus = 2\n'
        )
    assert (err.value.file, err.value.line, err.value.key) == ("x.toml", 3, "vms[1].cpus")


def test_broken_toml_and_missing_file_are_one_line_errors(tmp_path: Path) -> None:
    f = tmp_path / "broken.toml"
    f.write_text("hosts = [32,\n")
    with pytest.raises(SpecLoadError, match="not valid TOML"):
        load_config(f)
    with pytest.raises(SpecLoadError, match="cannot read"):
        load_config(tmp_path / "missing.toml")


def test_a_scenario_cluster_table_is_accepted() -> None:
    c = config_from_dict({"hosts": 4, "max_failures": 2}, source="scenario.toml")
    assert c.host_memory == (32, 32, 32, 32)
    assert isinstance(c, Config) and c.max_failures == 2


def test_the_line_points_into_the_right_vm_table(tmp_path: Path) -> None:
    f = tmp_path / "two.toml"
    f.write_text('[[vms]]\nname = "VM1"\ndisks = 1\nhost = 1\n\n[[vms]]\nname = "VM2"\ndisks = 0\nhost = 2\n')
    with pytest.raises(SpecLoadError) as err:
        load_config(f)
    assert (err.value.line, err.value.key) == (8, "vms[2].disks")
