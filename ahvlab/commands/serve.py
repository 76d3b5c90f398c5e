"""``ahvlab serve [SCENARIO | TRACE | TARGET] [--host H] [--port P]``: the Textual app in a browser, for a class.

textual-serve runs ``ahvlab tui`` with the same arguments for every browser that
opens the page, and relays the terminal over a websocket, so students need nothing
installed. The target is opened once before serving, so a bad name fails here with
one line rather than in every student's browser.
"""

from __future__ import annotations

import argparse
import errno
import shlex
import socket
import sys

from ahvlab.checker.errors import UsageError
from ahvlab.commands.tui import add_app_arguments
from ahvlab.workbench import open_workbench

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def port_number(text: str) -> int:
    """An argparse type: a TCP port from 1 to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port from 1 to 65535")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the terminal UI to browsers (textual-serve): a class opens http://HOST:PORT",
        description="Serve the same app as `ahvlab tui` over HTTP: each browser that opens the page gets its own "
        "app on the same scenario, trace or TARGET. Ctrl-C stops the server.",
    )
    add_app_arguments(p)
    p.add_argument("--host", default=DEFAULT_HOST, help=f"the address to listen on ({DEFAULT_HOST})")
    p.add_argument("--port", type=port_number, default=DEFAULT_PORT, help=f"the port to listen on ({DEFAULT_PORT})")
    p.set_defaults(run=run)


def tui_command(args: argparse.Namespace) -> str:
    """The command textual-serve runs per browser: this Python, ``ahvlab tui``, the same arguments."""
    words = [sys.executable, "-c", "from ahvlab.cli import run; run()", "tui"]
    if args.target:
        words.append(args.target)
    for name in args.mutate:
        words += ["--mutate", name]
    for pair in args.assign or ():
        words += ["--set", pair]
    words += ["--check-seconds", f"{args.check_seconds:g}"]
    return shlex.join(words)


def check_free(host: str, port: int) -> None:
    """Refuse a port that is taken (or an address not on this machine) before textual-serve prints its banner."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} on {host} is in use: pick another with --port") from None
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def run(args: argparse.Namespace) -> int:
    workbench = open_workbench(args.target, mutations=args.mutate, assign=args.assign)
    check_free(args.host, args.port)
    # textual-serve (and aiohttp under it) is imported only when serving, so the other commands start fast.
    from textual_serve.server import Server

    server = Server(tui_command(args), host=args.host, port=args.port, title=f"ahvlab: {workbench.title}")
    server.serve()
    return 0
