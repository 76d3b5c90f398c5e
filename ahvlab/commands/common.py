"""What the subcommands share: choosing the spec (a TARGET or the default AHV model) and its flags."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from ahvlab.checker.errors import UsageError
from ahvlab.checker.loader import load_spec, parse_assignments
from ahvlab.checker.spec import Spec
from ahvlab.model import MUTATIONS, AHVSpec, default_config, load_config
from ahvlab.model.matrix import caught_by
from ahvlab.model.mutations import UnknownMutation, mutations
from ahvlab.workbench import DEFAULT_TARGET


@dataclass(frozen=True)
class Chosen:
    """The spec a command works on, and the TARGET string that rebuilds it (written into traces)."""

    spec: Spec
    source: str


def positive(kind: type[int] | type[float], unit: str = "number") -> Callable[[str], Any]:
    """An argparse type: a number greater than 0, with a one-line reason otherwise."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {unit}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite {unit}")
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
        return value

    parse.__name__ = kind.__name__
    return parse


def nonempty(what: str) -> Callable[[str], str]:
    """An argparse type: a non-empty string (``--config ""`` is a mistake, not "no config")."""

    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"empty {what}")
        return text

    parse.__name__ = what
    return parse


def add_spec_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "target",
        nargs="?",
        type=nonempty("TARGET"),
        metavar="TARGET",
        help="path/to/file.py:ClassName or package.module:ClassName (default: the AHV model)",
    )
    p.add_argument(
        "--set", dest="assign", action="append", metavar="NAME=VALUE", help="a constant of the spec (repeatable)"
    )
    p.add_argument(
        "--mutate",
        action="append",
        default=[],
        metavar="NAME",
        help="switch a mutation of the AHV model on (repeatable)",
    )
    p.add_argument(
        "--config", type=nonempty("config file name"), metavar="FILE", help="a TOML cluster config for the AHV model"
    )


def choose_spec(args: argparse.Namespace) -> Chosen:
    """The spec named by ``args.target``, or the AHV model built from ``--config`` and ``--mutate``."""
    params = parse_assignments(getattr(args, "assign", None))
    names = list(getattr(args, "mutate", []) or [])
    config_file = getattr(args, "config", None)
    if args.target:
        if names or config_file:
            raise UsageError("--mutate and --config apply to the AHV model, not to a TARGET")
        return Chosen(load_spec(args.target, params), args.target)
    if params:
        raise UsageError("--set applies to a TARGET; the AHV model takes --config FILE")
    config = load_config(config_file) if config_file else default_config()
    try:
        switched = mutations(names)
    except UnknownMutation as exc:
        raise UsageError(str(exc), expected=f"one of: {', '.join(MUTATIONS)}") from None
    return Chosen(AHVSpec(config.with_mutations(*switched)), DEFAULT_TARGET)


def list_mutations(console: Console, as_json: bool) -> int:
    """The mutations, what each breaks, and what catches it: the committed mutation matrix's answer."""
    if as_json:
        print(json.dumps(MUTATIONS, indent=2))
        return 0
    table = Table(title="Mutations of the AHV model (--mutate NAME)", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("what it breaks")
    table.add_column("caught by (states), from `ahvlab mutations`")
    for name, doc in MUTATIONS.items():
        table.add_row(name, doc, caught_by(name))
    console.print(table)
    return 0
