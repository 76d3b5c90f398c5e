"""``ahvlab check`` and ``ahvlab simulate``: the checker from the command line."""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys

from rich.console import Console

from ahvlab.checker.engine import GraphRecorder, Observer, Options, select_named, simulate
from ahvlab.checker.errors import UsageError
from ahvlab.checker.graph import graph_of, write_graph
from ahvlab.checker.itf import itf_name, write_itf
from ahvlab.checker.junit import check_junit, write_junit
from ahvlab.checker.liveness import temporal_properties
from ahvlab.checker.output import check_outputs
from ahvlab.checker.report import Progress, print_result, result_json
from ahvlab.checker.result import Result
from ahvlab.checker.run import check
from ahvlab.checker.shrink import simulate_shrinking
from ahvlab.commands.common import Chosen, add_spec_arguments, choose_spec, list_mutations, positive


def _add_bounds(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-states", type=positive(int), metavar="N", help="stop after N distinct states")
    p.add_argument("--max-seconds", type=positive(float), metavar="S", help="stop after S seconds")
    p.add_argument("--no-deadlock", action="store_true", help="do not report deadlocks (TLC's -deadlock)")
    p.add_argument(
        "--invariant", action="append", metavar="NAME", help="check only this invariant (repeatable; default: all)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout instead of the report")
    p.add_argument("--itf", metavar="FILE", help="write the counterexample as an ITF trace (.itf.json)")
    p.add_argument("--junit", metavar="FILE", help="write a JUnit XML report (one testcase per property)")
    p.add_argument("--force", action="store_true", help="overwrite output files even if ahvlab did not write them")
    p.add_argument("--progress", type=positive(float), default=5.0, metavar="S", help="progress interval (5 s)")
    p.add_argument("--no-coverage", action="store_true", help="leave the per-action coverage table out")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="explore every reachable state and check the invariants",
        description="Exhaustive model checking (BFS by default: shortest counterexamples). "
        "Exit codes: 0 ok, 11 deadlock, 12 invariant violated, 13 liveness, 150 spec error, 2 usage.",
    )
    add_spec_arguments(p)
    p.add_argument("--engine", choices=("bfs", "dfs"), default="bfs", help="search order (default bfs)")
    p.add_argument("--max-depth", type=positive(int), metavar="N", help="explore at most N levels (init = 1)")
    _add_bounds(p)
    p.add_argument("--dot", metavar="FILE", help="write the state graph as DOT (.dot) or GraphML (.graphml)")
    p.add_argument("--list-mutations", action="store_true", help="list the AHV model's mutations and exit")
    p.add_argument(
        "--continue",
        dest="keep_going",
        action="store_true",
        help="go on after a violation: report each violated property once, each with its shortest counterexample "
        "(--itf FILE then writes one file per violation: cex.itf.json -> cex.NAME.itf.json, or put {name} in FILE)",
    )
    p.add_argument(
        "--no-liveness", action="store_true", help="skip the temporal properties (eventually, leads-to): safety only"
    )
    p.set_defaults(run=run_check)

    s = sub.add_parser(
        "simulate",
        help="random behaviours, reproducible from a seed",
        description="Random simulation: RUNS behaviours of at most STEPS steps each.",
    )
    add_spec_arguments(s)
    s.add_argument("--runs", type=positive(int), default=100, metavar="N", help="behaviours to run (100)")
    s.add_argument("--steps", type=positive(int), default=50, metavar="M", help="steps per behaviour (50)")
    s.add_argument(
        "--seed", type=int, metavar="S", help="random seed (default: a random one, always printed; S repeats a run)"
    )
    s.add_argument(
        "--shrink",
        action="store_true",
        help="shrink the violation found to a locally minimal counterexample (hypothesis' shrinker, every candidate "
        "replayed); --json then gives violation.shrunk_from",
    )
    _add_bounds(s)
    s.set_defaults(run=run_simulate)


def _options(args: argparse.Namespace, console: Console, progress: Progress | None) -> Options:
    return Options(
        max_depth=getattr(args, "max_depth", None),
        max_states=args.max_states,
        max_seconds=args.max_seconds,
        deadlock=not args.no_deadlock,
        invariants=args.invariant,
        progress=progress,
        progress_interval=args.progress,
        keep_going=getattr(args, "keep_going", False),
    )


def _finish(args: argparse.Namespace, chosen: Chosen, result: Result, console: Console, seed: int | None = None) -> int:
    spec = chosen.spec
    written: list[str] = []
    if args.itf:
        if result.violation is None:
            console.print(f"No counterexample: {args.itf} not written.", style="yellow")
        for v in result.all_violations() if getattr(args, "keep_going", False) else [result.violation]:
            if v is None:
                continue
            path = itf_name(args.itf, v.name) if getattr(args, "keep_going", False) else args.itf
            write_itf(
                path,
                spec,
                v.trace,
                force=args.force,
                source=chosen.source,
                status="violation",
                description=f"{v.kind} {v.name}: {v.doc}",
            )
            written.append(path)
    if args.junit:
        write_junit(args.junit, check_junit(spec, result), force=args.force)
    if args.json:
        out = result_json(result, spec)
        if seed is not None:
            out["seed"] = seed
        print(json.dumps(out, indent=2))
    else:
        print_result(result, spec, console, coverage=not getattr(args, "no_coverage", False))
        for path in written:
            console.print(f"Counterexample written to {path} (ITF).")
    return result.exit_code


def _console(args: argparse.Namespace) -> Console:
    # The report goes to stdout; with --json only the JSON does, and everything else to stderr.
    return Console(stderr=bool(args.json), highlight=False, soft_wrap=True)


def _preflight(args: argparse.Namespace) -> None:
    # Every output path is checked before the search: a bad one must not cost the search.
    check_outputs(
        [("--itf", args.itf, "itf"), ("--junit", args.junit, "junit"), ("--dot", getattr(args, "dot", None), "dot")],
        force=args.force,
        stdout_taken="--json" if args.json else None,
    )


def run_check(args: argparse.Namespace) -> int:
    _preflight(args)
    console = _console(args)
    if args.list_mutations:
        return list_mutations(console, args.json)
    chosen = choose_spec(args)
    if args.engine == "dfs" and args.dot:
        raise UsageError("--dot records the graph of a BFS run; drop --engine dfs")
    if args.keep_going and args.itf:
        _preflight_each_itf(args, chosen)
    if not args.json:
        n = len(chosen.spec.invariants())
        console.print(f"Model checking {chosen.spec.name} ({args.engine}, {n} invariant{'' if n == 1 else 's'})")
    # Liveness runs on the graph of this same exploration: one search, safety checked on the way.
    live = not args.no_liveness and bool(temporal_properties(chosen.spec))
    recorder = GraphRecorder() if args.dot else None
    observers: tuple[Observer, ...] = (recorder,) if recorder is not None else ()
    with _interrupt_as_keyboard(), Progress(console, interval=args.progress) as progress:
        opts = _options(args, console, progress)
        result = check(chosen.spec, opts, engine=args.engine, liveness=live, observers=observers)
    if recorder is not None:
        graph = graph_of(chosen.spec, recorder)
        write_graph(args.dot, graph, force=args.force)
        console.print(f"State graph ({graph.number_of_nodes()} nodes) written to {args.dot}.")
    if live and result.violation is None and result.figures.liveness_seconds is None:
        console.print("[yellow]Temporal properties not checked:[/] the search stopped before the graph was complete.")
    return _finish(args, chosen, result, console)


def _preflight_each_itf(args: argparse.Namespace, chosen: Chosen) -> None:
    # --continue writes one trace per violated property: every file it may write is checked before the search.
    spec = chosen.spec
    names = [i.name for i in spec.invariants()] + ["deadlock"] + [p.name for p in temporal_properties(spec)]
    check_outputs(
        [(f"--itf ({name})", itf_name(args.itf, name), "itf") for name in names]
        + [("--junit", args.junit, "junit"), ("--dot", args.dot, "dot")],
        force=args.force,
        stdout_taken="--json" if args.json else None,
    )


def run_simulate(args: argparse.Namespace) -> int:
    _preflight(args)
    console = _console(args)
    chosen = choose_spec(args)
    # TLC and Quint pick a fresh seed per run and print it, so any run can be repeated with --seed.
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    opts = _options(args, console, None)
    if args.shrink and not select_named("invariant", chosen.spec.invariants(), opts.invariants) and not opts.deadlock:
        raise UsageError(
            f"--shrink has nothing to shrink: {chosen.spec.name} has no invariant to check and --no-deadlock is set"
        )
    shrink = " (then shrink the violation)" if args.shrink else ""
    console.print(f"Simulating {chosen.spec.name}: {args.runs} runs x {args.steps} steps, seed {seed}{shrink}")
    with _interrupt_as_keyboard(), Progress(console, interval=args.progress) as progress:
        run = simulate_shrinking if args.shrink else simulate
        result = run(chosen.spec, args.runs, args.steps, seed, _options(args, console, progress))
    if args.shrink and not args.json:
        v = result.violation
        if v is None:
            console.print("No violation found: nothing to shrink.", style="yellow")
        elif v.shrunk_from is not None:
            console.print(f"Shrunk the counterexample from {v.shrunk_from} to {len(v.trace)} states.")
    return _finish(args, chosen, result, console, seed=seed)


class _interrupt_as_keyboard:
    """Make sure Ctrl-C (and SIGTERM from a CI runner) ends the search with partial figures."""

    def __enter__(self) -> None:
        self.old = signal.getsignal(signal.SIGTERM)
        if sys.platform != "win32":
            signal.signal(signal.SIGTERM, signal.default_int_handler)

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGTERM, self.old)
