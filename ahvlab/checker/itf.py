"""ITF: the Informal Trace Format of Apalache and Quint (ADR-015).

Values map one way: bool and str as JSON; int as a JSON number within
+-(2**53 - 1), else ``{"#bigint": "..."}``; tuple as a sequence (JSON array);
frozenset as ``{"#set": [...]}``; dict as ``{"#map": [[k, v], ...]}``;
NamedTuple and dataclass as records; anything else ``{"#unserializable": repr}``.

The action of each step and its parameters are written in the variables
``mbt::actionTaken`` and ``mbt::nondetPicks`` (Quint's names), so a trace loads
back by replaying those steps against the spec: the states it gives are the
spec's own, and a round trip is exact.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ahvlab.checker.errors import SpecLoadError
from ahvlab.checker.output import safe_write_text
from ahvlab.checker.spec import Spec
from ahvlab.checker.trace import Step, Trace

ACTION_VAR = "mbt::actionTaken"
PICKS_VAR = "mbt::nondetPicks"
INIT_ACTION = "init"
MAX_SAFE = 2**53 - 1


def encode(value: Any) -> Any:
    """A Python value as an ITF JSON value."""
    if value is None:
        return {"#unserializable": "None"}
    if isinstance(value, bool | str):
        return value
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, int):
        return value if -MAX_SAFE <= value <= MAX_SAFE else {"#bigint": str(value)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {f: encode(getattr(value, f)) for f in value._fields}
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if isinstance(value, frozenset | set):
        items = [encode(v) for v in value]
        return {"#set": sorted(items, key=_order)}
    if isinstance(value, Mapping):
        return {"#map": sorted(([encode(k), encode(v)] for k, v in value.items()), key=_order)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return {"#unserializable": repr(value)}


def _order(v: Any) -> str:
    return json.dumps(v, sort_keys=True)


def decode(value: Any) -> Any:
    """An ITF JSON value as a plain Python value (records become dicts, sequences tuples)."""
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"ITF has no floating-point numbers: {value}")
    if isinstance(value, list):
        return tuple(decode(v) for v in value)
    if isinstance(value, dict):
        if "#bigint" in value:
            return int(value["#bigint"])
        if "#tup" in value:
            return tuple(decode(v) for v in value["#tup"])
        if "#set" in value:
            return frozenset(decode(v) for v in value["#set"])
        if "#map" in value:
            return {decode(k): decode(v) for k, v in value["#map"]}
        if "#unserializable" in value:
            return None if value["#unserializable"] == "None" else value["#unserializable"]
        return {k: decode(v) for k, v in value.items()}
    raise ValueError(f"not an ITF value: {value!r}")


def normalise(value: Any) -> Any:
    """Canonical JSON-comparable form of an ITF value (``#tup`` and arrays alike, integers unboxed, sets sorted)."""
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, dict):
        if "#bigint" in value:
            return int(value["#bigint"])
        if "#tup" in value:
            return [normalise(v) for v in value["#tup"]]
        if "#set" in value:
            return {"#set": sorted((normalise(v) for v in value["#set"]), key=_order)}
        if "#map" in value:
            return {"#map": sorted(([normalise(k), normalise(v)] for k, v in value["#map"]), key=_order)}
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def trace_to_itf(
    spec: Spec,
    trace: Trace,
    *,
    source: str | None = None,
    status: str | None = None,
    description: str | None = None,
    extra_meta: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A trace as an ITF object (``json.dump`` it to a ``.itf.json`` file)."""
    states = []
    variables: list[str] = []
    for i, step in enumerate(trace.steps):
        shown = spec.format_state(step.state)
        if not variables:
            variables = list(shown)
        obj: dict[str, Any] = {"#meta": {"index": i}}
        t = spec.time_of(step.state)
        if t is not None:
            obj["#meta"]["time"] = t
        for name, value in shown.items():
            obj[name] = encode(value)
        obj[ACTION_VAR] = step.action or INIT_ACTION
        obj[PICKS_VAR] = {k: encode(v) for k, v in step.params.items()}
        states.append(obj)
    meta: dict[str, Any] = {
        "format": "ITF",
        "generator": "ahvlab",
        "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
        "source": source or spec.name,
        "description": description or f"trace of {spec.name} written by ahvlab",
        "timestamp": int(time.time()),
        "spec": spec.name,
        "parameters": {k: encode(v) for k, v in spec.parameters().items()},
    }
    if status:
        meta["status"] = status
    if extra_meta:
        meta.update(extra_meta)
    out: dict[str, Any] = {
        "#meta": meta,
        "params": list(spec.parameters()),
        "vars": [*variables, ACTION_VAR, PICKS_VAR],
        "states": states,
    }
    if trace.loop is not None:
        out["loop"] = trace.loop
    return out


def write_itf(path: str | Path, spec: Spec, trace: Trace, *, force: bool = False, **meta: Any) -> None:
    """Write a trace to ``path`` as ITF JSON (never over a file ahvlab did not write, unless ``force``)."""
    safe_write_text(path, json.dumps(trace_to_itf(spec, trace, **meta), indent=2) + "\n", force=force)


@dataclass(frozen=True)
class ItfTrace:
    """An ITF file as read, before it is matched against a spec."""

    meta: dict[str, Any]
    vars: list[str]
    states: list[dict[str, Any]]
    loop: int | None
    file: str = "<itf>"

    def actions(self) -> list[tuple[str | None, dict[str, Any] | None]]:
        """The recorded action and parameters of each state, where the file has them."""
        out: list[tuple[str | None, dict[str, Any] | None]] = []
        for st in self.states:
            name = st.get(ACTION_VAR)
            picks = st.get(PICKS_VAR)
            out.append(
                (
                    name if isinstance(name, str) and name != INIT_ACTION else None,
                    {k: decode(v) for k, v in picks.items()} if isinstance(picks, dict) else None,
                )
            )
        return out


def read_itf(path: str | Path) -> ItfTrace:
    """Read and validate an ITF file; a malformed one raises :class:`SpecLoadError` naming the file."""
    name = str(path)
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise SpecLoadError(f"cannot read trace: {exc.strerror}", file=name) from exc
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecLoadError(f"not JSON: {exc.msg}", file=name, line=exc.lineno) from exc
    return parse_itf(obj, name)


def parse_itf(obj: Any, name: str = "<itf>") -> ItfTrace:
    """Validate an ITF object already parsed from JSON."""
    if not isinstance(obj, dict):
        raise SpecLoadError("an ITF trace is a JSON object", file=name, expected='{"vars": [...], "states": [...]}')
    variables = obj.get("vars")
    states = obj.get("states")
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        raise SpecLoadError("missing or malformed 'vars'", file=name, key="vars", expected="a list of variable names")
    if not isinstance(states, list) or not states:
        raise SpecLoadError("missing or empty 'states'", file=name, key="states", expected="a non-empty list of states")
    for i, st in enumerate(states):
        if not isinstance(st, dict):
            raise SpecLoadError(f"state {i} is not an object", file=name, key=f"states[{i}]")
        missing = [v for v in variables if v not in st]
        if missing:
            raise SpecLoadError(
                f"state {i} lacks variable {missing[0]!r}", file=name, key=f"states[{i}]", expected="every var"
            )
        try:
            for v in variables:
                decode(st[v])
        except (ValueError, TypeError, KeyError) as exc:
            raise SpecLoadError(f"state {i}: {exc}", file=name, key=f"states[{i}]") from exc
    loop = obj.get("loop")
    if loop is not None and (not isinstance(loop, int) or not 0 <= loop < len(states)):
        raise SpecLoadError(f"'loop' is {loop!r}", file=name, key="loop", expected=f"an index 0..{len(states) - 1}")
    raw_meta = obj.get("#meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    return ItfTrace(meta, variables, states, loop, name)


def _shown(spec: Spec, state: Any, variables: list[str]) -> dict[str, Any]:
    shown = spec.format_state(state)
    return {k: normalise(encode(shown.get(k))) for k in variables}


def trace_from_itf(spec: Spec, itf: ItfTrace) -> Trace:
    """Match an ITF trace against a spec, step by step, and return the spec's own states.

    The recorded action and parameters guide each step where the file has them;
    otherwise any step whose successor shows the same variables is taken.
    """
    variables = [v for v in itf.vars if v not in (ACTION_VAR, PICKS_VAR)]
    wanted = [{k: normalise(st[k]) for k in variables} for st in itf.states]
    hints = itf.actions()
    inits = [s for s in spec.init() if _shown(spec, s, variables) == wanted[0]]
    if not inits:
        raise SpecLoadError(f"state 0 is not an initial state of {spec.name}", file=itf.file, key="states[0]")
    steps = [Step(inits[0])]
    actions = spec.actions()
    for i in range(1, len(wanted)):
        name, picks = hints[i]
        found: Step | None = None
        for act in actions:
            if name is not None and act.name != name:
                continue
            for params, nxt in act.fn(steps[-1].state):
                if picks is not None and name is not None and dict(params) != picks:
                    continue
                if _shown(spec, nxt, variables) == wanted[i]:
                    found = Step(nxt, act.name, dict(params))
                    break
            if found:
                break
        if found is None:
            what = f" by {spec.format_step(name, picks or {})}" if name else ""
            raise SpecLoadError(
                f"state {i} is not reachable from state {i - 1}{what} in {spec.name}", file=itf.file, key=f"states[{i}]"
            )
        steps.append(found)
    return Trace(tuple(steps), itf.loop)


def load_trace(spec: Spec, path: str | Path) -> Trace:
    """Read an ITF file and replay it against ``spec``."""
    return trace_from_itf(spec, read_itf(path))
