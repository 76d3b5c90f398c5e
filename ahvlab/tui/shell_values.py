"""Values as the shell reads and writes them: typed words, field paths into a state, action parameters."""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ahvlab.checker.report import show_value
from ahvlab.tui.shell_registry import ShellError

_PATH_SPLIT = re.compile(r"\.|\[|\]")


def word_of(value: Any) -> str:
    """How a value is typed at the prompt: plain strings bare (``vm1``), everything else as shown."""
    if isinstance(value, str) and value and not any(c.isspace() or c in "=,()'\"" for c in value):
        return value
    return show_value(value)


def parse_value(raw: str) -> Any:
    """A typed word as a Python value: numbers, booleans, quoted strings, tuples; else the bare string."""
    low = raw.lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return raw


def same_value(value: Any, raw: str) -> bool:
    """Whether ``raw`` is a way of writing ``value`` (``2``, ``'vm1'``, ``vm1``, ``VM(...)``)."""
    return raw in (word_of(value), show_value(value), str(value)) or parse_value(raw) == value


def _fields(value: Any) -> list[str] | None:
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return list(value._fields)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [f.name for f in dataclasses.fields(value)]
    return None


def children(value: Any) -> list[str]:
    """The path segments one level below ``value`` (fields, keys or indices), for completion."""
    names = _fields(value)
    if names is not None:
        return names
    if isinstance(value, Mapping):
        return [word_of(k) for k in value]
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [str(i) for i in range(len(value))]
    return []


def is_container(value: Any) -> bool:
    return bool(children(value))


def child(value: Any, segment: str, where: str) -> Any:
    """One step down a path; a :class:`ShellError` naming what exists when ``segment`` does not."""
    names = _fields(value)
    if names is not None:
        if segment in names:
            return getattr(value, segment)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if same_value(k, segment):
                return v
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        try:
            return value[int(segment)]
        except (ValueError, IndexError):
            raise ShellError(f"{where} has items 0..{len(value) - 1}, not {segment!r}") from None
    else:
        raise ShellError(f"{where} is {show_value(value)}: it has no part {segment!r}")
    options = children(value)
    shown = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
    raise ShellError(f"{where} has no {segment!r}; it has: {shown or 'nothing'}")


def split_path(path: str) -> list[str]:
    """``hosts[2].cvm_up`` and ``hosts.2.cvm_up`` both give ``['hosts', '2', 'cvm_up']``."""
    return [p for p in _PATH_SPLIT.split(path.strip()) if p]


def resolve(variables: Mapping[str, Any], path: str) -> Any:
    """The value at a field path of a state's variables."""
    parts = split_path(path)
    if not parts:
        raise ShellError("empty path")
    head, *rest = parts
    if head not in variables:
        raise ShellError(f"no variable {head!r}; variables: {', '.join(variables)}")
    value = variables[head]
    where = head
    for seg in rest:
        value = child(value, seg, where)
        where = f"{where}.{seg}"
    return value


def path_completions(variables: Mapping[str, Any], prefix: str) -> list[str]:
    """Every full path one segment deeper than the complete part of ``prefix``."""
    if "." not in prefix:
        return list(variables)
    parent, _, _ = prefix.rpartition(".")
    try:
        value = resolve(variables, parent)
    except ShellError:
        return []
    return [f"{parent}.{c}" for c in children(value)]


def _same_shape(old: Any, new: Any) -> bool:
    if type(old) is not type(new) or not is_container(new):
        return False
    if isinstance(new, Mapping):
        return set(old) == set(new)
    return len(children(old)) == len(children(new))


def _part(value: Any, segment: str) -> Any:
    names = _fields(value)
    if names is not None:
        return getattr(value, segment)
    if isinstance(value, Mapping):
        return next(v for k, v in value.items() if word_of(k) == segment)
    return value[int(segment)]


def deep_changes(path: str, old: Any, new: Any, depth: int = 4) -> list[tuple[str, Any, Any]]:
    """What changed between two values, as the deepest paths that differ: ``hosts.2.cvm_up: True -> False``."""
    if old == new:
        return []
    if depth == 0 or not _same_shape(old, new):
        return [(path, old, new)]
    out: list[tuple[str, Any, Any]] = []
    for seg in children(new):
        out.extend(deep_changes(f"{path}.{seg}", _part(old, seg), _part(new, seg), depth - 1))
    return out
