"""Writing output files without ever destroying something the user wrote."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ahvlab.checker.errors import UsageError

MARKER = "ahvlab"


def safe_write_text(path: str | Path, text: str, *, force: bool = False) -> None:
    """Write ``text`` to ``path`` atomically.

    An existing file is replaced only when ahvlab wrote it (its first 4 KiB name
    ahvlab) or ``force`` is set, so a typo such as ``--itf scenario.toml`` cannot
    overwrite a user's file.
    """
    p = Path(path)
    if p.is_dir():
        raise UsageError("is a directory", key=str(p), expected="a file name for the output")
    if p.exists() and not force:
        try:
            head = p.read_bytes()[:4096].decode("utf-8", errors="replace")
        except OSError:
            head = ""
        if MARKER not in head and head.strip():
            raise UsageError(
                "exists and was not written by ahvlab; refusing to overwrite it",
                key=str(p),
                expected="a new file name, or --force",
            )
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.exists():
        raise UsageError("its folder does not exist", key=str(p))
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=parent)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
