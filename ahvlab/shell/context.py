"""What a shell command works on: the open workbench, where its output goes, and how the shell runs.

Command handlers take a :class:`Context` (never the shell itself), so the command
modules, the completer and the toolbar import this module and nothing above it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TextIO

from ahvlab.checker.session import Session
from ahvlab.workbench import Workbench

_PAINT = (
    ("error:", "\x1b[31m"),  # red
    ("  !! ", "\x1b[1;31m"),  # bold red: a violated invariant
    ("  >> ", "\x1b[36m"),  # cyan: the narration
    ("step ", "\x1b[1m"),  # bold: where the cursor is
)


def paint(line: str) -> str:
    """Colour a line on a terminal by what it is; scripts and pipes stay plain."""
    for start, code in _PAINT:
        if line.startswith(start):
            return f"{code}{line}\x1b[0m"
    return line


@dataclass
class Context:
    """The shell's state that commands read and change: the workbench (``load`` replaces it) and the output."""

    bench: Workbench
    out: TextIO
    script: bool = False
    """Script mode: a deterministic transcript (no timings, no progress, no colour)."""
    done: bool = False
    """Set by ``quit``."""
    failures: list[str] = field(default_factory=list)
    color: bool = False
    watches: list[str] = field(default_factory=list)
    """Expressions shown after every step (``watch EXPR``)."""

    @classmethod
    def for_output(cls, bench: Workbench, out: TextIO, *, script: bool) -> Context:
        isatty = getattr(out, "isatty", None)
        color = not script and bool(isatty and isatty()) and "NO_COLOR" not in os.environ
        return cls(bench, out, script, color=color)

    @property
    def session(self) -> Session:
        return self.bench.session

    def say(self, text: str = "") -> None:
        print(paint(text) if self.color else text, file=self.out)

    def fail(self, message: str) -> bool:
        """One error line (a multi-line message is folded into one); returns False for the caller to pass on."""
        message = " ".join(line.strip() for line in message.splitlines())
        self.failures.append(message)
        self.say(f"error: {message}")
        return False

    def show_narration(self) -> None:
        text = self.session.narration.get(self.session.cursor)
        if text:
            for line in text.strip().splitlines():
                self.say(f"  >> {line}")
