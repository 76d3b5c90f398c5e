"""``ahvlab tui``: the subcommand's arguments, and a bad argument as one clear line."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from ahvlab.checker.errors import SpecLoadError
from ahvlab.cli import main
from ahvlab.commands import tui


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    tui.register(parser.add_subparsers())
    return parser.parse_args(["tui", *argv])


def test_tui_takes_an_optional_scenario_or_trace() -> None:
    args = parse()
    assert args.target is None and args.run is tui.run and args.check_seconds == 600.0
    assert parse("trace.itf.json", "--check-seconds", "30").target == "trace.itf.json"


def test_a_missing_trace_file_is_one_error_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.itf.json"
    with pytest.raises(SpecLoadError):
        tui.run(parse(str(missing)))
    assert main(["tui", str(missing)]) == 150
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"ahvlab: error: {missing}: cannot read trace")


def test_check_seconds_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tui", "--check-seconds", "0"]) == 2
    assert main(["tui", "--check-seconds", "soon"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "ahvlab: error: argument --check-seconds: '0' must be greater than 0; see `ahvlab tui --help`",
        "ahvlab: error: argument --check-seconds: 'soon' is not a number of seconds; see `ahvlab tui --help`",
    ]


def test_tui_opens_a_target_spec_like_the_shell_does(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []

    class Recording:
        def __init__(self, workbench: object, **_: object) -> None:
            opened.append(workbench)

        def run(self) -> int:
            return 0

    monkeypatch.setattr("ahvlab.tui.app.AhvlabApp", Recording)
    monkeypatch.setattr("ahvlab.commands.tui.has_terminal", lambda: True)  # pytest's stdin is none
    assert main(["tui", "ahvlab.checker.examples.diehard:DieHard"]) == 0
    assert main(["tui", "--mutate", "no_fencing"]) == 0
    target, ahv = opened
    assert target.spec.name == "DieHard"  # type: ignore[attr-defined]
    assert ahv.active_mutations() == ["no_fencing"]  # type: ignore[attr-defined]


def test_mutate_on_a_target_spec_is_one_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tui", "ahvlab.checker.examples.diehard:DieHard", "--mutate", "no_fencing"]) == 2
    assert capsys.readouterr().err.strip() == "ahvlab: error: --mutate applies to the AHV model, not to a TARGET"
