"""The workbench both front ends open: the default model, a scenario, or a trace saved from either."""

from __future__ import annotations

from pathlib import Path

import pytest

from ahvlab.workbench import open_workbench

LAMPS = Path(__file__).parent / "scenarios" / "data" / "lamps.toml"


def test_a_scenario_over_a_users_spec_saves_a_trace_that_reopens(tmp_path):
    bench = open_workbench(str(LAMPS))
    assert bench.source.endswith("tests/toys.py:Lamps")
    assert Path(bench.source.rpartition(":")[0]).is_absolute()
    bench.session.last()
    saved = tmp_path / "lamps.itf.json"
    bench.save(saved)
    again = open_workbench(str(saved))
    assert again.session.trace.states == bench.session.trace.states
    assert again.config is None


def test_the_default_model_saves_a_trace_that_reopens_with_its_config(tmp_path):
    bench = open_workbench(None)
    bench.session.do(0)
    bench.session.do(0)
    saved = tmp_path / "ahv.itf.json"
    bench.save(saved)
    again = open_workbench(str(saved))
    assert again.session.trace.states == bench.session.trace.states
    assert again.config == bench.config


def test_a_mutated_model_trace_reopens_under_the_same_mutation(tmp_path):
    bench = open_workbench(None)
    name = next(iter(bench.mutations()))
    bench.set_mutation(name, True)
    bench.session.do(0)
    saved = tmp_path / "mutated.itf.json"
    bench.save(saved)
    again = open_workbench(str(saved))
    assert again.mutations()[name][1] is True
    assert again.session.trace.states == bench.session.trace.states


def test_a_scenario_on_its_own_cluster_saves_a_trace_that_reopens_on_that_cluster(tmp_path):
    bench = open_workbench("guarantee-failover")
    bench.session.last()
    saved = tmp_path / "failover.itf.json"
    bench.save(saved)
    again = open_workbench(str(saved))
    assert again.config == bench.config
    assert again.config.ha_mode == "guarantee"
    assert again.session.trace.states == bench.session.trace.states


def test_a_timing_change_rebuilds_the_model_and_keeps_what_still_replays():
    bench = open_workbench(None)
    assert bench.timings()["timeout"] == 40
    kept = bench.set_timing("timeout", 10)
    assert kept == 1
    assert bench.timings()["timeout"] == 10
    assert bench.config.timings.timeout == 10


def test_a_trace_whose_config_is_nonsense_is_refused_with_the_key(tmp_path):
    import json

    from ahvlab.checker.errors import SpecLoadError

    bench = open_workbench(None)
    saved = tmp_path / "bad.itf.json"
    bench.save(saved)
    obj = json.loads(saved.read_text())
    obj["#meta"]["parameters"]["config"]["#map"].append(["hosts", 0])
    saved.write_text(json.dumps(obj))
    with pytest.raises(SpecLoadError, match="hosts") as err:
        open_workbench(str(saved))
    assert str(saved) in str(err.value)
