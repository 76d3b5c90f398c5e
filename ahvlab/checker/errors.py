"""Errors that reach the user as one clear line, never as a traceback."""

from __future__ import annotations

import re

from ahvlab.checker.result import EXIT_SPEC, EXIT_USAGE


class UserError(Exception):
    """Bad input from the user: a file, a flag, a value. The CLI prints ``str(err)`` and exits ``exit_code``.

    ``file``, ``line`` and ``key`` locate the problem where they are known;
    ``expected`` says what would have been right.
    """

    exit_code = EXIT_SPEC

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        key: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.key = key
        self.expected = expected
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        key = f"{self.key}: " if self.key else ""
        tail = f" (expected {self.expected})" if self.expected else ""
        return f"{where}{key}{self.message}{tail}"


class UsageError(UserError):
    """A bad command line: exit code 2."""

    exit_code = EXIT_USAGE


class SpecLoadError(UserError):
    """A spec, config, scenario or trace that cannot be used: exit code 150."""

    exit_code = EXIT_SPEC


class SpecCodeError(SpecLoadError):
    """The user's spec code itself raised (or called ``sys.exit``) while ahvlab loaded or built it: exit code 150.

    Printed as ``spec error <where>: <what> (<file>:<line>)``, the line being the
    spec's own, not ahvlab's.
    """

    def __str__(self) -> str:
        loc = ""
        if self.file:
            loc = f" ({self.file}" + (f":{self.line}" if self.line else "") + ")"
        return f"spec error {self.message}{loc}"


def toml_error_place(exc: Exception, text: str) -> tuple[str, int | None, int | None]:
    """A TOML syntax error's message without its ``(at line L, column C)``, and L and C.

    ``tomllib`` says ``(at end of document)`` for a file cut short (an unclosed ``[``,
    a key without a value): that is the file's last line, where the user must look.
    """
    msg = str(exc)
    m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
    if m:
        return msg[: m.start()].rstrip() or "invalid TOML", int(m.group(1)), int(m.group(2))
    if "end of document" in msg:
        last = len(text.rstrip().splitlines()) or 1
        return re.sub(r"\s*\(at end of document\)", "", msg) + " at the end of the file", last, None
    return msg or "invalid TOML", None, None
