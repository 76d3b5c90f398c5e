"""``ahvlab shell``: the teaching shell, interactive on a terminal, a script runner otherwise."""

from __future__ import annotations

import argparse
import sys

from ahvlab.checker.output import read_user_text
from ahvlab.commands.common import nonempty
from ahvlab.workbench import open_workbench

EPILOG = """\
script mode (--script FILE, or commands piped on stdin) prints the transcript and exits
  0 every command succeeded and no invariant is violated in the final trace,
  1 a command failed (the script stops there unless --keep-going),
 12 some step of the final trace violates an invariant (a walk to a phantom VM, a counterexample
    loaded by `check`),
  2 usage error, 150 unreadable script, scenario, trace or spec.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "shell",
        help="step a model by hand: a REPL with completion and history, or a script for classes and CI",
        description="The teaching shell over the AHV model, a scenario, an ITF trace or any spec.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_open_arguments(p)
    p.add_argument(
        "--script",
        type=nonempty("script file name"),
        metavar="FILE",
        help="run the commands in FILE (- for stdin) and exit",
    )
    p.add_argument("--keep-going", action="store_true", help="in a script, go on after a failed command")
    p.set_defaults(run=run)


def add_open_arguments(p: argparse.ArgumentParser) -> None:
    """What ``shell`` and ``tui`` open: a scenario, a trace or a TARGET, with mutations and constants."""
    p.add_argument(
        "target",
        nargs="?",
        type=nonempty("SCENARIO|TRACE|TARGET"),
        metavar="SCENARIO|TRACE|TARGET",
        help="a scenario name or .toml file, an .itf.json trace, or path/file.py:Class (default: the AHV model)",
    )
    p.add_argument(
        "--set", dest="assign", action="append", metavar="NAME=VALUE", help="a constant of a TARGET spec (repeatable)"
    )
    p.add_argument("--mutate", action="append", default=[], metavar="NAME", help="switch an AHV mutation on")


def read_script(name: str) -> list[str]:
    if name == "-":
        return sys.stdin.read().splitlines()
    # Only a regular file: a FIFO or a device named by mistake must not block the shell.
    return read_user_text(name, what="script").splitlines()


def run(args: argparse.Namespace) -> int:
    from ahvlab.shell import Shell

    lines = read_script(args.script) if args.script else None
    bench = open_workbench(args.target, mutations=args.mutate, assign=args.assign)
    if lines is None and not sys.stdin.isatty():
        lines = sys.stdin.read().splitlines()
    if lines is not None:
        return Shell(bench, script=True).run_script(lines, keep_going=args.keep_going)
    return Shell(bench).run_interactive()
