"""What the subcommands share: choosing the spec (a TARGET or the default AHV model) and its flags."""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from ahvlab.checker.errors import SpecLoadError, UsageError
from ahvlab.checker.loader import load_spec, parse_assignments
from ahvlab.checker.spec import Spec

DEFAULT_TARGET = "ahvlab.model:AHVSpec"
FALLBACK_TARGET = "ahvlab.checker.examples.diehard:DieHard"


@dataclass(frozen=True)
class Chosen:
    """The spec a command works on, and the TARGET string that rebuilds it (written into traces)."""

    spec: Spec
    source: str
    note: str | None = None


def positive(kind: type[int] | type[float], unit: str = "number") -> Callable[[str], Any]:
    """An argparse type: a number greater than 0, with a one-line reason otherwise."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {unit}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
        return value

    parse.__name__ = kind.__name__
    return parse


def add_spec_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "target",
        nargs="?",
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
    p.add_argument("--config", metavar="FILE", help="a TOML cluster config for the AHV model")


def model_module() -> Any | None:
    """The AHV model package, or None while it is not there."""
    try:
        return importlib.import_module("ahvlab.model")
    except ImportError:
        return None


def choose_spec(args: argparse.Namespace) -> Chosen:
    """The spec named by ``args.target``, or the AHV model built from ``--config`` and ``--mutate``."""
    params = parse_assignments(getattr(args, "assign", None))
    mutations = list(getattr(args, "mutate", []) or [])
    config_file = getattr(args, "config", None)
    if args.target:
        if mutations or config_file:
            raise UsageError("--mutate and --config apply to the AHV model, not to a TARGET")
        return Chosen(load_spec(args.target, params), args.target)
    model = model_module()
    if model is None or not hasattr(model, "AHVSpec"):
        if mutations or config_file:
            raise UsageError("the AHV model is not part of this build; --mutate and --config need it")
        note = "the AHV model is not part of this build yet: checking the bundled DieHard example instead"
        return Chosen(load_spec(FALLBACK_TARGET, params), FALLBACK_TARGET, note)
    config = model.load_config(config_file) if config_file else model.default_config()
    if mutations:
        unknown = [m for m in mutations if m not in model.MUTATIONS]
        if unknown:
            raise UsageError(f"unknown mutation {unknown[0]!r}", expected=f"one of: {', '.join(model.MUTATIONS)}")
        config = dataclasses.replace(config, mutations=frozenset(config.mutations) | frozenset(mutations))
    if params:
        raise UsageError("--set applies to a TARGET; the AHV model takes --config FILE")
    return Chosen(model.AHVSpec(config), DEFAULT_TARGET)


def list_mutations(console: Console, as_json: bool) -> int:
    model = model_module()
    if model is None or not hasattr(model, "MUTATIONS"):
        raise SpecLoadError("the AHV model is not part of this build: it has no mutations yet")
    if as_json:
        print(json.dumps(dict(model.MUTATIONS), indent=2))
        return 0
    table = Table(title="Mutations of the AHV model (--mutate NAME)", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("what it breaks, and what catches it")
    for name, doc in model.MUTATIONS.items():
        table.add_row(name, doc)
    console.print(table)
    return 0
