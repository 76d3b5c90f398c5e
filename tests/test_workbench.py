"""The workbench both front ends open: the default model, a scenario, or a trace saved from either."""

from __future__ import annotations

from pathlib import Path

from ahvlab.tui.workbench import open_workbench

LAMPS = Path(__file__).parent / "scenarios" / "data" / "lamps.toml"


def test_a_scenario_over_a_users_spec_saves_a_trace_that_reopens(tmp_path):
    bench = open_workbench(str(LAMPS))
    assert bench.source.endswith("tests/scenarios/tinyspec.py:Lamps")
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
