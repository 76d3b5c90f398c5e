"""`ahvlab trace FILE` reads a trace back through the spec that wrote it."""

from __future__ import annotations

import json

from ahvlab.cli import main


def test_a_written_counterexample_is_printed_back_replayed(capsys, tmp_path):
    path = tmp_path / "cex.itf.json"
    assert main(["check", "tests.toys:Pour", "--itf", str(path)]) == 12
    capsys.readouterr()
    assert main(["trace", str(path)]) == 0
    out = capsys.readouterr().out
    assert "7 states of Pour (tests.toys:Pour), replayed." in out
    assert "State 7: big_to_small" in out and "/\\ big = 4    (was 5)" in out


def test_trace_json_lists_each_step_with_its_time(capsys, tmp_path):
    path = tmp_path / "t.itf.json"
    assert main(["check", "tests.toys:Pour", "--itf", str(path)]) == 12
    capsys.readouterr()
    assert main(["trace", str(path), "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert [s["action"] for s in obj["steps"]][:2] == [None, "fill_big"]


def test_a_trace_without_a_source_is_refused_with_the_key_named(capsys, tmp_path):
    path = tmp_path / "anon.itf.json"
    path.write_text(json.dumps({"vars": ["x"], "states": [{"x": 1}]}))
    assert main(["trace", str(path)]) == 150
    err = capsys.readouterr().err
    assert f"{path}: #meta.source: the trace does not say which spec wrote it" in err
