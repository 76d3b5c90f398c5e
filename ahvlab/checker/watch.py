"""Expressions watched along a trace: ``ahvlab trace --expr``, the shell's ``eval``/``watch``, the TUI's watch list.

One expression language (:mod:`ahvlab.checker.expr`, the scenario checkpoints')
evaluated in one environment (:func:`ahvlab.checker.env.state_env`), so an
expression means the same wherever it is typed. A parse error is one line with
its column; an evaluation error is that state's value (``error: ...``), not a
failure of the whole trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ahvlab.checker.env import state_env
from ahvlab.checker.errors import UsageError
from ahvlab.checker.expr import Expr, ExprError, parse
from ahvlab.checker.spec import Spec
from ahvlab.checker.values import show


def error_line(text: str, exc: ExprError) -> str:
    """``cannot parse 'x +': expected a value (at column 4)``: the text, what is wrong, and where."""
    return f"cannot parse {text!r}: {exc}"


def compile_expr(text: str) -> Expr:
    """Parse one expression; a :class:`UsageError` (one line, with the column) if it is not one."""
    try:
        return parse(text)
    except ExprError as exc:
        raise UsageError(error_line(text, exc)) from None


@dataclass(frozen=True)
class Value:
    """An expression's value at one state, or why it has none there."""

    value: Any = None
    error: str | None = None

    @property
    def text(self) -> str:
        return f"error: {self.error}" if self.error is not None else show(self.value)


def evaluate(spec: Spec, state: Any, exprs: Sequence[Expr]) -> list[Value]:
    """Every expression's value at ``state``, in the checkpoints' environment."""
    if not exprs:
        return []
    env = state_env(spec, state)
    out = []
    for e in exprs:
        try:
            out.append(Value(e.evaluate(env)))
        except ExprError as exc:
            out.append(Value(error=str(exc)))
    return out
