"""Bad numbers and empty names on every subcommand: one line on stderr, exit 2, nothing run."""

from __future__ import annotations

import pytest

from ahvlab.cli import main

HUGE = "9" * 5000
GRID = "tests.toys:Grid"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["scenario", "walk", "x", "--pause", "nan"], "not a finite number"),
        (["scenario", "walk", "x", "--pause", "inf"], "not a finite number"),
        (["capacity", "--hosts", "²,²"], "bad host list"),
        (["capacity", "--hosts", f"{HUGE},1"], "has 5000 digits"),
        (["capacity", "--hosts", "100,100", "--vm", f"A={HUGE}@1"], "has 5000 digits"),
        (["capacity", "--hosts", "100,100", "--vm", f"A=1@{HUGE}"], "has 5000 digits"),
        (["check", GRID, "--set", "n=" + "[1," * 30_000], "too long or too deeply nested"),
        (["check", "--max-seconds", "nan"], "not a finite number"),
        (["simulate", "--max-seconds", "inf"], "not a finite number"),
        (["check", "--progress", "nan"], "not a finite number"),
        (["tui", "--check-seconds", "nan"], "not a finite number"),
        (["check", "--config", ""], "empty config file name"),
        (["simulate", "--config", " "], "empty config file name"),
        (["shell", "--script", ""], "empty script file name"),
        (["check", ""], "empty TARGET"),
        (["shell", ""], "empty SCENARIO|TRACE|TARGET"),
        (["tui", ""], "empty SCENARIO|TRACE|TARGET"),
        (["trace", ""], "empty trace file name"),
        (["scenario", "show", ""], "empty scenario name"),
    ],
)
def test_a_bad_number_or_an_empty_name_is_one_usage_line(capsys, argv, said):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], err
    assert "distinct states" not in out
