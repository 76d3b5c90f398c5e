"""``ahvlab scenario list|show|walk|verify``: classroom walkthroughs and their verification in CI."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import time
from collections.abc import Callable

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ahvlab.checker.env import state_env
from ahvlab.checker.errors import SpecLoadError, UsageError
from ahvlab.checker.expr import ExprError
from ahvlab.checker.output import check_outputs
from ahvlab.checker.report import format_time
from ahvlab.commands.common import nonempty
from ahvlab.scenarios import (
    Scenario,
    ScenarioReport,
    bundled_dir,
    bundled_names,
    exit_code,
    find_scenario,
    junit_suites,
    list_scenarios,
    report_json,
    verify,
)
from ahvlab.scenarios.runner import Outcome
from ahvlab.scenarios.show import change_lines, expected_verdict, is_timed, step_label, timeline_rows, verdict


def _pause(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number of seconds")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scenario",
        help="classroom walkthroughs: list, show, walk and verify them",
        description="Scenarios are TOML walkthroughs (docs/scenarios.md): a cluster, a scripted list of steps "
        "with narration, checkpoints and checks with their expected verdicts.",
    )
    p.set_defaults(run=lambda args: _help(p))
    ss = p.add_subparsers(dest="scenario_command", metavar="SUBCOMMAND", parser_class=type(p))

    ls = ss.add_parser("list", help="the bundled scenarios", description="A table of the bundled scenarios.")
    ls.add_argument("--json", action="store_true", help="print JSON instead of the table")
    ls.set_defaults(run=run_list)

    sh = ss.add_parser("show", help="a scenario's goal, script, checkpoints and checks")
    sh.add_argument(
        "name", type=nonempty("scenario name"), metavar="NAME", help="a bundled scenario name or a .toml file"
    )
    sh.set_defaults(run=run_show)

    wk = ss.add_parser(
        "walk",
        help="play a scenario step by step: narration, action, T+seconds and what changed",
        description="Prints each step's narration, the action, the model time and only what changed. "
        "--pause S waits S seconds between steps; --pause alone waits for Enter (on a terminal).",
    )
    wk.add_argument(
        "name", type=nonempty("scenario name"), metavar="NAME", help="a bundled scenario name or a .toml file"
    )
    wk.add_argument(
        "--pause",
        nargs="?",
        type=_pause,
        const=-1.0,
        default=None,
        metavar="S",
        help="seconds between steps; without a value, wait for Enter",
    )
    wk.set_defaults(run=run_walk)

    vf = ss.add_parser(
        "verify",
        help="run scripts, checkpoints and checks (no argument: every bundled scenario)",
        description="Exit codes: 0 every scenario verifies, 12 a checkpoint or check gave another verdict, "
        "150 a scenario cannot be loaded or its script cannot be played, 2 usage.",
    )
    vf.add_argument(
        "names",
        nargs="*",
        type=nonempty("scenario name"),
        metavar="NAME|FILE",
        help="bundled names or .toml files (default: all)",
    )
    vf.add_argument("--junit", metavar="FILE", help="write a JUnit XML report (one testcase per check)")
    vf.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of the report")
    vf.add_argument("--force", action="store_true", help="overwrite the --junit file even if ahvlab did not write it")
    vf.add_argument(
        "--traces", action="store_true", help="also print the counterexamples and examples of checks that pass"
    )
    vf.set_defaults(run=run_verify)


def _help(p: argparse.ArgumentParser) -> int:
    p.print_help()
    return 2


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


def run_list(args: argparse.Namespace) -> int:
    scenarios = list_scenarios()
    if args.json:
        out = [
            {
                "name": s.name,
                "title": s.title,
                "subsystems": list(s.subsystems),
                "expected": [verdict(s, c) for c in s.checks],
                "steps": len(s.steps),
            }
            for s in scenarios
        ]
        print(json.dumps(out, indent=2))
        return 0
    table = Table(title=Text(f"Scenarios ({bundled_dir()})"), title_justify="left")
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("title")
    table.add_column("subsystems")
    table.add_column("expected verdict")
    for s in scenarios:
        table.add_row(*map(Text, (s.name, s.title, ", ".join(s.subsystems), expected_verdict(s))))
    _console().print(table)
    return 0


def run_show(args: argparse.Namespace) -> int:
    s = find_scenario(args.name)
    con = _console()
    con.print(f"[bold]{escape(s.title)}[/]  ({escape(s.name)}, {escape(str(s.file))})")
    con.print(f"Goal: {s.goal}", markup=False)
    if s.subsystems:
        con.print(f"Subsystems: {', '.join(s.subsystems)}", markup=False)
    if s.mutations:
        con.print(f"Mutations: {', '.join(s.mutations)}", markup=False)
    con.print(f"Spec: {s.spec.name}" + (f" ({s.target})" if s.target else ""), markup=False)
    steps, _ = s.played
    table = Table(title="Script", title_justify="left")
    for col in ("#", "T", "action", "narration"):
        table.add_column(col)
    for st, taken in zip(s.steps, steps[1:], strict=True):
        t = format_time(s.spec.time_of(taken.state))
        table.add_row(*map(Text, (str(st.number), t, step_label(s.spec, taken), st.say)))
    con.print(table)
    if is_timed(s):
        _print_timeline(con, s)
    if s.checkpoints:
        con.print("[bold]Checkpoints[/]")
        for cp in s.checkpoints:
            con.print(f"  {cp.label}" + (f"  -- {cp.say}" if cp.say else ""), markup=False)
    if s.checks:
        con.print("[bold]Checks[/]")
        for c in s.checks:
            bound = f", depth {c.depth}" if c.depth else ""
            start = f", from step {c.start}" if c.start else ""
            con.print(f"  {c.name}: {verdict(s, c)}{bound}{start}", markup=False)
    return 0


def _print_timeline(con: Console, s: Scenario) -> None:
    table = Table(title="Timeline (from the model)", title_justify="left")
    rows = timeline_rows(s)
    table.add_column("t (s)", no_wrap=True)
    table.add_column("event")
    with_notes = any(notes for _t, _e, notes in rows)
    if with_notes:
        table.add_column("what changed")
    for t, events, notes in rows:
        table.add_row(*map(Text, (t, events, *([notes] if with_notes else []))))
    con.print(table)


def _waiter(pause: float | None) -> Callable[[], None]:
    if pause is None:
        return lambda: None
    if pause < 0:
        if not sys.stdin.isatty():
            return lambda: None

        def enter() -> None:
            with contextlib.suppress(EOFError):
                input("  [Enter] next step ")

        return enter
    return lambda: time.sleep(pause)


def run_walk(args: argparse.Namespace) -> int:
    s = find_scenario(args.name)
    con = _console()
    wait = _waiter(args.pause)
    steps, narration = s.played
    spec = s.spec
    by_step: dict[int, list[tuple[str, bool | str]]] = {}
    for cp in s.checkpoints:
        # A checkpoint whose step cannot be found is shown at the end, with the reason.
        i = len(steps) - 1
        holds: bool | str
        try:
            i = s.step_index(cp.at)
            holds = cp.expr.holds(state_env(spec, steps[i].state))
        except (ExprError, SpecLoadError) as exc:
            holds = str(exc)
        by_step.setdefault(i, []).append((cp.expr.text + (f"  -- {cp.say}" if cp.say else ""), holds))
    con.print(f"[bold]{escape(s.title)}[/]")
    con.print(f"Goal: {s.goal}", markup=False)
    failed = 0
    for i, st in enumerate(steps):
        if i:
            wait()
        t = format_time(spec.time_of(st.state))
        con.print()
        con.print(f"[bold cyan]Step {i}[/]  {escape(t)}  [bold]{escape(step_label(spec, st))}[/]")
        if i in narration:
            con.print(f"  {narration[i]}", markup=False, style="italic")
        before = steps[i - 1].state if i else None
        lines = change_lines(spec, before, st.state)
        if i and not lines:
            lines = [f"(time passes: now {t})" if st.action == "tick" and t else "(nothing changed)"]
        for line in lines:
            con.print(f"    {line}", markup=False)
        for text, holds in by_step.get(i, []):
            if holds is True:
                con.print("  [green]checkpoint holds:[/] ", end="")
            else:
                failed += 1
                why = "is false" if holds is False else str(holds)
                con.print("  [red]checkpoint[/] ", end="")
                con.print(f"{why}: ", end="", markup=False)
            con.print(text, markup=False)
    if is_timed(s):
        con.print()
        _print_timeline(con, s)
    return 12 if failed else 0


def _print_outcome(con: Console, o: Outcome, traces: bool = False) -> None:
    mark = "[green]ok[/]  " if o.ok else "[red]FAIL[/]"
    con.print(f"  {mark} {escape(o.kind)}: ", end="")
    con.print(f"{o.name} -- {o.message}", markup=False)
    if o.details and (not o.ok or (traces and o.kind == "check")):
        for line in o.details.splitlines():
            con.print(f"         {line}", markup=False)


def run_verify(args: argparse.Namespace) -> int:
    # The --junit path is checked before any scenario runs: a bad one must not cost the run.
    check_outputs([("--junit", args.junit, "junit")], force=args.force, stdout_taken="--json" if args.json else None)
    names: list[str] = list(args.names) or bundled_names()
    if not names:
        raise UsageError("no scenario to verify", expected="a .toml file or a bundled name")
    con = _console(stderr=bool(args.json))
    reports: list[ScenarioReport] = []
    for name in names:
        try:
            scenario = find_scenario(name)
        except SpecLoadError as exc:
            report = ScenarioReport(name, name, error=str(exc))
            report.outcomes.append(Outcome("script", "load", False, str(exc)))
            reports.append(report)
            con.print(f"[red]FAIL[/] {escape(str(name))}: ", end="")
            con.print(str(exc), markup=False)
            continue
        if not args.json:
            con.print(f"[bold]{escape(scenario.name)}[/]: ", end="")
            con.print(scenario.title, markup=False)
        report = verify(scenario)
        reports.append(report)
        if not args.json:
            for o in report.outcomes:
                _print_outcome(con, o, args.traces)
    if args.junit:
        from ahvlab.checker.junit import write_junit

        write_junit(args.junit, junit_suites(reports), force=args.force)
    code = exit_code(reports)
    if args.json:
        print(json.dumps(report_json(reports), indent=2))
    else:
        good = sum(r.ok for r in reports)
        colour = "green" if good == len(reports) else "red"
        con.print(f"[{colour}]{good} of {len(reports)} scenarios verified.[/]")
        if args.junit:
            con.print(f"JUnit report written to {args.junit}.", markup=False)
    return code
