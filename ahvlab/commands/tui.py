"""``ahvlab tui [SCENARIO | TRACE.itf.json | TARGET]``: the Textual app."""

from __future__ import annotations

import argparse
import os
import sys

from ahvlab.checker.errors import UsageError
from ahvlab.commands.common import positive
from ahvlab.commands.shell import add_open_arguments
from ahvlab.workbench import open_workbench


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tui",
        help="step through a behaviour in a terminal UI: the cluster, the timeline, what changed, the invariants",
        description="Open the default AHV model (no argument), a scenario by name or file, an ITF trace, "
        "or a TARGET (path/file.py:Class), and step through it; ? lists the keys, q quits.",
    )
    add_app_arguments(p)
    p.set_defaults(run=run)


def add_app_arguments(p: argparse.ArgumentParser) -> None:
    """What the app opens (as the shell takes it) and the bound of a check started from it: tui and serve."""
    add_open_arguments(p)
    p.add_argument(
        "--check-seconds",
        type=positive(float, "number of seconds"),
        default=600.0,
        metavar="S",
        help="stop a check started from the app after S seconds (600)",
    )


def run(args: argparse.Namespace) -> int:
    # Textual is imported only when the app runs, so `ahvlab check` starts fast.
    from ahvlab.tui.app import AhvlabApp

    workbench = open_workbench(args.target, mutations=args.mutate, assign=args.assign)
    if not has_terminal():
        # Without a terminal Textual would wait for keys that never come.
        raise UsageError("ahvlab tui needs a terminal", expected="a terminal, or `ahvlab shell --script FILE`")
    app = AhvlabApp(workbench, check_seconds=args.check_seconds)
    code = app.run()
    return int(code or 0)


def has_terminal() -> bool:
    """Whether the app can run: keys come from stdin and the screen goes to stdout, both a terminal.

    Under ``ahvlab serve`` textual-serve runs the app on pipes with its web driver: the browser is the terminal.
    """
    if os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver"):
        return True
    return sys.stdin.isatty() and sys.stdout.isatty()
