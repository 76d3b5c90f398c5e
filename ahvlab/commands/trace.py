"""``ahvlab trace FILE``: read an ITF trace, replay it against the spec that wrote it, and print it."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console

from ahvlab.checker.itf import encode, read_itf, trace_from_itf
from ahvlab.checker.report import changed_paths, trace_lines
from ahvlab.checker.spec import Spec
from ahvlab.checker.trace import Trace
from ahvlab.checker.watch import Value, compile_expr, evaluate
from ahvlab.commands.common import nonempty
from ahvlab.workbench import spec_for_trace


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "trace",
        help="print an ITF trace, replayed against its spec",
        description="Read FILE (ITF JSON), rebuild the spec named in its #meta.source, replay every step, "
        "and print the steps with only what changed. Exit 0 if it replays, 150 if it does not.",
    )
    p.add_argument(
        "file",
        type=nonempty("trace file name"),
        metavar="FILE",
        help="an .itf.json trace written by ahvlab (or by Quint/Apalache)",
    )
    p.add_argument("--all", action="store_true", help="print every variable of every state, not only changes")
    p.add_argument("--json", action="store_true", help="print the replayed steps as JSON")
    p.add_argument(
        "--expr",
        action="append",
        default=[],
        metavar="EXPR",
        help="print EXPR's value at every state, a column each (repeatable; the checkpoint language: "
        "'vm.VM1.copies', 'len(leaders)', 'host[1].up and not host[1].cvm_up')",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    exprs = [compile_expr(text) for text in args.expr]  # a bad expression fails before the file is read
    itf = read_itf(args.file)
    spec, source, _config = spec_for_trace(itf.meta, args.file)
    trace = trace_from_itf(spec, itf)
    values = [evaluate(spec, st.state, exprs) for st in trace.steps]
    if args.json:
        steps = []
        for i, st in enumerate(trace.steps):
            step: dict[str, Any] = {
                "index": i,
                "action": st.action,
                "params": {k: encode(v) for k, v in st.params.items()},
                "time": spec.time_of(st.state),
                "changed": changed_paths(spec, trace.steps[i - 1].state if i else None, st.state),
            }
            if exprs:
                step["expr"] = {
                    e.text: {"error": v.error} if v.error is not None else encode(v.value)
                    for e, v in zip(exprs, values[i], strict=True)
                }
            steps.append(step)
        print(json.dumps({"source": source, "spec": spec.name, "loop": trace.loop, "steps": steps}, indent=2))
        return 0
    console = Console(highlight=False, soft_wrap=True, emoji=False)
    console.print(f"{args.file}: {len(trace)} states of {spec.name} ({source}), replayed.")
    if exprs:
        for line in expr_table(spec, trace, [e.text for e in exprs], values):
            console.print(line, markup=False)
        return 0
    for line in trace_lines(spec, trace, all_vars=args.all):
        console.print(line, markup=False)
    return 0


def expr_table(spec: Spec, trace: Trace, heads: list[str], values: list[list[Value]]) -> list[str]:
    """One row per state: its number, its step, then a column per expression."""
    rows = [["state", "step", *heads]]
    for i, st in enumerate(trace.steps):
        label = "<Initial predicate>" if st.action is None else spec.format_step(st.action, st.params)
        rows.append([str(i + 1), label, *(v.text for v in values[i])])
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
