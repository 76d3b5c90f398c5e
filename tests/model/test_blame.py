"""Blame: a violated AHV invariant names the hosts, VMs and values that make it false."""

from __future__ import annotations

import json

import pytest

from ahvlab.checker.engine import Options, bfs
from ahvlab.cli import main
from ahvlab.model import AHVSpec, default_config
from ahvlab.model.matrix import BOUNDS


@pytest.mark.parametrize(
    ("mutation", "blames"),
    [
        (
            "no_fencing",
            {
                "no_phantom_vm": "VM1 runs on host 1 and host 3",
                "single_storage_access": "VM1 reaches its disks from host 1 and host 3",
                "no_io_from_fenced_host": "VM1 on host 1 (restarted) still gets its I/O accepted",
            },
        ),
        ("election_without_quorum", {"at_most_one_leader": "host 1 and host 3 are leaders at once"}),
        ("frodo_ignores_vcpus", {"frodo_queue_count": "VM3 on host 3 has 2 sessions for 1 vCPU (wants 1)"}),
    ],
)
def test_each_violation_of_a_mutated_model_names_what_made_it_false(mutation, blames):
    r = bfs(
        AHVSpec(default_config().with_mutations(mutation)), Options(keep_going=True, max_states=BOUNDS.get(mutation))
    )
    assert {v.name: v.blame for v in r.violations} == blames


def test_blame_is_none_in_a_state_where_the_invariant_holds():
    spec = AHVSpec()
    init = next(iter(spec.init()))
    assert [spec.blame(i.name, init) for i in spec.invariants()] == [None] * len(spec.invariants())


def test_the_report_and_json_carry_the_blame_line(capsys):
    assert main(["check", "--mutate", "no_fencing", "--no-coverage"]) == 12
    assert "Error: Why: VM1 runs on host 1 and host 3" in capsys.readouterr().out
    assert main(["check", "--mutate", "no_fencing", "--json"]) == 12
    assert json.loads(capsys.readouterr().out)["violation"]["blame"] == "VM1 runs on host 1 and host 3"
