"""Which of the spec's lines an exception came from: ``spec error in <hook> of <Class> (<file>:<line>)``.

A spec's hook (an action, an invariant, ``init``, ``view``, ``format_step``...) can
raise anything, return the wrong thing or call ``sys.exit``; the user needs the hook,
the class and the line of *their* code, not ahvlab's traceback. The line is the
innermost frame of the traceback that is neither ahvlab's checker nor Python's own
library; when the spec's code is not on the traceback at all (a view that returned a
list fails where ahvlab hashes it), the hook's ``def`` line stands in.
"""

from __future__ import annotations

import inspect
import sysconfig
from collections.abc import Callable
from pathlib import Path
from typing import Any

_CHECKER = Path(__file__).resolve().parent
_EXAMPLES = _CHECKER / "examples"
_LIBRARY = tuple(
    str(Path(p).resolve()) for p in {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
)


def raised(exc: BaseException) -> str:
    """``raised ZeroDivisionError: division by zero`` or ``called sys.exit(5)``, on one line."""
    if isinstance(exc, SystemExit):
        return f"called sys.exit({exc.code!r})"
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:300] + "..."
    return f"raised {type(exc).__name__}" + (f": {text}" if text else "")


def _is_users(file: str) -> bool:
    if file.startswith("<"):
        return False
    path = Path(file).resolve()
    if path.is_relative_to(_EXAMPLES):
        return True
    if path.is_relative_to(_CHECKER):
        return False
    return not str(path).startswith(_LIBRARY)


def spec_line(exc: BaseException | None, fn: Callable[..., Any] | None = None) -> tuple[str | None, int | None]:
    """The spec's own file and line for ``exc``: the innermost user frame, else where ``fn`` is defined."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__ if exc is not None else None
    while tb is not None:
        file = tb.tb_frame.f_code.co_filename
        if _is_users(file):
            found = (file, tb.tb_lineno)
        tb = tb.tb_next
    if found[0] is not None:
        return found
    code = getattr(inspect.unwrap(fn), "__code__", None) if fn is not None else None
    if code is not None and not code.co_filename.startswith("<"):
        return code.co_filename, code.co_firstlineno
    return None, None


def located(message: str, file: str | None, line: int | None) -> str:
    """``message (file:line)`` when the place is known, as every spec error ends."""
    if not file:
        return message
    return f"{message} ({file}" + (f":{line})" if line else ")")
