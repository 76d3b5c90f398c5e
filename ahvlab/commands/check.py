"""``ahvlab check`` and ``ahvlab simulate``: the checker from the command line."""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable, Sequence

from rich.console import Console

from ahvlab.checker.engine import GraphRecorder, Observer, Options, SpecError, select_named, spec_error
from ahvlab.checker.errors import UsageError, UserError
from ahvlab.checker.footprints import DEFAULT_AUDIT_STATES, audit, audit_json
from ahvlab.checker.graph import graph_of, write_graph
from ahvlab.checker.itf import itf_name, write_itf
from ahvlab.checker.junit import check_junit, write_junit
from ahvlab.checker.liveness import temporal_properties
from ahvlab.checker.output import STDOUT, check_outputs
from ahvlab.checker.report import Progress, plain_report, print_result, result_json
from ahvlab.checker.result import EXIT_SPEC, Result, Violation
from ahvlab.checker.run import check, simulate
from ahvlab.checker.shrink import simulate_shrinking
from ahvlab.checker.spec import Spec
from ahvlab.commands.common import Chosen, add_spec_arguments, choose_spec, list_mutations, positive
from ahvlab.commands.signals import StopSignals


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
        "Exit codes: 0 ok (or bounded), 11 deadlock, 12 invariant violated, 13 liveness, 150 spec error, "
        "2 usage, 130 SIGINT, 143 SIGTERM, 153 out of memory.",
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
    p.add_argument(
        "--no-reduction",
        action="store_true",
        help="explore every enabled step (partial-order reduction is on where the spec declares footprints)",
    )
    p.add_argument(
        "--audit-footprints",
        action="store_true",
        help="explore the full graph (up to --max-states) and test the spec's footprint declarations instead of "
        "checking: exit 0 when they hold on every state explored, 150 with the first findings",
    )
    p.add_argument(
        "--workers",
        type=workers_count,
        default=1,
        metavar="N",
        help="search in N processes, partitioned by fingerprint (0: one per core; default 1)",
    )
    p.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="search on Ray actors: local (start Ray here), auto or ray://host:port (needs ahvlab[cluster])",
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
        "replayed; a temporal property's lasso is shrunk as a lasso); --json then gives violation.shrunk_from",
    )
    s.add_argument(
        "--no-liveness",
        action="store_true",
        help="skip the temporal properties (by default each lasso a walk closes is checked against them)",
    )
    _add_bounds(s)
    s.set_defaults(run=run_simulate)


def workers_count(text: str) -> int:
    """An argparse type: a whole number of workers, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 (one per core) or more")
    return value


def _options(args: argparse.Namespace, console: Console, progress: Progress | None) -> Options:
    return Options(
        reduction=not getattr(args, "no_reduction", False),
        workers=getattr(args, "workers", 1),
        ray=getattr(args, "ray", None),
        max_depth=getattr(args, "max_depth", None),
        max_states=args.max_states,
        max_seconds=args.max_seconds,
        deadlock=not args.no_deadlock,
        invariants=args.invariant,
        progress=progress,
        progress_interval=args.progress,
        keep_going=getattr(args, "keep_going", False),
    )


def _finish(
    args: argparse.Namespace,
    chosen: Chosen,
    result: Result,
    console: Console,
    extra: Sequence[Callable[[], None]] = (),
) -> int:
    """The report first, then the outputs: a counterexample is on screen before a late write can fail.

    A spec hook that fails while the report is rendered (``format_step``, ``time_of``...)
    gets a plain report instead, then ends the run as a spec error (exit 150).
    """
    spec = chosen.spec
    failure = _report(args, spec, result, console)
    for write in (*_writers(args, chosen, result, console), *extra):
        try:
            write()
        except (UserError, SpecError, KeyboardInterrupt):
            raise
        except Exception as exc:
            failure = failure or _hook_error(spec, exc)
    if failure is not None:
        raise failure
    return result.exit_code


def _report(args: argparse.Namespace, spec: Spec, result: Result, console: Console) -> SpecError | None:
    try:
        if args.json:
            out = result_json(result, spec)
            if getattr(args, "seed", None) is not None:
                out["seed"] = args.seed  # simulate: the seed that repeats this run
            text = json.dumps(out, indent=2)
            print(text)
        else:
            # Rendered whole before any of it is shown: a hook failing halfway leaves no half report.
            with console.capture() as captured:
                print_result(result, spec, console, coverage=not getattr(args, "no_coverage", False))
            console.file.write(captured.get())
            console.file.flush()
        return None
    except (KeyboardInterrupt, SpecError):
        raise
    except Exception as exc:
        error = _hook_error(spec, exc)
    if args.json:
        # The verdict stands; the exit code is the spec error's, and the JSON says both.
        data = {**result_json(result, spec, trace=False), "exit_code": EXIT_SPEC, "spec_error": str(error)}
        print(json.dumps(data, indent=2))
    else:
        for line in plain_report(result):
            console.print(line, markup=False, highlight=False)
    return error


def _writers(args: argparse.Namespace, chosen: Chosen, result: Result, console: Console) -> list[Callable[[], None]]:
    spec = chosen.spec
    writers: list[Callable[[], None]] = []
    if args.itf:
        if result.violation is None:
            writers.append(
                lambda: console.print(f"No counterexample: {args.itf} not written.", style="yellow", markup=False)
            )
        # With --continue, one file per violation, named by the pattern (itf_name).
        each = getattr(args, "keep_going", False)
        for v in result.all_violations() if each else [result.violation] if result.violation else []:
            path = itf_name(args.itf, v.name) if each else args.itf

            def itf(v: Violation = v, path: str = path) -> None:
                write_itf(
                    path,
                    spec,
                    v.trace,
                    force=args.force,
                    source=chosen.source,
                    status="violation",
                    description=f"{v.kind} {v.name}: {v.doc}",
                )
                if not args.json:
                    console.print(f"Counterexample written to {path} (ITF).", markup=False)

            writers.append(itf)
    if args.junit:
        writers.append(lambda: write_junit(args.junit, check_junit(spec, result), force=args.force))
    return writers


def _hook_error(spec: Spec, exc: BaseException) -> SpecError:
    """The spec hook a report called that raised, named as the engine names the others."""
    codes = {}
    for name in _REPORT_HOOKS:
        fn = getattr(type(spec), name, None)
        if fn is not None:
            codes[getattr(fn, "__code__", None)] = name
    tb = exc.__traceback__
    hook = None
    while tb is not None:
        hook = codes.get(tb.tb_frame.f_code, hook)
        tb = tb.tb_next
    return spec_error(exc, hook or "a report hook", spec, getattr(spec, hook) if hook else None)


# What reports call on a spec besides the hooks a search runs.
_REPORT_HOOKS = ("format_state", "format_step", "time_of", "parameters", "view", "symmetry")


def _console(args: argparse.Namespace) -> Console:
    # The report goes to stdout; with --json only the JSON does, and everything else to stderr; so does the
    # report when an output is written to stdout (`--itf -`). Never an emoji for `:name:` in the user's text.
    to_stdout = STDOUT in (args.itf, args.junit, getattr(args, "dot", None))
    return Console(stderr=bool(args.json) or to_stdout, highlight=False, soft_wrap=True, emoji=False)


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
    if args.audit_footprints:
        return _run_audit(args, chosen, console)
    if args.engine == "dfs" and args.dot:
        raise UsageError("--dot records the graph of a BFS run; drop --engine dfs")
    parallel = args.workers != 1 or args.ray is not None
    if parallel and (args.dot or args.engine == "dfs"):
        raise UsageError(
            "--workers and --ray run a BFS that records no graph: drop --dot and --engine dfs, or use --workers 1"
        )
    if parallel and args.keep_going:
        raise UsageError("--continue runs in one process: use --workers 1 (and no --ray)")
    if args.keep_going and args.itf:
        _preflight_each_itf(args, chosen)
    if not args.json:
        n = len(chosen.spec.invariants())
        console.print(
            f"Model checking {chosen.spec.name} ({args.engine}, {n} invariant{'' if n == 1 else 's'})", markup=False
        )
    # Liveness runs on the graph of this same exploration: one search, safety checked on the way.
    live = not args.no_liveness and bool(temporal_properties(chosen.spec))
    if live and parallel:
        raise UsageError(
            "temporal properties are checked on the whole graph in one process: use --workers 1, or --no-liveness"
        )
    if live and not args.no_reduction and any(a.writes is not None for a in chosen.spec.actions()):
        console.print("[yellow]Note:[/] partial-order reduction is off: liveness is checked on the full graph.")
    recorder = GraphRecorder() if args.dot else None
    observers: tuple[Observer, ...] = (recorder,) if recorder is not None else ()
    with StopSignals() as stop:
        with Progress(console, interval=args.progress) as progress:
            opts = _options(args, console, progress)
            result = stop.stamp(check(chosen.spec, opts, engine=args.engine, liveness=live, observers=observers))
        stop.defer()
        if live and result.violation is None and result.figures.liveness_seconds is None and not args.json:
            console.print(
                "[yellow]Temporal properties not checked:[/] the search stopped before the graph was complete."
            )
        extra: list[Callable[[], None]] = []
        if recorder is not None:
            extra.append(lambda: _write_dot(args, chosen.spec, recorder, console))
        return stop.exit_code(_finish(args, chosen, result, console, extra))


_AUDIT_REFUSES = (
    ("workers", 1, "--workers"),
    ("ray", None, "--ray"),
    ("engine", "bfs", "--engine"),
    ("max_depth", None, "--max-depth"),
    ("max_seconds", None, "--max-seconds"),
    ("invariant", None, "--invariant"),
    ("itf", None, "--itf"),
    ("junit", None, "--junit"),
    ("dot", None, "--dot"),
    ("keep_going", False, "--continue"),
    ("no_reduction", False, "--no-reduction"),
)


def _run_audit(args: argparse.Namespace, chosen: Chosen, console: Console) -> int:
    """``check --audit-footprints``: the footprint audit of :mod:`ahvlab.checker.footprints`."""
    for attr, default, flag in _AUDIT_REFUSES:
        if getattr(args, attr) != default:
            raise UsageError(
                f"--audit-footprints explores the full graph itself: it takes --max-states and --json, not {flag}"
            )
    report = audit(chosen.spec, max_states=args.max_states or DEFAULT_AUDIT_STATES)
    if args.json:
        print(json.dumps(audit_json(report)))
    else:
        console.print(report.summary()[0].upper() + report.summary()[1:] + ".", markup=False)
        for f in report.findings:
            console.print(f"Footprint wrong ({f.kind}): {f.line()}", markup=False)
    return 0 if report.ok else EXIT_SPEC


def _write_dot(args: argparse.Namespace, spec: Spec, recorder: GraphRecorder, console: Console) -> None:
    graph = graph_of(spec, recorder)
    write_graph(args.dot, graph, force=args.force)
    if not args.json:
        console.print(f"State graph ({graph.number_of_nodes()} nodes) written to {args.dot}.", markup=False)


def run_simulate(args: argparse.Namespace) -> int:
    _preflight(args)
    console = _console(args)
    chosen = choose_spec(args)
    # TLC and Quint pick a fresh seed per run and print it, so any run can be repeated with --seed.
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(2**31)
    live = not args.no_liveness and bool(temporal_properties(chosen.spec))
    checked = select_named("invariant", chosen.spec.invariants(), args.invariant)
    if args.shrink and not checked and args.no_deadlock and not live:
        raise UsageError(
            f"--shrink has nothing to shrink: {chosen.spec.name} has no invariant or temporal property to check "
            "and --no-deadlock is set"
        )
    shrink = " (then shrink the violation)" if args.shrink else ""
    console.print(
        f"Simulating {chosen.spec.name}: {args.runs} runs x {args.steps} steps, seed {args.seed}{shrink}", markup=False
    )
    with StopSignals() as stop:
        with Progress(console, interval=args.progress) as progress:
            opts = _options(args, console, progress)
            run = simulate_shrinking if args.shrink else simulate
            result = stop.stamp(run(chosen.spec, args.runs, args.steps, args.seed, opts, liveness=live))
        stop.defer()
        if args.shrink and not args.json:
            v = result.violation
            if v is None:
                console.print("No violation found: nothing to shrink.", style="yellow", markup=False)
            elif v.shrunk_from is not None:
                console.print(f"Shrunk the counterexample from {v.shrunk_from} to {len(v.trace)} states.")
        return stop.exit_code(_finish(args, chosen, result, console))


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
