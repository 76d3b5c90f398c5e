"""Values as every view shows them: one way to print a value or a time, one path syntax, one deep diff.

The path syntax is the checkpoint language's own, so a path printed anywhere can be
typed back into a checkpoint, ``show`` or ``--expr``::

    host[2].cvm_up        a record field after an integer key (hosts are numbered from 1)
    vm.VM1.status         a mapping key that is a name reads as a field
    sessions.VM1[0]       a sequence index (from 0)
    vm["my vm"].host      any other key in brackets, quoted

Reports (``ahvlab check``, ``ahvlab trace``, ``--json``), the TUI, the shell and
scenario walks all render changes with :func:`deep_changes` and :func:`show`.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_NAME = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


class PathError(ValueError):
    """A path that does not lead anywhere in a value; the message is one line for the user."""


# -- showing --------------------------------------------------------------------


def show(value: Any, *, quote: bool = True) -> str:
    """A compact, deterministic rendering: sets sorted, records as ``Name(f=v)``, mappings as ``{k: v}``.

    Strings are quoted (``'VM1'``) unless ``quote`` is False (a table cell, a status line).
    """
    if isinstance(value, str):
        return repr(value) if quote else value
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, frozenset | set):
        return "{" + ", ".join(sorted(show(x, quote=quote) for x in value)) + "}"
    fields = record_fields(value)
    if fields is not None:
        inner = ", ".join(f"{f}={show(getattr(value, f), quote=quote)}" for f in fields)
        return f"{type(value).__name__}({inner})"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{show(k, quote=quote)}: {show(x, quote=quote)}" for k, x in value.items()) + "}"
    if isinstance(value, tuple | list):
        return "(" + ", ".join(show(x, quote=quote) for x in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def show_time(t: float | None) -> str:
    """Model time as ``T+20`` (empty for an untimed spec)."""
    if t is None:
        return ""
    return f"T+{int(t)}" if float(t).is_integer() else f"T+{t:g}"


def record_fields(value: Any) -> tuple[str, ...] | None:
    """The field names of a NamedTuple or dataclass instance, None for anything else."""
    fields = getattr(type(value), "_fields", None)
    if isinstance(value, tuple) and fields is not None:
        return tuple(fields)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return tuple(f.name for f in dataclasses.fields(value))
    return None


# -- paths ------------------------------------------------------------------------


def join(path: str, key: Any) -> str:
    """``path`` one step down: ``.name`` for a field or a name key, ``[k]`` for anything else."""
    if isinstance(key, str) and _NAME.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{show(key)}]"


_SEGMENT = re.compile(
    r"""\s*(?:
        \.?(?P<name>[A-Za-z_][A-Za-z_0-9]*)
      | \.(?P<bare>-?\d+)
      | \[\s*(?P<int>-?\d+)\s*\]
      | \[\s*(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\]
      | \[\s*(?P<word>[^\]\s]+)\s*\]
    )""",
    re.VERBOSE,
)


def parse_path(text: str) -> list[str | int]:
    """``host[2].cvm_up`` -> ``["host", 2, "cvm_up"]``; ``host.2.cvm_up`` is read the same way."""
    out: list[str | int] = []
    pos = 0
    text = text.strip()
    if not text:
        raise PathError("empty path")
    while pos < len(text):
        m = _SEGMENT.match(text, pos)
        if m is None or m.end() == pos:
            raise PathError(f"bad path {text!r} at column {pos + 1}: write name.field, name[2] or name['key']")
        if m.group("name") is not None:
            out.append(m.group("name"))
        elif m.group("bare") is not None:
            out.append(int(m.group("bare")))
        elif m.group("int") is not None:
            out.append(int(m.group("int")))
        elif m.group("str") is not None:
            out.append(ast.literal_eval(m.group("str")))
        else:
            out.append(m.group("word"))
        pos = m.end()
    return out


def children(value: Any) -> list[tuple[Any, Any]]:
    """``(key, part)`` one level below a value: record fields, mapping keys, sequence indices."""
    fields = record_fields(value)
    if fields is not None:
        return [(f, getattr(value, f)) for f in fields]
    if isinstance(value, Mapping):
        return list(value.items())
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(enumerate(value))
    return []


def is_container(value: Any) -> bool:
    return bool(children(value))


def child(value: Any, key: str | int, where: str) -> Any:
    """One step down; a :class:`PathError` naming what is there when ``key`` is not."""
    fields = record_fields(value)
    if fields is not None:
        if key in fields:
            return getattr(value, str(key))
    elif isinstance(value, Mapping):
        for k, v in value.items():
            if k == key or (isinstance(key, str) and same_value(k, key)):
                return v
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        try:
            return value[int(key)]
        except (ValueError, IndexError):
            raise PathError(f"{where} has items 0..{len(value) - 1}, not {key!r}") from None
    else:
        raise PathError(f"{where} is {show(value)}: it has no part {key!r}")
    options = [k if isinstance(k, str) else show(k) for k, _ in children(value)]
    shown = ", ".join(options[:12]) + (", ..." if len(options) > 12 else "")
    raise PathError(f"{where} has no {key!r}; it has: {shown or 'nothing'}")


def resolve(root: Mapping[str, Any], path: str) -> Any:
    """The value at ``path`` among named values (a state's variables, a picture's names)."""
    head, *rest = parse_path(path)
    if head not in root:
        raise PathError(f"no name {head!r}; names: {', '.join(map(str, root))}")
    value = root[str(head)]
    where = str(head)
    for seg in rest:
        value = child(value, seg, where)
        where = join(where, seg)
    return value


def canonical(path: str) -> str:
    """A path as :func:`join` writes it (``host.2.up`` -> ``host[2].up``); unparsable text is returned as it is."""
    try:
        parts = parse_path(path)
    except PathError:
        return path
    out = ""
    for p in parts:
        out = join(out, p)
    return out


def completions(root: Mapping[str, Any], prefix: str) -> list[str]:
    """Every path one step deeper than the complete part of ``prefix`` (for Tab completion), in canonical form."""
    cut = max(prefix.rfind("."), prefix.rfind("["))
    if cut <= 0:
        return list(root)
    parent = canonical(prefix[:cut])
    try:
        value = resolve(root, parent)
    except PathError:
        return []
    return [join(parent, k) for k, _ in children(value)]


# -- typed words --------------------------------------------------------------------


def word_of(value: Any) -> str:
    """How a value is typed at a prompt: plain strings bare (``vm1``), everything else as shown."""
    if isinstance(value, str) and value and not any(c.isspace() or c in "=,()'\"" for c in value):
        return value
    return show(value)


def parse_value(raw: str) -> Any:
    """A typed word as a Python value: numbers, booleans, quoted strings, tuples; else the bare string."""
    low = raw.lower()
    if low in ("true", "false"):
        return low == "true"
    if len(raw) > 1000:
        return raw
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return raw


def same_value(value: Any, raw: str) -> bool:
    """Whether ``raw`` is a way of writing ``value`` (``2``, ``'vm1'``, ``vm1``)."""
    if raw in (word_of(value), show(value), str(value)):
        return True
    parsed = parse_value(raw)
    return type(parsed) is type(value) and parsed == value


# -- deep diff ----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One part of a value that changed: its path, and the old and new values (None: absent)."""

    path: str
    old: Any
    new: Any

    @property
    def added(self) -> frozenset[Any]:
        """For a set: what came."""
        if isinstance(self.old, frozenset | set) and isinstance(self.new, frozenset | set):
            return frozenset(self.new - self.old)
        return frozenset()

    @property
    def removed(self) -> frozenset[Any]:
        """For a set: what left."""
        if isinstance(self.old, frozenset | set) and isinstance(self.new, frozenset | set):
            return frozenset(self.old - self.new)
        return frozenset()

    def line(self) -> str:
        """``path = new    (was old)``; a set says what came and left."""
        if self.added or self.removed:
            delta = [f"+{show(x)}" for x in sorted(self.added, key=show)]
            delta += [f"-{show(x)}" for x in sorted(self.removed, key=show)]
            return f"{self.path} = {show(self.new)}    ({' '.join(delta)})"
        return f"{self.path} = {show(self.new)}    (was {show(self.old)})"


def deep_changes(path: str, old: Any, new: Any) -> list[Change]:
    """Where two values differ, as deep as their shapes agree: ``host[2].ha_phase``, not the whole ``host``.

    Records of the same type are compared field by field, mappings key by key (a key
    on one side only is a change from or to None), sequences of the same length
    element by element; anything else (sets included) is one change.
    """
    if old == new:
        return []
    return list(_changes(path, old, new))


def _changes(path: str, old: Any, new: Any) -> Iterator[Change]:
    fields = record_fields(old)
    if fields is not None and type(old) is type(new):
        for f in fields:
            a, b = getattr(old, f), getattr(new, f)
            if a != b:
                yield from _changes(join(path, f), a, b)
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for k in dict.fromkeys([*old, *new]):
            a, b = old.get(k), new.get(k)
            if a != b:
                yield from _changes(join(path, k), a, b)
        return
    if (
        isinstance(old, tuple | list)
        and isinstance(new, tuple | list)
        and len(old) == len(new)
        and not isinstance(old, str)
        and record_fields(old) is None
        and record_fields(new) is None
    ):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                yield from _changes(join(path, i), a, b)
        return
    yield Change(path, old, new)
