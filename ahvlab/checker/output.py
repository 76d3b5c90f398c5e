"""Files the user names: outputs written without ever destroying what the user wrote, inputs read safely.

An output path is written only when it is new, or a regular file that ahvlab
itself wrote (recognised by its content, parsed: an ITF whose ``#meta`` names
ahvlab as its generator, a JUnit whose root is ``<testsuites name="ahvlab">``, a
DOT or GraphML file that opens with ahvlab's header), or ``force`` is set.
Symbolic links, directories, FIFOs and devices are refused, even with ``force``,
and are never opened: opening a FIFO to look inside it would block forever, and
replacing a device node would turn it into a file. ``-`` is standard output.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from ahvlab.checker.errors import SpecLoadError, UsageError

Kind = Literal["itf", "junit", "dot"]
KINDS: tuple[Kind, ...] = ("itf", "junit", "dot")
STDOUT = "-"
GRAPH_SUFFIXES = (".dot", ".gv", ".graphml", ".xml")
"""What ``--dot`` accepts: DOT for ``.dot``/``.gv``, GraphML for ``.graphml``/``.xml``."""
HEADER_TAIL = ", written by ahvlab"
"""DOT and GraphML files open with ``state graph of <spec>, written by ahvlab`` (a comment)."""
GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}graphml"

_WHAT = {"itf": "an ITF trace", "junit": "a JUnit report", "dot": "a state graph"}


def _kind_of(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_output_path(path: str | Path, kind: Kind, *, force: bool = False) -> None:
    """Raise :class:`UsageError` unless ahvlab may write ``kind`` output at ``path``.

    Called before a search starts, so a bad path costs nothing, and again just
    before writing. Nothing is opened except a regular file, and only to read it.
    """
    name = str(path)
    if name == STDOUT:
        return
    if not name.strip():
        raise UsageError("empty output file name", expected=f"a file name for {_WHAT[kind]}, or - for stdout")
    if kind == "dot" and Path(name).suffix.lower() not in GRAPH_SUFFIXES:
        raise UsageError(
            f"cannot tell the graph format from {Path(name).name!r}",
            key=name,
            expected="a .dot or .gv file (DOT), or a .graphml or .xml file (GraphML)",
        )
    try:
        st = os.lstat(name)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise UsageError("part of its folder is not a folder", key=name) from None
    except OSError as exc:
        raise UsageError(f"cannot use it: {exc.strerror}", key=name) from None
    except ValueError:
        raise UsageError("not a usable file name", key=repr(name)) from None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(
                f"is {_kind_of(st.st_mode)}; ahvlab writes outputs only to regular files",
                key=name,
                expected=f"a file name for {_WHAT[kind]}",
            )
        if not force and not is_ahvlab_output(name, kind):
            raise UsageError(
                f"exists and is not {_WHAT[kind]} written by ahvlab; refusing to overwrite it",
                key=name,
                expected="a new file name, or --force",
            )
    folder = os.path.dirname(name) or "."
    if not os.path.isdir(folder):
        raise UsageError("its folder does not exist", key=name)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"its folder {folder} is not writable", key=name, expected="a folder you can write in")


def check_outputs(
    outputs: Iterable[tuple[str, str | Path | None, Kind]], *, force: bool = False, stdout_taken: str | None = None
) -> None:
    """Check every ``(flag, path, kind)`` given (None: flag not used), and that no two name the same file.

    ``stdout_taken`` names what already writes to standard output (``--json``), so
    ``-`` cannot mix a second document into it.
    """
    seen: dict[str, str] = {STDOUT: stdout_taken} if stdout_taken else {}
    for flag, path, kind in outputs:
        if path is None:
            continue
        name = str(path)
        try:
            check_output_path(name, kind, force=force)
        except UsageError as exc:
            raise UsageError(exc.message, key=f"{flag} {exc.key or name}", expected=exc.expected) from None
        same = name if name == STDOUT else os.path.realpath(name)
        if same in seen:
            target = "standard output" if name == STDOUT else name
            raise UsageError(f"{seen[same]} and {flag} both write to {target}", expected="one file per output")
        seen[same] = flag


def _read_head(fd: int, limit: int | None) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while limit is None or size < limit:
        chunk = os.read(fd, 1 << 16 if limit is None else min(1 << 16, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _open_regular(path: str) -> int | None:
    """A read-only descriptor of ``path`` if it is a regular file (never a link, FIFO or device), else None."""
    # lstat first: a FIFO or a device is never opened. The flags and the fstat close the
    # window in which the path could be swapped for one between the two calls.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return None
    return fd


def is_ahvlab_output(path: str | Path, kind: Kind) -> bool:
    """True if ``path`` is a regular file holding ``kind`` output that ahvlab wrote; an empty file is not."""
    fd = _open_regular(str(path))
    if fd is None:
        return False
    try:
        # An ITF is recognised by its parsed #meta, so it is read whole; the others by their first lines.
        data = _read_head(fd, None if kind == "itf" else 1 << 16)
    except OSError:
        return False
    finally:
        os.close(fd)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if kind == "itf":
            return False
        # The head may end inside a multi-byte character.
        text = data.decode("utf-8", errors="ignore")
    if kind == "itf":
        return _is_our_itf(text)
    if kind == "junit":
        return _first_element(text) == ("testsuites", "ahvlab")
    return _is_our_dot(text) or _is_our_graphml(text)


def _is_our_itf(text: str) -> bool:
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return False
    meta = obj.get("#meta") if isinstance(obj, dict) else None
    return isinstance(meta, dict) and meta.get("generator") == "ahvlab" and "states" in obj


def _first_element(text: str) -> tuple[str, str | None] | None:
    """The root element's tag and ``name`` attribute, parsing no further than its start tag."""
    parser: Any = ET.XMLPullParser(events=("start",))
    try:
        parser.feed(text)
        for _event, elem in parser.read_events():
            return str(elem.tag), elem.get("name")
    except ET.ParseError:
        return None
    return None


def _is_our_dot(text: str) -> bool:
    lines = text.splitlines()
    return (
        len(lines) >= 2
        and lines[0].startswith("// state graph of ")
        and lines[0].endswith(HEADER_TAIL)
        and lines[1].split("{")[0].split() in (["digraph", "DiskGraph"], ["strict", "digraph", "DiskGraph"])
    )


def _is_our_graphml(text: str) -> bool:
    parser: Any = ET.XMLPullParser(events=("comment", "start"))
    try:
        parser.feed(text)
        events = parser.read_events()
        first = next(events, None)
        second = next(events, None)
    except ET.ParseError:
        return False
    if first is None or second is None or first[0] != "comment" or second[0] != "start":
        return False
    # A comment event carries a Comment element on recent Pythons, its text on older ones.
    comment, root = getattr(first[1], "text", first[1]), second[1]
    return (
        isinstance(comment, str)
        and comment.strip().startswith("state graph of ")
        and comment.strip().endswith(HEADER_TAIL)
        and isinstance(root, ET.Element)
        and root.tag == GRAPHML_NS
    )


def safe_write_text(path: str | Path, text: str, *, kind: Kind, force: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, or to stdout for ``-``.

    The path is checked again (see :func:`check_output_path`): the search may have
    run for hours. A new file gets the mode the umask allows (0o666 & ~umask), a
    replaced file keeps its own.
    """
    name = str(path)
    check_output_path(name, kind, force=force)
    if name == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        old_mode: int | None = stat.S_IMODE(os.stat(name).st_mode)
    except FileNotFoundError:
        old_mode = None
    except OSError as exc:
        raise UsageError(f"cannot write it: {exc.strerror}", key=name) from None
    folder = os.path.dirname(name) or "."
    try:
        fd, tmp = _new_file(folder, os.path.basename(name))
    except OSError as exc:
        raise UsageError(f"cannot write in its folder {folder}: {exc.strerror}", key=name) from None
    try:
        try:
            if old_mode is not None:
                os.fchmod(fd, old_mode)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, name)
        except OSError as exc:
            raise UsageError(f"cannot write it: {exc.strerror}", key=name) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _new_file(folder: str, base: str) -> tuple[int, str]:
    # os.open applies the umask to 0o666 itself, as any program creating a file would;
    # O_EXCL means a link or file planted under the same name is never followed or reused.
    for _ in range(100):
        tmp = os.path.join(folder, f".{base}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")


def read_user_text(path: str | Path, *, what: str) -> str:
    """The UTF-8 text of a file the user named as input; one :class:`SpecLoadError` for every way it can fail.

    ``what`` completes "cannot read ...": ``"trace"``, ``"the config"``. Only a
    regular file (a symbolic link to one is fine) is opened, so a FIFO or a device
    named by mistake cannot block the command. Bytes that are not UTF-8 are
    reported with their line.
    """
    name = str(path)
    if not name.strip():
        raise SpecLoadError(f"cannot read {what}: the file name is empty", expected="a path")
    try:
        st = os.stat(name)
    except OSError as exc:
        raise SpecLoadError(f"cannot read {what}: {exc.strerror}", file=name) from None
    except ValueError:
        raise SpecLoadError(f"cannot read {what}: not a usable file name", file=repr(name)) from None
    if not stat.S_ISREG(st.st_mode):
        raise SpecLoadError(f"cannot read {what}: it is {_kind_of(st.st_mode)}", file=name, expected="a file")
    try:
        with open(name, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise SpecLoadError(f"cannot read {what}: {exc.strerror}", file=name) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SpecLoadError(
            f"byte 0x{data[exc.start]:02x} is not UTF-8 text", file=name, line=line, expected="UTF-8 text"
        ) from None
