"""``ahvlab``: the command-line entry point. Each subcommand lives in ``ahvlab/commands/``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from ahvlab import __version__
from ahvlab.checker.engine import SpecError
from ahvlab.checker.errors import UsageError, UserError
from ahvlab.checker.result import EXIT_OUT_OF_MEMORY, EXIT_SIGINT, EXIT_SIGTERM, EXIT_SPEC
from ahvlab.checker.trace import ReplayError
from ahvlab.commands import capacity, check, mutations, scenario, serve, shell, trace, tui
from ahvlab.commands.signals import Terminated

# Subcommand modules, in the order `ahvlab --help` lists them. Each imports its front end only when it runs.
COMMANDS = (check, scenario, tui, serve, shell, capacity, trace, mutations)


def owns_the_terminal(args: argparse.Namespace) -> bool:
    """The TUI, the server and the interactive shell write to the terminal themselves: their stdout is theirs.

    The shell with ``--script`` or with commands piped on stdin prints a transcript, like ``check``.
    """
    if args.command in ("tui", "serve"):
        return True
    return args.command == "shell" and not args.script and sys.stdin is not None and sys.stdin.isatty()


class QuietWhenClosed:
    """stdout that goes quiet when its reader goes away (``ahvlab check | head``).

    The command still runs to its verdict, writes its files and exits with its code:
    ``${PIPESTATUS[0]}`` is the check's answer, not an error about the pipe. Everything
    after the reader left goes to /dev/null (as Python's documentation advises for SIGPIPE).
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.closed_by_reader = False

    def write(self, text: str) -> int:
        if not self.closed_by_reader:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._go_quiet()
        return len(text)

    def flush(self) -> None:
        if not self.closed_by_reader:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._go_quiet()

    def _go_quiet(self) -> None:
        self.closed_by_reader = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; see `{self.prog} --help`")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ahvlab",
        description="A TLA-like model checker and teaching shell whose flagship model is a Nutanix AHV cluster.",
    )
    parser.add_argument("--version", action="version", version=f"ahvlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "run", None):
            parser.print_help()
            return 2
        if not owns_the_terminal(args) and sys.stdout is sys.__stdout__ and sys.stdout is not None:
            sys.stdout = QuietWhenClosed(sys.stdout)
        try:
            return int(args.run(args))
        except SystemExit as exc:
            # argparse is done by now: a SystemExit here is a spec's or a hook's sys.exit(), not ahvlab's answer.
            raise SpecError(f"spec error: the spec called sys.exit({exc.code!r})") from exc
    except UserError as exc:
        print(f"ahvlab: error: {_one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except (SpecError, ReplayError) as exc:
        text = _one_line(str(exc))
        print(f"ahvlab: {text}" if text.startswith("spec error") else f"ahvlab: spec error: {text}", file=sys.stderr)
        return EXIT_SPEC
    except KeyboardInterrupt as exc:
        print("ahvlab: interrupted", file=sys.stderr)
        return EXIT_SIGTERM if isinstance(exc, Terminated) else EXIT_SIGINT
    except MemoryError:
        print("ahvlab: out of memory", file=sys.stderr)
        return EXIT_OUT_OF_MEMORY
    except BrokenPipeError:
        return 0


def _one_line(text: str) -> str:
    # Every error is ONE line on stderr, whatever a spec or a file put into the message.
    return " ".join(text.split())


def run() -> NoReturn:
    sys.exit(main())


if __name__ == "__main__":
    run()
