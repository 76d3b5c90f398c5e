"""``ahvlab trace FILE``: read an ITF trace, replay it against the spec that wrote it, and print it."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from ahvlab.checker.itf import encode, read_itf, trace_from_itf
from ahvlab.checker.report import changed_paths, trace_lines
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
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    itf = read_itf(args.file)
    spec, source, _config = spec_for_trace(itf.meta, args.file)
    trace = trace_from_itf(spec, itf)
    if args.json:
        steps = [
            {
                "index": i,
                "action": st.action,
                "params": {k: encode(v) for k, v in st.params.items()},
                "time": spec.time_of(st.state),
                "changed": changed_paths(spec, trace.steps[i - 1].state if i else None, st.state),
            }
            for i, st in enumerate(trace.steps)
        ]
        print(json.dumps({"source": source, "spec": spec.name, "loop": trace.loop, "steps": steps}, indent=2))
        return 0
    console = Console(highlight=False, soft_wrap=True, emoji=False)
    console.print(f"{args.file}: {len(trace)} states of {spec.name} ({source}), replayed.")
    for line in trace_lines(spec, trace, all_vars=args.all):
        console.print(line, markup=False)
    return 0
