"""Reading ITF traces: every bad file is one line naming it, and a trace means exactly what it says.

Floats come back as the same floats, booleans are not integers, and a ``loop`` is
a lasso the spec can really take.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest

from ahvlab.checker import bfs, replay_actions
from ahvlab.checker.errors import SpecLoadError
from ahvlab.checker.itf import decode, encode, load_trace, parse_itf, read_itf, trace_from_itf, trace_to_itf, write_itf
from tests.checker.test_output import ahvlab, one_line
from tests.toys import Pour, Scaled, Switches


def pour_itf(tmp_path, edit=None, name="cex.itf.json"):
    spec = Pour()
    obj = trace_to_itf(spec, bfs(spec).violation.trace, source="tests.toys:Pour")
    if edit:
        edit(obj)
    path = tmp_path / name
    path.write_text(json.dumps(obj))
    return path


def test_floats_are_written_as_json_numbers_and_read_back_exactly():
    assert encode(0.25) == 0.25 and json.dumps(encode(2.0)) == "2.0"
    assert decode(json.loads(json.dumps(encode(0.1)))) == 0.1
    assert type(decode(2.0)) is float and type(decode(2)) is int
    assert encode(float("nan")) == {"#unserializable": "nan"}


def test_a_trace_whose_constants_hold_a_float_replays_from_the_command_line(tmp_path):
    itf = tmp_path / "scaled.itf.json"
    assert ahvlab("check", "tests.toys:Scaled", "--itf", str(itf)).returncode == 12
    assert json.loads(itf.read_text())["#meta"]["parameters"] == {"rate": 0.25}
    proc = ahvlab("trace", str(itf), "--json")
    assert proc.returncode == 0, proc.stderr
    assert [s["params"] for s in json.loads(proc.stdout)["steps"]][1:] == [{"by": 0.25}] * 3


def test_a_float_trace_round_trips_in_process(tmp_path):
    spec = Scaled(0.1)
    trace = bfs(spec).violation.trace
    path = tmp_path / "t.itf.json"
    write_itf(path, spec, trace)
    assert load_trace(spec, path) == trace


def test_integers_do_not_stand_for_booleans(tmp_path):
    spec = Switches()
    trace = replay_actions(spec, 0, [("switch", {"lamp": 0})])
    obj = trace_to_itf(spec, trace)
    assert obj["states"][0]["state"] == [False, False, False]
    good = tmp_path / "good.itf.json"
    good.write_text(json.dumps(obj))
    assert load_trace(spec, good) == trace
    for st in obj["states"]:
        st["state"] = [int(b) for b in st["state"]]
    bad = tmp_path / "ints.itf.json"
    bad.write_text(json.dumps(obj))
    with pytest.raises(SpecLoadError, match="state 0 is not an initial state"):
        load_trace(spec, bad)


def test_recorded_parameters_are_matched_by_type_too(tmp_path):
    spec = Switches()
    obj = trace_to_itf(spec, replay_actions(spec, 0, [("switch", {"lamp": 1})]))
    obj["states"][1]["mbt::nondetPicks"] = {"lamp": True}  # True is not lamp 1
    path = tmp_path / "picks.itf.json"
    path.write_text(json.dumps(obj))
    with pytest.raises(SpecLoadError, match=r"state 1 is not reachable from state 0 by switch\(lamp=True\)"):
        load_trace(spec, path)


@pytest.mark.parametrize("loop", [True, False, 1.0, "1", -1, 7])
def test_a_loop_that_is_not_a_state_index_is_refused(tmp_path, loop):
    path = pour_itf(tmp_path, lambda o: o.update(loop=loop))
    with pytest.raises(SpecLoadError, match="'loop' is") as err:
        read_itf(path)
    assert str(err.value).startswith(f"{path}: loop: ")


def test_a_loop_must_be_a_real_step_back_from_the_last_state(tmp_path):
    spec = Pour()
    path = pour_itf(tmp_path, lambda o: o.update(loop=2))
    with pytest.raises(SpecLoadError, match="the last state \\(state 6\\) has no step back to state 2"):
        load_trace(spec, path)


def test_a_loop_on_the_last_state_is_stuttering_and_a_real_loop_back_is_accepted(tmp_path):
    spec = Pour()
    assert load_trace(spec, pour_itf(tmp_path, lambda o: o.update(loop=6))).loop == 6
    # fill_small then empty_small: the last state steps back to the first.
    trace = replay_actions(spec, 0, [("fill_small", {})])
    path = tmp_path / "lasso.itf.json"
    path.write_text(json.dumps(trace_to_itf(spec, replace(trace, loop=0))))
    assert load_trace(spec, path).loop == 0


def test_deeply_nested_json_is_one_line(tmp_path):
    path = tmp_path / "deep.itf.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    line = one_line(ahvlab("trace", str(path)), 150)
    assert str(path) in line and "nested too deeply" in line


def test_a_deeply_nested_value_inside_a_state_is_one_line(tmp_path):
    obj = {"vars": ["x"], "states": [{"x": 1}]}
    text = json.dumps(obj).replace('{"x": 1}', '{"x": ' + "[" * 3000 + "]" * 3000 + "}")
    path = tmp_path / "nested.itf.json"
    path.write_text(text)
    with pytest.raises(SpecLoadError) as err:
        read_itf(path)
    assert str(path) in str(err.value)


def test_bytes_that_are_not_utf8_are_one_line_with_the_file_and_line(tmp_path):
    path = tmp_path / "bad.itf.json"
    path.write_bytes(b'{"vars": [],\n "states": [\n {"#meta": "\xff"}]}')
    for argv in (["trace", str(path)], ["shell", str(path)]):
        line = one_line(ahvlab(*argv), 150)
        assert f"{path}:3: " in line and "not UTF-8" in line


def test_a_trace_that_is_a_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "t.itf.json"
    os.mkfifo(fifo)
    assert "a FIFO" in one_line(ahvlab("trace", str(fifo)), 150)


@pytest.mark.parametrize(
    ("parameters", "key"),
    [
        ([1, 2], "#meta.parameters: must be an object"),
        ({"n": {"#bigint": "twelve"}}, "#meta.parameters.n: not an ITF value"),
        ({"n": {"#bigint": 12}}, "#meta.parameters.n: not an ITF value"),
        ({"n": {"#map": [[1]]}}, "#meta.parameters.n: not an ITF value"),
        ({"n": {"#set": 3}}, "#meta.parameters.n: not an ITF value"),
    ],
)
def test_malformed_meta_parameters_are_one_line_naming_the_key(tmp_path, parameters, key):
    path = pour_itf(tmp_path, lambda o: o["#meta"].update(parameters=parameters))
    line = one_line(ahvlab("trace", str(path)), 150)
    assert f"{path}: {key}" in line


def test_a_huge_integer_is_one_line(tmp_path):
    path = tmp_path / "huge.itf.json"
    path.write_text('{"vars": ["x"], "states": [{"x": ' + "9" * 5000 + "}]}")
    line = one_line(ahvlab("trace", str(path)), 150)
    assert str(path) in line


def test_non_finite_numbers_are_refused_naming_the_state():
    with pytest.raises(SpecLoadError, match=r"states\[0\]\.x: not an ITF value: not a finite number"):
        parse_itf({"vars": ["x"], "states": [{"x": float("inf")}]}, "t.itf.json")


def test_a_trace_matched_by_its_states_alone_still_tells_true_from_1():
    spec = Switches()
    obj = trace_to_itf(spec, replay_actions(spec, 0, [("switch", {"lamp": 2})]))
    for st in obj["states"]:
        del st["mbt::actionTaken"], st["mbt::nondetPicks"]
    obj["vars"] = ["state"]
    assert trace_from_itf(spec, parse_itf(obj)).states[1] == (False, False, True)
    obj["states"][1]["state"] = [0, 0, 1]
    with pytest.raises(SpecLoadError, match="state 1 is not reachable"):
        trace_from_itf(spec, parse_itf(obj))
