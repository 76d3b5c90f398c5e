"""Helpers the shell's command modules share: whole numbers, and one line for a name that is not there."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ahvlab.shell.registry import ShellError


def whole(text: str, what: str, *, minimum: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ShellError(f"{what} must be a whole number, not {text!r}") from None
    if minimum is not None and value < minimum:
        raise ShellError(f"{what} must be at least {minimum}, not {value}")
    return value


def must_know(kind: str, name: str, known: Iterable[str]) -> None:
    """One line for a name that is not there: the closest one, or the whole list."""
    names = list(known)
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        raise ShellError(
            f"no {kind} {name!r}; " + (f"did you mean {close[0]}?" if close else f"{kind}s: {', '.join(names)}")
        )
