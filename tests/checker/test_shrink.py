"""``simulate --shrink``: a random walk's violation shrunk by hypothesis to a locally minimal counterexample."""

from __future__ import annotations

import json
import re

from ahvlab.checker.shrink import simulate_shrinking
from ahvlab.cli import main
from ahvlab.model import AHVSpec, default_config
from tests.toys import Wander

DIEHARD = "ahvlab/checker/examples/diehard.py:DieHard"


def test_a_walk_that_wanders_is_shrunk_to_the_bfs_length_by_removing_loops_and_rechoosing_steps():
    v = simulate_shrinking(Wander(), 20, 60, 2).violation
    assert v is not None and (v.name, v.shrunk_from, len(v.trace)) == ("near", 24, 5)
    assert [st.params for st in v.trace.steps[1:]] == [{"by": 1}, {"by": 2}, {"by": 2}, {"by": 2}]


def test_diehard_seed_8_shrinks_from_13_to_9_states_in_json(capsys):
    code = main(["simulate", DIEHARD, "--seed", "8", "--shrink", "--json"])
    obj = json.loads(capsys.readouterr().out)
    assert code == 12 and obj["exit_code"] == 12 and obj["seed"] == 8
    assert (obj["violation"]["trace_length"], obj["violation"]["shrunk_from"]) == (9, 13)


def test_the_same_seed_repeats_the_shrunk_run_exactly(capsys):
    traces = []
    for _ in range(2):
        main(["simulate", DIEHARD, "--seed", "1", "--shrink", "--json"])
        traces.append(json.loads(capsys.readouterr().out)["violation"]["trace"])
    assert traces[0] == traces[1] and len(traces[0]) == 7


def test_the_seed_is_random_by_default_and_always_printed(capsys):
    seeds = []
    for _ in range(2):
        main(["simulate", DIEHARD, "--runs", "1", "--steps", "2", "--json"])
        out, err = capsys.readouterr()
        seed = json.loads(out)["seed"]
        assert f"seed {seed}" in err
        seeds.append(seed)
    assert seeds[0] != seeds[1]


def test_a_200_step_walk_under_no_fencing_shrinks_to_the_bfs_length():
    v = simulate_shrinking(AHVSpec(default_config().with_mutations("no_fencing")), 100, 200, 3).violation
    assert v is not None and (v.name, v.shrunk_from, len(v.trace)) == ("no_phantom_vm", 13, 8)
    assert v.blame == "VM1 runs on host 1 and host 3"


def test_shrink_with_nothing_to_violate_is_one_line_and_exit_2(capsys):
    code = main(["simulate", "tests.toys:RunsDown", "--shrink", "--no-deadlock"])
    err = capsys.readouterr().err
    assert code == 2 and "--shrink has nothing to shrink" in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1


def test_shrink_that_finds_no_violation_says_so_and_exits_0(capsys):
    code = main(["simulate", "tests.toys:Grid", "--shrink", "--seed", "3", "--runs", "2"])
    out = capsys.readouterr().out
    assert code == 0 and "No violation found: nothing to shrink." in out
    assert re.search(r"seed 3 \(then shrink the violation\)", out)
