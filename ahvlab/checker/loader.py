"""Find a spec from a command-line TARGET: ``path/to/file.py:ClassName`` or ``package.module:ClassName``."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ahvlab.checker.errors import SpecLoadError, UsageError
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
    return out


def _import_file(path: Path) -> Any:
    if not path.is_file():
        raise SpecLoadError("no such file", file=str(path), expected="path/to/spec.py:ClassName")
    name = f"ahvlab_user_spec_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SpecLoadError("not a Python file", file=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise SpecLoadError(f"syntax error: {exc.msg}", file=str(path), line=exc.lineno) from exc
    except Exception as exc:
        line = _line_in(exc, path)
        raise SpecLoadError(f"importing it raised {type(exc).__name__}: {exc}", file=str(path), line=line) from exc
    return module


def _line_in(exc: BaseException, path: Path) -> int | None:
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
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        raise SpecLoadError(f"no module {exc.name!r}", key=name, expected="package.module:ClassName") from exc
    except Exception as exc:
        raise SpecLoadError(f"importing {name} raised {type(exc).__name__}: {exc}") from exc


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
        raise SpecLoadError(f"cannot build {cls.__name__}{sig}: {exc}") from exc


def load_spec(target: str, params: Mapping[str, Any] | None = None) -> Spec:
    return build_spec(load_spec_class(target), params)
