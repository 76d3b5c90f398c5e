"""Find a spec from a command-line TARGET: ``path/to/file.py:ClassName`` or ``package.module:ClassName``."""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.util
import inspect
import os
import stat
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ahvlab.checker.blame import raised
from ahvlab.checker.errors import SpecCodeError, SpecLoadError, UsageError
from ahvlab.checker.spec import Spec


def parse_assignments(items: list[str] | None) -> dict[str, Any]:
    """``["rm=4", "name='x'"]`` -> ``{"rm": 4, "name": "x"}``; values are Python literals, else strings."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip().isidentifier():
            raise UsageError(f"bad --set {item!r}", expected="NAME=VALUE, e.g. --set rm=4")
        try:
            out[key.strip()] = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            out[key.strip()] = raw
        except (MemoryError, RecursionError):
            # Python's parser gives up on very long or deeply nested text (100k brackets).
            raise UsageError(
                f"--set {key.strip()}: a value of {len(raw)} characters is too long or too deeply nested",
                expected="a Python literal or a plain string",
            ) from None
    return out


@contextlib.contextmanager
def _no_bytecode() -> Iterator[None]:
    """Import without writing ``__pycache__`` beside the user's files: checking a spec leaves no trace in their folder."""
    before = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        yield
    finally:
        sys.dont_write_bytecode = before


def _import_error(exc: BaseException, what: str, path: Path | None) -> SpecLoadError:
    """The one-line error for a spec whose import raised (or called ``sys.exit``), at the spec's own line."""
    line = _line_in(exc, path) if path is not None else None
    return SpecCodeError(f"at the import of {what}: it {raised(exc)}", file=str(path) if path else None, line=line)


def _import_file(path: Path) -> Any:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        raise SpecLoadError("no such file", file=str(path), expected="path/to/spec.py:ClassName") from None
    if not stat.S_ISREG(st.st_mode):
        raise SpecLoadError("not a regular file", file=str(path), expected="path/to/spec.py:ClassName")
    name = f"ahvlab_user_spec_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SpecLoadError("not a Python file", file=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        with _no_bytecode():
            spec.loader.exec_module(module)
    except KeyboardInterrupt:
        sys.modules.pop(name, None)
        raise
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        raise SpecLoadError(f"syntax error: {exc.msg}", file=str(path), line=exc.lineno) from None
    except UnicodeDecodeError as exc:
        sys.modules.pop(name, None)
        raise SpecLoadError(f"not UTF-8 Python source: {exc.reason}", file=str(path)) from None
    except BaseException as exc:
        # SystemExit too: a spec calling sys.exit(7) at import must not decide ahvlab's exit code.
        sys.modules.pop(name, None)
        raise _import_error(exc, path.name, path) from None
    return module


def _line_in(exc: BaseException, path: Path) -> int | None:
    """The last line of ``path`` the traceback passes through (where the spec itself raised)."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).resolve() == path.resolve():
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _import_module(name: str) -> Any:
    # `ahvlab check mypkg.spec:S` run from a project folder finds mypkg there, as `python -m` would.
    if "" not in sys.path and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        with _no_bytecode():
            return importlib.import_module(name)
    except KeyboardInterrupt:
        raise
    except ModuleNotFoundError as exc:
        raise SpecLoadError(f"no module {exc.name!r}", key=name, expected="package.module:ClassName") from None
    except SyntaxError as exc:
        raise SpecLoadError(f"syntax error: {exc.msg}", file=exc.filename, line=exc.lineno) from None
    except BaseException as exc:
        raise _import_error(exc, name, _module_file(exc)) from None


def _module_file(exc: BaseException) -> Path | None:
    """The innermost file of the traceback outside the import machinery: where the user's code raised."""
    tb = exc.__traceback__
    found = None
    while tb is not None:
        file = tb.tb_frame.f_code.co_filename
        if not file.startswith("<") and "importlib" not in file and Path(file).resolve() != Path(__file__).resolve():
            found = Path(file)
        tb = tb.tb_next
    return found


def load_spec_class(target: str) -> type[Spec]:
    """The Spec subclass a TARGET names; one clear error for every way it can be wrong."""
    where, sep, cls_name = target.rpartition(":")
    if not sep or not where or not cls_name:
        raise UsageError(f"bad target {target!r}", expected="path/to/file.py:ClassName or package.module:ClassName")
    module = _import_file(Path(where)) if where.endswith(".py") or "/" in where else _import_module(where)
    cls = getattr(module, cls_name, None)
    if cls is None:
        specs = sorted(
            n for n, v in vars(module).items() if inspect.isclass(v) and issubclass(v, Spec) and v is not Spec
        )
        raise SpecLoadError(f"no class {cls_name!r} in {where}", expected=f"one of: {', '.join(specs) or 'none'}")
    if not (inspect.isclass(cls) and issubclass(cls, Spec)):
        raise SpecLoadError(f"{cls_name} in {where} is not a Spec subclass", expected="class X(ahvlab.checker.Spec)")
    return cls


def build_spec(cls: type[Spec], params: Mapping[str, Any] | None = None) -> Spec:
    """Instantiate a spec with constants; a wrong constant gets the constructor's signature in the error."""
    try:
        return cls(**dict(params or {}))
    except TypeError as exc:
        sig = inspect.signature(cls)
        raise SpecLoadError(f"cannot build {cls.__name__}{sig}: {exc}") from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        # ValueError for ``--set n=-1``, or a SystemExit: the spec's own check of its constants.
        try:
            file = inspect.getsourcefile(cls)
        except TypeError:
            file = None
        where = Path(file) if file else None
        raise SpecCodeError(
            f"in the constructor of {cls.__name__}: it {raised(exc)}",
            file=str(where) if where else None,
            line=_line_in(exc, where) if where else None,
        ) from None


def load_spec(target: str, params: Mapping[str, Any] | None = None) -> Spec:
    return build_spec(load_spec_class(target), params)
