"""Files that do not load name their file and line: TOML cut short, a bad [scenario] key, a trace's #meta.source."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ahvlab.cli import main

ROOT = Path(__file__).resolve().parent.parent
FRODO = ROOT / "ahvlab" / "scenarios" / "data" / "frodo-vcpus.toml"


def one_error(capsys, argv, code=150):
    assert main([str(a) for a in argv]) == code
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("text", ["a = [1,\n", 'a = """x\n\n', "x = 1\n[[a]]\nb = [\n\n  1,\n", "a ="])
@pytest.mark.parametrize("how", ["config", "scenario"])
def test_toml_cut_short_names_its_last_line(capsys, tmp_path, text, how):
    f = tmp_path / "cut.toml"
    f.write_text(text)
    argv = ["check", "--config", f] if how == "config" else ["scenario", "show", f]
    err = one_error(capsys, argv)
    last = len(text.rstrip().splitlines())
    assert f"{f}:{last}:" in err and "end of the file" in err


def test_a_bad_ha_mode_in_a_scenario_names_file_and_line(capsys, tmp_path):
    f = tmp_path / "ha.toml"
    lines = FRODO.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("subsystems"))
    lines.insert(at, 'ha_mode = "x"')
    f.write_text("\n".join(lines) + "\n")
    err = one_error(capsys, ["scenario", "show", f])
    assert f"{f}:{at + 1}: scenario.ha_mode: unknown HA mode 'x'" in err


@pytest.mark.parametrize(
    ("source", "said"), [("nosuch.mod:Pour", "no module 'nosuch'"), ("tests.toys:Nope", "no class 'Nope'")]
)
@pytest.mark.parametrize("command", [["trace"], ["shell", "--script", Path(__file__)]])
def test_a_trace_whose_spec_does_not_load_names_the_trace(capsys, tmp_path, source, said, command):
    trace = tmp_path / "t.itf.json"
    assert main(["check", "tests.toys:Pour", "--itf", str(trace)]) == 12
    capsys.readouterr()
    data = json.loads(trace.read_text())
    data["#meta"]["source"] = source
    trace.write_text(json.dumps(data))
    err = one_error(capsys, [*command, trace])
    assert f"{trace}: #meta.source:" in err and said in err


@pytest.mark.parametrize("command", [["scenario", "show"], ["scenario", "walk"], ["tui"], ["shell", "--script", "-"]])
def test_a_fifo_named_as_a_scenario_is_refused_not_read(capsys, tmp_path, command):
    fifo = tmp_path / "s.toml"
    os.mkfifo(fifo)
    if command[0] == "shell":
        command = ["shell", str(fifo), "--script", str(Path(__file__))]
    err = one_error(capsys, [*command, fifo] if command[0] != "shell" else command)
    assert f"{fifo}: is not a regular file" in err
