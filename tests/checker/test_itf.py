"""ITF traces: the format's value encodings, exact round trips, and clear errors for bad files."""

from __future__ import annotations

import json

import pytest

from ahvlab.checker import bfs, replay_actions
from ahvlab.checker.errors import SpecLoadError, UsageError
from ahvlab.checker.itf import decode, encode, load_trace, read_itf, trace_to_itf, write_itf
from tests.toys import Pour, Timed, Values


def test_values_are_encoded_as_the_itf_adr_says():
    assert encode(True) is True
    assert encode(7) == 7
    assert encode(2**60) == {"#bigint": str(2**60)}
    assert encode(-(2**53)) == {"#bigint": str(-(2**53))}
    assert encode((1, "a")) == [1, "a"]
    assert encode(frozenset({3, 1})) == {"#set": [1, 3]}
    assert encode({"k": 1}) == {"#map": [["k", 1]]}
    assert encode(None) == {"#unserializable": "None"}


def test_decoding_accepts_quints_boxed_integers_and_tuples():
    assert decode({"#bigint": "5"}) == 5
    assert decode({"#tup": [1, {"#bigint": "2"}]}) == (1, 2)
    assert decode({"#set": [1, 2]}) == frozenset({1, 2})
    assert decode({"#map": [[1, "a"]]}) == {1: "a"}
    assert decode({"x": [1]}) == {"x": (1,)}


def test_a_counterexample_round_trips_exactly(tmp_path):
    spec = Pour()
    trace = bfs(spec).violation.trace
    path = tmp_path / "cex.itf.json"
    write_itf(path, spec, trace, source="tests.toys:Pour", status="violation")
    obj = json.loads(path.read_text())
    assert obj["vars"] == ["big", "small", "mbt::actionTaken", "mbt::nondetPicks"]
    assert obj["#meta"]["source"] == "tests.toys:Pour"
    assert [s["#meta"]["index"] for s in obj["states"]] == list(range(7))
    assert obj["states"][1]["mbt::actionTaken"] == "fill_big"
    assert load_trace(spec, path) == trace


def test_every_kind_of_value_round_trips(tmp_path):
    spec = Values()
    trace = replay_actions(spec, 0, [("grow", {"k": 1}), ("grow", {"k": 2})])
    path = tmp_path / "values.itf.json"
    write_itf(path, spec, trace)
    text = path.read_text()
    assert '"#bigint"' in text and '"#set"' in text
    assert load_trace(spec, path) == trace


def test_a_trace_without_actions_is_matched_by_its_states(tmp_path):
    spec = Pour()
    trace = bfs(spec).violation.trace
    obj = trace_to_itf(spec, trace)
    for st in obj["states"]:
        del st["mbt::actionTaken"], st["mbt::nondetPicks"]
    obj["vars"] = ["big", "small"]
    path = tmp_path / "plain.itf.json"
    path.write_text(json.dumps(obj))
    assert load_trace(spec, path).states == trace.states


def test_lasso_loop_and_model_time_are_written(tmp_path):
    spec = Timed()
    trace = replay_actions(spec, 0, [("tick", {"to": 10}), ("tick", {"to": 20}), ("reset", {})])
    from dataclasses import replace

    obj = trace_to_itf(spec, replace(trace, loop=1))
    assert obj["loop"] == 1
    assert [s["#meta"]["time"] for s in obj["states"]] == [0, 10, 20, 20]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ("[]", "an ITF trace is a JSON object"),
        ('{"states": []}', "'vars'"),
        ('{"vars": ["big"], "states": []}', "'states'"),
        ('{"vars": ["big"], "states": [{"small": 1}]}', "lacks variable 'big'"),
        ('{"vars": ["big"], "states": [{"big": 1}], "loop": 4}', "'loop' is 4"),
    ],
)
def test_a_malformed_trace_file_gets_one_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.itf.json"
    path.write_text(content)
    with pytest.raises(SpecLoadError, match=message) as err:
        read_itf(path)
    assert str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_a_trace_that_does_not_fit_the_spec_names_the_state(tmp_path):
    spec = Pour()
    obj = trace_to_itf(spec, bfs(spec).violation.trace)
    obj["states"][3]["big"] = 1
    path = tmp_path / "wrong.itf.json"
    path.write_text(json.dumps(obj))
    with pytest.raises(SpecLoadError, match="state 3 is not reachable from state 2"):
        load_trace(spec, path)


def test_a_users_file_is_never_overwritten(tmp_path):
    mine = tmp_path / "notes.json"
    mine.write_text('{"my": "notes"}')
    spec = Pour()
    with pytest.raises(UsageError, match="is not an ITF trace written by ahvlab"):
        write_itf(mine, spec, bfs(spec).violation.trace)
    assert mine.read_text() == '{"my": "notes"}'
    ours = tmp_path / "cex.itf.json"
    write_itf(ours, spec, bfs(spec).violation.trace)
    write_itf(ours, spec, bfs(spec).violation.trace)  # replacing our own output is fine
