"""ITF: the Informal Trace Format of Apalache and Quint (ADR-015).

Values map one way: bool and str as JSON; int as a JSON number within
+-(2**53 - 1), else ``{"#bigint": "..."}``; a finite float as a JSON number
written with a fraction or exponent (``0.25``, ``2.0``), read back as that very
float; tuple as a sequence (JSON array);
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
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ahvlab.checker.errors import SpecLoadError
from ahvlab.checker.output import read_user_text, safe_write_text
from ahvlab.checker.spec import Spec
from ahvlab.checker.trace import Step, Trace, fingerprint_key

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
    if isinstance(value, float) and math.isfinite(value):
        # json.dumps writes repr(value), which reads back as the same float, and always
        # with a "." or an exponent, so a reader never takes it for an integer.
        return value
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
    """An ITF JSON value as a plain Python value (records become dicts, sequences tuples).

    A JSON number with a fraction or an exponent stays a float, so floats round-trip
    exactly; booleans stay booleans (``true`` is never the integer 1).
    """
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value}")
        return value
    if isinstance(value, list):
        return tuple(decode(v) for v in value)
    if isinstance(value, dict):
        if "#bigint" in value:
            return _bigint(value["#bigint"])
        if "#tup" in value:
            return tuple(decode(v) for v in _array(value, "#tup"))
        if "#set" in value:
            return frozenset(decode(v) for v in _array(value, "#set"))
        if "#map" in value:
            return {decode(k): decode(v) for k, v in _pairs(value["#map"])}
        if "#unserializable" in value:
            return None if value["#unserializable"] == "None" else value["#unserializable"]
        return {k: decode(v) for k, v in value.items()}
    raise ValueError(f"not an ITF value: {value!r}")


def _bigint(text: Any) -> int:
    if not isinstance(text, str):
        raise ValueError(f"#bigint holds {type(text).__name__}, not a string of digits")
    return int(text)


def _array(value: dict[str, Any], tag: str) -> list[Any]:
    items = value[tag]
    if not isinstance(items, list):
        raise ValueError(f"{tag} holds {type(items).__name__}, not an array")
    return items


def _pairs(items: Any) -> list[Any]:
    if not isinstance(items, list) or not all(isinstance(p, list) and len(p) == 2 for p in items):
        raise ValueError("#map holds something other than [key, value] pairs")
    return items


def normalise(value: Any) -> Any:
    """Canonical form of an ITF value (``#tup`` and arrays alike, integers unboxed, sets and maps sorted).

    Compare normalised values with :func:`value_key`, not ``==``: Python's ``True == 1``
    and ``1 == 1.0`` would let a trace of integers stand for one of booleans.
    """
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, dict):
        if "#bigint" in value:
            return _bigint(value["#bigint"])
        if "#tup" in value:
            return [normalise(v) for v in _array(value, "#tup")]
        if "#set" in value:
            return {"#set": sorted((normalise(v) for v in _array(value, "#set")), key=_order)}
        if "#map" in value:
            return {"#map": sorted(([normalise(k), normalise(v)] for k, v in _pairs(value["#map"])), key=_order)}
        return {k: normalise(v) for k, v in value.items()}
    return value


def value_key(value: Any) -> str:
    """A type-aware comparison key of ITF values: equal keys mean equal values, and ``true`` differs from ``1``."""
    return json.dumps(normalise(value), sort_keys=True)


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
    text = json.dumps(trace_to_itf(spec, trace, **meta), indent=2) + "\n"
    safe_write_text(path, text, kind="itf", force=force)


def itf_name(pattern: str, name: str) -> str:
    """The file of one violation under ``check --continue --itf PATTERN``.

    ``{name}`` in the pattern is replaced by the property's name (``cex-{name}.itf.json``);
    otherwise the name goes before the extension: ``cex.itf.json`` -> ``cex.no_phantom_vm.itf.json``.
    """
    if "{name}" in pattern:
        return pattern.replace("{name}", name)
    for ext in (".itf.json", ".json"):
        if pattern.endswith(ext):
            return f"{pattern[: -len(ext)]}.{name}{ext}"
    return f"{pattern}.{name}.itf.json"


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
    text = read_user_text(name, what="trace")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecLoadError(f"not JSON: {exc.msg}", file=name, line=exc.lineno) from None
    except RecursionError:
        raise SpecLoadError("not a trace: its JSON is nested too deeply", file=name) from None
    except ValueError as exc:
        # e.g. an integer of more digits than Python converts
        raise SpecLoadError(f"not a usable JSON value: {exc}", file=name) from None
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
        for v in variables:
            _check_value(st[v], name, f"states[{i}].{v}")
        picks = st.get(PICKS_VAR)
        if PICKS_VAR not in variables and picks is not None:
            _check_value(picks, name, f"states[{i}].{PICKS_VAR}")
        if picks is not None and not isinstance(picks, dict):
            raise SpecLoadError("must be an object", file=name, key=f"states[{i}].{PICKS_VAR}")
    loop = obj.get("loop")
    # bool is an int in Python: "loop": true must not pass for index 1.
    if loop is not None and (type(loop) is not int or not 0 <= loop < len(states)):
        raise SpecLoadError(
            f"'loop' is {json.dumps(loop)}", file=name, key="loop", expected=f"an index 0..{len(states) - 1}"
        )
    raw_meta = obj.get("#meta")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    params = meta.get("parameters")
    if params is not None:
        if not isinstance(params, dict):
            raise SpecLoadError("must be an object of constants", file=name, key="#meta.parameters")
        for k, v in params.items():
            _check_value(v, name, f"#meta.parameters.{k}")
    return ItfTrace(meta, variables, states, loop, name)


def _check_value(value: Any, file: str, key: str) -> None:
    """Decode ``value`` once to find a bad one early; the error names where it is."""
    try:
        decode(value)
        normalise(value)
    except RecursionError:
        raise SpecLoadError("nested too deeply", file=file, key=key) from None
    except (ValueError, TypeError) as exc:
        raise SpecLoadError(f"not an ITF value: {exc}", file=file, key=key) from None


def _shown(spec: Spec, state: Any, variables: list[str]) -> str:
    shown = spec.format_state(state)
    return value_key({k: encode(shown.get(k)) for k in variables})


def trace_from_itf(spec: Spec, itf: ItfTrace) -> Trace:
    """Match an ITF trace against a spec, step by step, and return the spec's own states.

    The recorded action and parameters guide each step where the file has them;
    otherwise any step whose successor shows the same variables is taken. Values
    are compared by type as well (``true`` is not ``1``). A ``loop`` must be a real
    lasso: the last state has a step back to the state at ``loop`` (or ``loop`` is the
    last state: stuttering).
    """
    variables = [v for v in itf.vars if v not in (ACTION_VAR, PICKS_VAR)]
    wanted = [value_key({k: st[k] for k in variables}) for st in itf.states]
    hints = [
        (name if isinstance(name, str) and name != INIT_ACTION else None, st.get(PICKS_VAR))
        for st in itf.states
        for name in [st.get(ACTION_VAR)]
    ]
    inits = [s for s in spec.init() if _shown(spec, s, variables) == wanted[0]]
    if not inits:
        raise SpecLoadError(f"state 0 is not an initial state of {spec.name}", file=itf.file, key="states[0]")
    steps = [Step(inits[0])]
    actions = spec.actions()
    for i in range(1, len(wanted)):
        name, picks = hints[i]
        want_picks = value_key(picks) if isinstance(picks, dict) and name is not None else None
        found: Step | None = None
        for act in actions:
            if name is not None and act.name != name:
                continue
            for params, nxt in act.fn(steps[-1].state):
                if want_picks is not None and value_key({k: encode(v) for k, v in params.items()}) != want_picks:
                    continue
                if _shown(spec, nxt, variables) == wanted[i]:
                    found = Step(nxt, act.name, dict(params))
                    break
            if found:
                break
        if found is None:
            shown_picks = {k: decode(v) for k, v in picks.items()} if isinstance(picks, dict) else {}
            what = f" by {spec.format_step(name, shown_picks)}" if name else ""
            raise SpecLoadError(
                f"state {i} is not reachable from state {i - 1}{what} in {spec.name}", file=itf.file, key=f"states[{i}]"
            )
        steps.append(found)
    if itf.loop is not None and itf.loop != len(steps) - 1 and not _steps_back(spec, steps, itf.loop):
        raise SpecLoadError(
            f"the last state (state {len(steps) - 1}) has no step back to state {itf.loop} in {spec.name}",
            file=itf.file,
            key="loop",
            expected="the index of a state the last state steps back to",
        )
    return Trace(tuple(steps), itf.loop)


def _steps_back(spec: Spec, steps: list[Step], loop: int) -> bool:
    # The checker finds loops up to its fingerprint (symmetry, view): compare as it does.
    key = fingerprint_key(spec) or (lambda s: s)
    target = key(steps[loop].state)
    return any(key(nxt) == target for act in spec.actions() for _params, nxt in act.fn(steps[-1].state))


def load_trace(spec: Spec, path: str | Path) -> Trace:
    """Read an ITF file and replay it against ``spec``."""
    return trace_from_itf(spec, read_itf(path))
