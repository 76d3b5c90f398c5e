"""``ahvlab trace FILE --expr EXPR``: an expression's value at every state of a trace, a column each."""

from __future__ import annotations

import json

from ahvlab.cli import main


def _cex(tmp_path, capsys, *argv):
    path = tmp_path / "cex.itf.json"
    main(["check", *argv, "--itf", str(path)])
    capsys.readouterr()
    return str(path)


def test_each_expression_is_a_column_with_its_value_at_every_state_of_an_ahv_trace(tmp_path, capsys):
    path = _cex(tmp_path, capsys, "--mutate", "no_fencing")
    code = main(["trace", path, "--expr", "vm.VM1.copies", "--expr", "host[1].ha_phase"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[1].split() == ["state", "step", "vm.VM1.copies", "host[1].ha_phase"]
    assert lines[2].split() == ["1", "<Initial", "predicate>", "(1,)", "'ok'"]
    assert lines[-1].split()[-3:] == ["(1,", "3)", "'restarted'"]
    assert len(lines) == 2 + 8


def test_json_gives_each_state_its_values_by_expression(tmp_path, capsys):
    path = _cex(tmp_path, capsys, "tests.toys:Climb")
    assert main(["trace", path, "--json", "--expr", "x + y", "--expr", "y >= 2"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [s["expr"] for s in steps] == [
        {"x + y": 0, "y >= 2": False},
        {"x + y": 1, "y >= 2": False},
        {"x + y": 2, "y >= 2": True},
    ]


def test_a_bad_expression_is_one_line_with_its_column_and_exit_2(tmp_path, capsys):
    code = main(["trace", "no-such-file.itf.json", "--expr", "x +"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [
        "ahvlab: error: cannot parse 'x +': the expression ends too early (at column 4)"
    ]


def test_a_name_missing_at_some_state_is_that_cell_s_error_not_the_command_s(tmp_path, capsys):
    path = _cex(tmp_path, capsys, "tests.toys:Climb")
    assert main(["trace", path, "--expr", "z"]) == 0
    rows = capsys.readouterr().out.splitlines()[2:]
    assert len(rows) == 3 and all(r.endswith("  error: unknown name 'z' (at column 1)") for r in rows)
