"""Guarantee mode inside the AHV model: admission on start, restart onto segments, the invariant, the mutation."""

from __future__ import annotations

from ahvlab.checker.engine import GraphRecorder, Options, bfs
from ahvlab.model import AHVSpec, Config, VMConfig
from ahvlab.model.capacity import MUTATION
from ahvlab.model.state import RESTARTED

WORKED = (
    VMConfig("VM01", memory=70, host=1),
    VMConfig("VM02", memory=40, host=3),
    VMConfig("VM03", memory=40, host=3),
)
VM04 = VMConfig("VM04", memory=30, host=None)


def spec(vms: tuple[VMConfig, ...], *mutations: str) -> AHVSpec:
    return AHVSpec(
        Config(
            host_memory=(100, 100, 100),
            vms=vms,
            networks=(),
            submodels=frozenset({"storage", "ha"}),
            ha_mode="guarantee",
            failures=frozenset({"host"}),
            max_cvm_failures=0,
            leader=1,
            mutations=frozenset(mutations),
        )
    )


def test_guarantee_mode_adds_the_invariant() -> None:
    assert "guarantee_protects" in [i.name for i in spec(WORKED).invariants()]


def test_vm04_may_start_only_where_admission_keeps_every_vm_protected() -> None:
    s = spec((*WORKED, VM04))
    start = next(a for a in s.actions() if a.name == "start_vm")
    init = next(iter(s.init()))
    # Host 2 has the most free memory, but there VM04 leaves host 3's 80 nowhere to restart.
    assert [dict(p) for p, _ in start.fn(init)] == [{"vm": "VM04", "host": 1}]


def test_whichever_host_fails_its_vms_restart_on_their_segments_and_the_invariant_holds() -> None:
    s = spec(WORKED)
    rec = GraphRecorder()
    result = bfs(s, Options(), (rec,))
    assert result.verdict == "ok"
    restarted_from_3 = [st for st in rec.nodes.values() if st.watch[2].phase == RESTARTED]
    assert restarted_from_3
    # VM02 and VM03 (indices 1, 2) had their segments on host 2 (index 1).
    assert {(st.placement[1], st.placement[2]) for st in restarted_from_3} == {(1, 1)}


def test_the_checker_catches_segments_not_shared_correctly() -> None:
    result = bfs(spec((*WORKED, VM04), MUTATION))
    assert result.verdict == "invariant"
    violation = result.violation
    assert violation is not None and violation.name == "guarantee_protects"
    steps = [(st.action, dict(st.params) if st.params else {}) for st in violation.trace.steps]
    assert steps[1:] == [("start_vm", {"vm": "VM04", "host": 2})]
