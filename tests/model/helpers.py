"""Configs and helpers shared by the model tests."""

from __future__ import annotations

import dataclasses
from typing import Any

from ahvlab.checker.engine import Options, bfs
from ahvlab.checker.result import Result
from ahvlab.checker.trace import Trace, replay
from ahvlab.model import AHVSpec, Config, VMConfig, default_config

STORAGE_ONLY = frozenset({"storage"})


def storage_only(config: Config | None = None) -> Config:
    """The storage path alone: no time, no leader, CVM failures only."""
    return dataclasses.replace(config or default_config(), submodels=STORAGE_ONLY)


def two_hosts_one_vm(submodels: frozenset[str] | None = None) -> Config:
    """2 hosts, one classic VM with 2 disks on Host 1, the leader on Host 1."""
    c = dataclasses.replace(
        default_config(),
        host_memory=(32, 32),
        leader=1,
        vms=(VMConfig("VM1", vcpus=2, memory=8, disks=2, io_path="classic", host=1, network="vlan10"),),
    )
    return dataclasses.replace(c, submodels=submodels) if submodels else c


def check(config: Config, **opts: Any) -> tuple[AHVSpec, Result]:
    spec = AHVSpec(config)
    return spec, bfs(spec, Options(**opts))


def steps(trace: Trace) -> list[tuple[str | None, dict[str, Any]]]:
    return [(s.action, dict(s.params)) for s in trace.steps]


def replays(spec: AHVSpec, trace: Trace) -> bool:
    """The trace re-plays step by step against the spec, with the same actions and parameters."""
    again = replay(spec, trace.states, [(s.action, s.params) for s in trace.steps])
    return steps(again) == steps(trace) and again.states == trace.states
