"""``ahvlab tui [SCENARIO | TRACE.itf.json]``: the Textual app."""

from __future__ import annotations

import argparse

from ahvlab.commands.common import positive


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tui",
        help="step through a behaviour in a terminal UI: the cluster, the timeline, what changed, the invariants",
        description="Open the default AHV model (no argument), a scenario by name or file, or an ITF trace, "
        "and step through it; ? lists the keys, q quits.",
    )
    p.add_argument("source", nargs="?", metavar="SCENARIO|TRACE.itf.json", help="what to open (default: the AHV model)")
    p.add_argument(
        "--check-seconds",
        type=positive(float, "number of seconds"),
        default=600.0,
        metavar="S",
        help="stop a check started from the app after S seconds (600)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Textual is imported only when the app runs, so `ahvlab check` starts fast.
    from ahvlab.tui.app import AhvlabApp
    from ahvlab.tui.workbench import open_workbench

    workbench = open_workbench(args.source)
    app = AhvlabApp(workbench, check_seconds=args.check_seconds)
    code = app.run()
    return int(code or 0)
