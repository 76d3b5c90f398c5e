"""Finding the line of a key in a TOML text, so that a semantic error can name it.

``tomllib`` gives a line only for syntax errors; for "this value is wrong" the
loader asks this module where the key was written. It reads the text line by
line, tracking table headers (``[cluster]``, ``[[step]]`` and their index), and
answers the best line it knows: the key's own line, else its table's header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)\s*(\.|=)""")


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part


@dataclass
class Locator:
    """Where tables and keys were written: ``line_of(("step", 2, "do"))`` is the line of the third step's ``do``."""

    text: str
    headers: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    keys: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        counts: dict[tuple[str, ...], int] = {}
        table: tuple[str | int, ...] = ()
        in_multiline = False
        for number, raw in enumerate(self.text.splitlines(), start=1):
            # Skip the inside of multi-line strings: their lines are not keys.
            if raw.count('"""') % 2 == 1 or raw.count("'''") % 2 == 1:
                was = in_multiline
                in_multiline = not in_multiline
                if was:
                    continue
            elif in_multiline:
                continue
            m = _HEADER.match(raw)
            if m:
                names = tuple(_unquote(p) for p in m.group(2).split("."))
                if m.group(1) == "[[":
                    index = counts.get(names, 0)
                    counts[names] = index + 1
                    table = (*names, index)
                else:
                    table = names
                self.headers.setdefault(table, number)
                continue
            k = _KEY.match(raw)
            if k:
                self.keys.setdefault((*table, _unquote(k.group(1))), number)

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        """The line of ``path`` (table names, array indexes, key), or of the closest enclosing table or key."""
        for end in range(len(path), 0, -1):
            part = path[:end]
            if part in self.keys:
                return self.keys[part]
            if part in self.headers:
                return self.headers[part]
        return None
