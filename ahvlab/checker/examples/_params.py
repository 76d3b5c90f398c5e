"""Checks on the constants of the example specs, so a bad ``--set`` gets one clear line."""

from __future__ import annotations

from typing import Any

from ahvlab.checker.errors import SpecLoadError


def whole(name: str, value: Any, minimum: int) -> int:
    """``value`` as an int of at least ``minimum``, else a ``SpecLoadError`` naming the constant."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise SpecLoadError(f"got {value!r}", key=name, expected=f"a whole number >= {minimum}")
    return value
