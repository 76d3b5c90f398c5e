"""What the checker prints: TLC's lines and figures, traces with only what changed, JSON and progress."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

from rich.console import Console
from rich.table import Table

from ahvlab.checker.fpset import collision_probability
from ahvlab.checker.itf import encode
from ahvlab.checker.result import Figures, Result, Violation
from ahvlab.checker.spec import Spec
from ahvlab.checker.trace import Trace, changed_vars
from ahvlab.checker.values import deep_changes, show, show_time


def show_value(v: Any) -> str:
    """A value as reports print it (strings quoted): :func:`ahvlab.checker.values.show`."""
    return show(v)


def format_time(t: float | None) -> str:
    """Model time as ``T+20``: :func:`ahvlab.checker.values.show_time`."""
    return show_time(t)


def trace_lines(spec: Spec, trace: Trace, *, all_vars: bool = False) -> list[str]:
    """A trace as text: each step's action with its parameters, then only the variables that changed."""
    out: list[str] = []
    for i, step in enumerate(trace.steps):
        before = trace.steps[i - 1].state if i > 0 else None
        label = "<Initial predicate>" if step.action is None else spec.format_step(step.action, step.params)
        t = format_time(spec.time_of(step.state))
        loop = "  <-- loop starts here" if trace.loop == i else ""
        out.append(f"State {i + 1}: {label}{'  ' + t if t else ''}{loop}")
        changes = changed_vars(spec, None if all_vars else before, step.state)
        for name, (old, new) in changes.items():
            if before is None or all_vars:
                out.append(f"  /\\ {name} = {show_value(new)}")
                continue
            out.extend(f"  /\\ {c.line()}" for c in deep_changes(name, old, new))
        if before is not None and not changes:
            out.append("  (stuttering: no variable changed)")
    if trace.loop is not None:
        out.append(f"Back to state {trace.loop + 1}.")
        if trace.loop == len(trace) - 1:
            out.append("  (it stutters there forever: no fair action is enabled in that state)")
    return out


def figure_lines(f: Figures, engine: str = "bfs") -> list[str]:
    """TLC's closing figures; a simulation has no queue and no complete graph, so it says what it visited."""
    if engine == "simulate":
        lines = [
            f"{f.generated} states generated, {f.distinct} distinct states visited.",
            f"The longest behaviour simulated has {f.depth} states.",
        ]
    else:
        lines = [
            f"{f.generated} states generated, {f.distinct} distinct states found, {f.queue} states left on queue.",
            f"The depth of the complete state graph search is {f.depth}.",
        ]
    parts = []
    if f.workers > 1:
        parts.append(f"{f.workers} workers")
    if f.reduction:
        parts.append("partial-order reduction")
    if f.peak_bytes:
        per = bytes_per_state(f)
        parts.append(f"peak {f.peak_bytes / 2**20:,.0f} MiB" + (f", {per:,.0f} bytes/state" if per is not None else ""))
    if engine != "simulate" and f.distinct:
        parts.append(f"fingerprint collision probability {collision_probability(f.distinct, f.generated):.1E}")
    parts.append(f"{states_per_second(f):,.0f} distinct states/s")
    # One line ending in the rate, as before: a shell transcript leaves it out (seconds and memory vary).
    lines.append(f"Finished in {f.seconds:.2f}s ({'; '.join(parts)}).")
    if f.liveness_seconds is not None:
        lines.append(f"Checked {f.liveness_properties} temporal properties in {f.liveness_seconds:.2f}s (liveness).")
    return lines


def states_per_second(f: Figures) -> float:
    return f.distinct / f.seconds if f.seconds > 0 else 0.0


def bytes_per_state(f: Figures) -> float | None:
    """What the search added to memory, per distinct state (None when nothing was measured)."""
    return f.growth_bytes / f.distinct if f.distinct and f.growth_bytes else None


def speed_text(f: Figures) -> str:
    """``12,345 distinct states/s, peak 45 MiB, 38 bytes/state``."""
    out = f"{states_per_second(f):,.0f} distinct states/s"
    if f.peak_bytes:
        out += f", peak {f.peak_bytes / 2**20:,.0f} MiB"
    per = bytes_per_state(f)
    if per is not None:
        out += f", {per:,.0f} bytes/state"
    return out


def coverage_table(f: Figures) -> Table:
    table = Table(title="Coverage per action", title_justify="left")
    table.add_column("action")
    table.add_column("enabled in", justify="right")
    table.add_column("generated", justify="right")
    table.add_column("distinct", justify="right")
    for name, c in f.coverage.items():
        style = "yellow" if c.enabled == 0 else None
        table.add_row(name, str(c.enabled), str(c.generated), str(c.distinct), style=style)
    return table


_STOPPED = {
    "max_states": "Stopped at the --max-states bound",
    "max_seconds": "Stopped at the --max-seconds bound",
    "interrupted": "Interrupted (Ctrl-C)",
    "cancelled": "Stopped on request",
}


def violation_headline(v: Violation) -> str:
    """What failed, in TLC's words: ``Invariant X is violated``, ``Deadlock reached``, ``Temporal property X is violated``."""
    if v.kind == "invariant":
        return f"Invariant {v.name} is violated"
    if v.kind == "deadlock":
        return "Deadlock reached"
    return f"Temporal property {v.name} is violated"


def closing_line(result: Result) -> str | None:
    """The last sentence of a run without a violation (None when it found one)."""
    if result.violation is not None:
        return None
    stopped = result.figures.stopped
    if stopped:
        return f"{_STOPPED.get(stopped, stopped)}: the figures are partial."
    if result.engine == "simulate":
        return "Simulation finished. No error has been found in the simulated behaviours."
    if result.complete:
        return "Model checking completed. No error has been found."
    return "Search bounded (--max-depth): no error found within the bound."


def verdict_lines(result: Result) -> list[str]:
    """The verdict of a run for a person, every front end's wording: the headline, then what it means."""
    v = result.violation
    if v is None:
        return [closing_line(result) or ""]
    lines = [violation_headline(v) + "."]
    if v.doc and v.kind != "deadlock":
        lines.append(v.doc)
    steps = len(v.trace) - 1
    what = "a lasso" if v.trace.loop is not None else "a counterexample"
    lines.append(f"The behaviour is {what} of {steps} step{'' if steps == 1 else 's'}.")
    return lines


def print_result(result: Result, spec: Spec, console: Console, *, coverage: bool = True) -> None:
    """The whole human report of a run, in TLC's words."""
    v = result.violation
    if v is not None:
        console.print("[bold red]Error:[/] ", end="")
        console.print(
            violation_headline(v) + "." + (f" ({v.doc})" if v.doc and v.kind != "deadlock" else ""), markup=False
        )
        console.print("Error: The behavior up to this point is:")
        for line in trace_lines(spec, v.trace):
            console.print(line, markup=False, highlight=False)
    for name, trace in result.examples.items():
        if trace is None:
            console.print(f"[yellow]Example {name}: not found[/] in the explored states.")
        else:
            n = len(trace)
            console.print(f"[green]Example {name}:[/] found, shortest trace has {n} state{'' if n == 1 else 's'}.")
    for line in figure_lines(result.figures, result.engine):
        console.print(line, highlight=False)
    if coverage and result.figures.coverage:
        console.print(coverage_table(result.figures))
    closing = closing_line(result)
    if closing is not None:
        style = "yellow" if result.figures.stopped or not (result.complete or result.engine == "simulate") else ""
        console.print(closing, style=style, markup=False)


def result_json(result: Result, spec: Spec, *, trace: bool = True) -> dict[str, Any]:
    """The pinned JSON shape of ``check --json``; values in the trace are encoded as in ITF."""
    f = result.figures
    out: dict[str, Any] = {
        "spec": result.spec,
        "engine": result.engine,
        "result": result.verdict,
        "exit_code": result.exit_code,
        "complete": result.complete,
        "distinct_states": f.distinct,
        "states_generated": f.generated,
        "queue": f.queue,
        "depth": f.depth,
        "seconds": round(f.seconds, 3),
        "stopped": f.stopped,
        "liveness_seconds": None if f.liveness_seconds is None else round(f.liveness_seconds, 3),
        "reduction": f.reduction,
        "workers": f.workers,
        "states_per_second": round(states_per_second(f), 1),
        "peak_mib": round(f.peak_bytes / 2**20, 1),
        "bytes_per_state": None if bytes_per_state(f) is None else round(bytes_per_state(f) or 0.0, 1),
        "fingerprint_collision_probability": collision_probability(f.distinct, f.generated),
        "coverage": {
            n: {"enabled": c.enabled, "generated": c.generated, "distinct": c.distinct} for n, c in f.coverage.items()
        },
        "examples": {n: (len(t) if t is not None else None) for n, t in result.examples.items()},
    }
    v = result.violation
    if v is not None:
        out["violation"] = {"kind": v.kind, "name": v.name, "doc": v.doc, "trace_length": len(v.trace)}
        if v.trace.loop is not None:
            out["violation"]["loop"] = v.trace.loop
        if trace:
            out["violation"]["trace"] = [
                {
                    "index": i,
                    "action": st.action,
                    "params": {k: encode(x) for k, x in st.params.items()},
                    "time": spec.time_of(st.state),
                    "changed": {
                        k: encode(new)
                        for k, (_old, new) in changed_vars(
                            spec, v.trace.steps[i - 1].state if i else None, st.state
                        ).items()
                    },
                }
                for i, st in enumerate(v.trace.steps)
            ]
    return out


class Progress:
    """Progress every ``interval`` seconds: TLC's plain line when not a terminal, a live rich line on one."""

    def __init__(self, console: Console, stream: IO[str] | None = None, interval: float = 5.0) -> None:
        self.console = console
        self.stream = stream or sys.stderr
        self.interval = interval
        self.tty = console.is_terminal
        self.start = time.monotonic()
        self._status: Any = None

    def __enter__(self) -> Progress:
        if self.tty:
            self._status = self.console.status("exploring...")
            self._status.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(None, None, None)

    def __call__(self, f: Figures) -> None:
        minutes = max(f.seconds, 1e-9) / 60
        line = (
            f"Progress({f.depth}) at {datetime.now():%Y-%m-%d %H:%M:%S}: {f.generated:,} states generated "
            f"({f.generated / minutes:,.0f} s/min), {f.distinct:,} distinct states found "
            f"({f.distinct / minutes:,.0f} ds/min), {f.queue:,} states left on queue; "
            f"{speed_text(f)}."
        )
        if self._status is not None:
            self._status.update(line)
        else:
            print(line, file=self.stream, flush=True)

    @property
    def callback(self) -> Callable[[Figures], None]:
        return self
