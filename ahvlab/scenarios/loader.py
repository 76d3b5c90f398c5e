"""Reading a scenario file: TOML in, a checked :class:`Scenario` out, or one clear :class:`SpecLoadError`.

Every problem names the file, the line (tomllib's for syntax errors, the key's own
line found by :mod:`ahvlab.scenarios.locate` otherwise), the key and what was
expected. The format is documented in docs/scenarios.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import re
import stat
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ahvlab.checker.env import state_env
from ahvlab.checker.errors import SpecLoadError, UserError, toml_error_place
from ahvlab.checker.expr import Expr, ExprError
from ahvlab.checker.expr import parse as parse_expr
from ahvlab.checker.loader import load_spec
from ahvlab.checker.session import Session, SessionError
from ahvlab.checker.spec import Spec
from ahvlab.checker.trace import Step
from ahvlab.model import MUTATIONS, AHVSpec, Config, config_from_dict, default_config
from ahvlab.model.config import HA_MODES
from ahvlab.scenarios.locate import Locator

TICK = "tick"
"""The action a ``wait = true`` step takes: the model's jump to its next deadline."""
WAIT = "wait"
"""The action a ``wait = 10`` step takes: the AHV model lets that many seconds pass (its config ``waits``)."""

_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_TIME_AT = re.compile(r"^\s*T\s*\+\s*(\d+(?:\.\d+)?)\s*$")


class ScriptError(SpecLoadError):
    """A scripted step that the model does not allow (the scenario and the model disagree)."""


@dataclass(frozen=True)
class ScriptStep:
    """One scripted step: an action with (some of) its parameters, and what the teacher says about it."""

    number: int
    """1-based; step 0 is the initial state."""
    action: str
    params: Mapping[str, Any]
    say: str
    time: float | None
    """When set, the model time after this step must be T+time."""
    line: int | None


@dataclass(frozen=True)
class Checkpoint:
    """An expression over the state that must be true at a step (a number, ``"end"`` or ``"T+60"``)."""

    at: int | str
    expr: Expr
    say: str
    line: int | None

    @property
    def label(self) -> str:
        where = f"step {self.at}" if isinstance(self.at, int) else ("the end" if self.at == "end" else self.at)
        return f"at {where}: {self.expr.text}"


@dataclass(frozen=True)
class Check:
    """A run of the checker with the verdict it must give."""

    name: str
    invariants: tuple[str, ...] | None
    """None: every invariant of the spec."""
    expect: str
    """``holds`` or ``fails`` for invariants; ``found`` or ``absent`` for an example."""
    mutations: tuple[str, ...]
    depth: int | None
    max_states: int | None
    start: int | str
    """Where the search starts: 0 (the initial state), a step number, or ``"end"`` of the script."""
    length: int | None
    """For ``fails``: the exact number of steps of the shortest counterexample."""
    distinct_states: int | None
    """When set, the exact number of distinct states the search must find."""
    deadlock: bool
    line: int | None
    example: str | None = None
    """A ``sometimes`` property of the spec: a state that some behaviour reaches."""


@dataclass
class Scenario:
    """A classroom walkthrough: a cluster, a script with narration, checkpoints and checks."""

    name: str
    title: str
    goal: str
    subsystems: tuple[str, ...]
    file: str
    mutations: tuple[str, ...]
    steps: tuple[ScriptStep, ...]
    checkpoints: tuple[Checkpoint, ...]
    checks: tuple[Check, ...]
    intro: str = ""
    config: Config | None = None
    """The AHV model's Config (None for a scenario over another spec)."""
    target: str | None = None
    """``file.py:Class`` when the scenario is over a spec other than the AHV model."""
    constants: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""

    # -- the spec --------------------------------------------------------------

    @cached_property
    def spec(self) -> Spec:
        """The spec the script walks: the AHV model built from the config and mutations."""
        return self.spec_with(())

    def spec_with(self, extra_mutations: Sequence[str]) -> Spec:
        """The spec with more mutations switched on (a check's what-if)."""
        if self.target is not None:
            if extra_mutations:
                raise SpecLoadError("mutations apply to the AHV model only", file=self.file, key="mutations")
            return _load_target(self.target, self.constants, self.file)
        config = self.config
        assert config is not None, "a scenario without spec = ... has a cluster config"
        try:
            if extra_mutations:
                config = config.with_mutations(*extra_mutations)
            spec: Spec = AHVSpec(config)
        except UserError as exc:
            exc.file = exc.file or self.file  # the model knows the key, the scenario knows the file
            raise
        except Exception as exc:
            raise SpecLoadError(f"the AHV model rejected this config: {exc}", file=self.file, key="cluster") from exc
        return spec

    # -- the script ------------------------------------------------------------

    @cached_property
    def played(self) -> tuple[tuple[Step, ...], dict[int, str]]:
        """The script played on the spec: its steps (0 = initial state) and narration per step."""
        return play(self, self.spec)

    def session(self) -> Session:
        """A session whose trace is the script, with its narration, cursor at the initial state."""
        steps, narration = self.played
        session = Session(self.spec, list(steps), 0, dict(narration))
        return session

    def step_index(self, at: int | str) -> int:
        """The step index a checkpoint's ``at`` designates."""
        steps, _ = self.played
        if isinstance(at, int):
            return at
        if at == "end":
            return len(steps) - 1
        m = _TIME_AT.match(at)
        assert m is not None
        want = float(m.group(1))
        hits = [i for i, st in enumerate(steps) if self.spec.time_of(st.state) == want]
        if not hits:
            times = sorted({t for st in steps if (t := self.spec.time_of(st.state)) is not None})
            shown = ", ".join(f"T+{t:g}" for t in times) or "none (the spec has no time)"
            raise ScriptError(f"no step of the script is at {at}; the script's times are: {shown}", file=self.file)
        return hits[-1]


def play(scenario: Scenario, spec: Spec) -> tuple[tuple[Step, ...], dict[int, str]]:
    """Take the scripted steps one by one; a step that is not enabled raises :class:`ScriptError` saying why."""
    try:
        session = Session(spec)
    except SessionError as exc:
        raise ScriptError(str(exc), file=scenario.file) from exc
    except Exception as exc:
        raise ScriptError(f"the spec's init raised {type(exc).__name__}: {exc}", file=scenario.file) from exc
    narration: dict[int, str] = {}
    if scenario.intro:
        narration[0] = scenario.intro
    for st in scenario.steps:
        try:
            choice = session.find(st.action, st.params)
        except SessionError as exc:
            raise ScriptError(
                f"step {st.number} ({spec.format_step(st.action, st.params)}) cannot be taken: {exc}"
                + _context(session, st.action),
                file=scenario.file,
                line=st.line,
                key=f"step[{st.number}]",
            ) from exc
        except UserError:
            raise
        except Exception as exc:
            # A bug in a user's spec surfaces here; say where, without a traceback.
            raise ScriptError(
                f"step {st.number}: the spec raised {type(exc).__name__} while listing the enabled actions: {exc}",
                file=scenario.file,
                line=st.line,
                key=f"step[{st.number}]",
            ) from exc
        session.do(choice)
        if st.say:
            narration[st.number] = st.say
        if st.time is not None:
            now = spec.time_of(session.state)
            if now != st.time:
                shown = "untimed" if now is None else f"T+{now:g}"
                raise ScriptError(
                    f"step {st.number} ({session.label(st.number)}) is at {shown}, not T+{st.time:g}",
                    file=scenario.file,
                    line=st.line,
                    key=f"step[{st.number}].time",
                )
    return tuple(session.steps), narration


def _context(session: Session, action: str) -> str:
    """When an action is not enabled at all: the time, and what could happen instead (so the script can be fixed)."""
    try:
        choices = session.enabled()
    except Exception:
        return ""  # the error being reported matters more than this extra context
    if any(c.action == action for c in choices):
        return ""  # Session.find already listed the enabled variants of this action
    moves = list(dict.fromkeys(c.label for c in choices if c.state != session.state))
    t = session.time()
    when = f"at T+{t:g} " if t is not None else ""
    if not moves:
        return f"; {when}only stuttering steps are enabled"
    shown = "; ".join(moves[:8]) + ("; ..." if len(moves) > 8 else "")
    return f"; {when}the steps that can happen are: {shown}"


# -- reading the file ------------------------------------------------------------

_TOP = {"scenario", "cluster", "constants", "step", "checkpoint", "check"}
_SCENARIO_KEYS = {"name", "title", "goal", "subsystems", "intro", "spec", "mutations", "ha_mode"}
_STEP_KEYS = {"do", "with", "wait", "say", "time"}
_CHECKPOINT_KEYS = {"at", "expect", "say"}
_CHECK_KEYS = {
    "name",
    "invariant",
    "invariants",
    "expect",
    "mutations",
    "depth",
    "max_states",
    "from",
    "length",
    "distinct_states",
    "deadlock",
    "example",
}


class _Reader:
    """Typed access to the parsed TOML, raising errors that point at the key's line."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.where = Locator(text)

    def fail(self, path: tuple[str | int, ...], message: str, expected: str | None = None) -> SpecLoadError:
        return SpecLoadError(
            message, file=self.file, line=self.where.line_of(path), key=_show_path(path), expected=expected
        )

    def table(self, value: Any, path: tuple[str | int, ...], keys: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"is {_kind(value)}", "a table")
        for k in value:
            if k not in keys:
                close = difflib.get_close_matches(k, sorted(keys), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise self.fail((*path, k), f"unknown key{hint}", f"one of: {', '.join(sorted(keys))}")
        return value

    def tables(self, data: dict[str, Any], name: str, keys: set[str]) -> list[dict[str, Any]]:
        value = data.get(name, [])
        if isinstance(value, dict):
            raise self.fail((name,), "is a single table", f"[[{name}]] (an array of tables, one per {name})")
        if not isinstance(value, list):
            raise self.fail((name,), f"is {_kind(value)}", f"[[{name}]] tables")
        return [self.table(v, (name, i), keys) for i, v in enumerate(value)]

    def text(self, t: dict[str, Any], path: tuple[str | int, ...], *, required: bool = False, default: str = "") -> str:
        if path[-1] not in t:
            if required:
                raise self.fail(path[:-1], f"the key {path[-1]!r} is missing", "a string")
            return default
        v = t[path[-1]]
        if not isinstance(v, str):
            raise self.fail(path, f"is {_kind(v)}", "a string in quotes")
        return v

    def names(self, t: dict[str, Any], path: tuple[str | int, ...]) -> tuple[str, ...]:
        v = t.get(str(path[-1]), [])
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise self.fail(path, f"is {_kind(v)}", 'a list of names, e.g. ["a", "b"]')
        return tuple(v)

    def count(self, t: dict[str, Any], path: tuple[str | int, ...], *, minimum: int = 1) -> int | None:
        if path[-1] not in t:
            return None
        v = t[path[-1]]
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise self.fail(path, f"is {v!r}", f"a whole number >= {minimum}")
        return v


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return f"a boolean ({str(v).lower()})"
    if isinstance(v, int | float):
        return f"a number ({v})"
    if isinstance(v, str):
        return f"a string ({v!r})"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a table"
    return f"a {type(v).__name__}"


def _show_path(path: tuple[str | int, ...]) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p + 1}]"
        else:
            out += ("." if out else "") + p
    return out


def _load_target(target: str, constants: Mapping[str, Any], file: str) -> Spec:
    base = Path(file).parent
    path, sep, cls = target.rpartition(":")
    if sep and path.endswith(".py") and not Path(path).is_absolute():
        target = f"{base / path}:{cls}"
    try:
        return load_spec(target, dict(constants))
    except SpecLoadError:
        raise
    except UserError as exc:
        raise SpecLoadError(str(exc), file=file, key="scenario.spec") from exc
    except Exception as exc:
        raise SpecLoadError(
            f"cannot build {target}: {type(exc).__name__}: {exc}", file=file, key="scenario.spec"
        ) from exc


def _syntax_error(exc: tomllib.TOMLDecodeError, file: str, source: str) -> SpecLoadError:
    text, line, column = toml_error_place(exc, source)
    if column is not None:
        text += f" (column {column})"
    return SpecLoadError(
        f"TOML syntax error: {text}", file=file, line=line, expected="valid TOML, see docs/scenarios.md"
    )


def parse_scenario(text: str, file: str = "<scenario>", *, name: str | None = None) -> Scenario:
    """Build a scenario from TOML text; every problem is one :class:`SpecLoadError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, file, text) from None
    except (ValueError, RecursionError) as exc:
        raise SpecLoadError(f"TOML error: {exc}", file=file, expected="valid TOML") from None
    try:
        return _build(_Reader(file, text), data, text, name or Path(file).stem)
    except SpecLoadError:
        raise
    except RecursionError:
        raise SpecLoadError("the file is nested too deeply", file=file) from None


def _build(r: _Reader, data: dict[str, Any], text: str, default_name: str) -> Scenario:
    for k in data:
        if k not in _TOP:
            close = difflib.get_close_matches(k, sorted(_TOP), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise r.fail((k,), f"unknown table{hint}", "[scenario], [cluster], [[step]], [[checkpoint]], [[check]]")
    if "scenario" not in data:
        raise SpecLoadError(
            "the [scenario] table is missing", file=r.file, line=1, key="scenario", expected="title and goal"
        )
    head = r.table(data["scenario"], ("scenario",), _SCENARIO_KEYS)
    name = r.text(head, ("scenario", "name"), default=default_name)
    if not _NAME.match(name):
        raise r.fail(("scenario", "name"), f"{name!r} is not a scenario name", "lower-case letters, digits, - and _")
    title = r.text(head, ("scenario", "title"), required=True)
    goal = r.text(head, ("scenario", "goal"), required=True)
    intro = r.text(head, ("scenario", "intro"))
    subsystems = r.names(head, ("scenario", "subsystems"))
    mutations = r.names(head, ("scenario", "mutations"))
    target = r.text(head, ("scenario", "spec")) or None
    ha_mode = r.text(head, ("scenario", "ha_mode")) or None

    cluster = data.get("cluster")
    if cluster is not None and not isinstance(cluster, dict):
        raise r.fail(("cluster",), f"is {_kind(cluster)}", "a [cluster] table")
    constants = data.get("constants", {})
    if not isinstance(constants, dict):
        raise r.fail(("constants",), f"is {_kind(constants)}", "a [constants] table")

    steps = tuple(_step(r, i, t) for i, t in enumerate(r.tables(data, "step", _STEP_KEYS)))
    checkpoints = tuple(
        _checkpoint(r, i, t, len(steps)) for i, t in enumerate(r.tables(data, "checkpoint", _CHECKPOINT_KEYS))
    )
    checks = tuple(_check(r, i, t, len(steps)) for i, t in enumerate(r.tables(data, "check", _CHECK_KEYS)))

    config = None
    if target is None:
        if constants:
            raise r.fail(("constants",), "applies only to a scenario with spec = 'file.py:Class'", "[cluster]")
        config = _config(r, cluster, mutations, ha_mode)
        # A ``wait = 10`` step needs the model to offer that wait: the script's durations join the config's.
        waits = {int(st.params["seconds"]) for st in steps if st.action == WAIT}
        if waits - set(config.waits):
            config = dataclasses.replace(config, waits=tuple(sorted(waits | set(config.waits))))
    else:
        if cluster is not None:
            raise r.fail(("cluster",), "applies to the AHV model only", "no [cluster] with spec = ...")
        if mutations or ha_mode:
            key = "mutations" if mutations else "ha_mode"
            raise r.fail(("scenario", key), "applies to the AHV model only", "no mutations with spec = ...")
        if any(c.mutations for c in checks):
            i = next(i for i, c in enumerate(checks) if c.mutations)
            raise r.fail(("check", i, "mutations"), "applies to the AHV model only", "no mutations with spec = ...")
    scenario = Scenario(
        name=name,
        title=title,
        goal=goal,
        subsystems=subsystems,
        file=r.file,
        mutations=mutations,
        steps=steps,
        checkpoints=checkpoints,
        checks=checks,
        intro=intro,
        config=config,
        target=target,
        constants=constants,
        text=text,
    )
    _check_names(r, scenario)
    return scenario


def _step(r: _Reader, i: int, t: dict[str, Any]) -> ScriptStep:
    path: tuple[str | int, ...] = ("step", i)
    wait = t.get("wait", False)
    seconds = None
    if not isinstance(wait, bool):
        if not isinstance(wait, int) or wait < 1:
            raise r.fail(
                (*path, "wait"), f"is {_kind(wait)}", "true (jump to the next deadline) or a number of seconds >= 1"
            )
        seconds, wait = wait, True
    if wait and "do" in t:
        raise r.fail(
            (*path, "wait"), "a step either waits or does an action, not both", "either do = ... or wait = true"
        )
    if seconds is not None:
        if "with" in t:
            raise r.fail((*path, "with"), "a step that waits takes no parameters", "wait = 10 alone")
        action = WAIT
    elif wait:
        action = TICK
    else:
        action = r.text(t, (*path, "do"), required=True)
        if not action.isidentifier():
            raise r.fail((*path, "do"), f"{action!r} is not an action name", "a name like crash_cvm")
    params = t.get("with", {})
    if not isinstance(params, dict):
        raise r.fail((*path, "with"), f"is {_kind(params)}", "a table of parameters, e.g. with = { host = 2 }")
    for k, v in params.items():
        if isinstance(v, dict | list):
            raise r.fail((*path, "with"), f"parameter {k!r} is {_kind(v)}", "a number, string or boolean")
    time = t.get("time")
    if time is not None and (isinstance(time, bool) or not isinstance(time, int | float) or time < 0):
        raise r.fail((*path, "time"), f"is {_kind(time)}", "the model time in seconds after this step, e.g. 60")
    say = r.text(t, (*path, "say"))
    if seconds is not None:
        params = {"seconds": seconds}
    return ScriptStep(i + 1, action, dict(params), say, None if time is None else float(time), r.where.line_of(path))


def _at(r: _Reader, path: tuple[str | int, ...], v: Any, nsteps: int, *, what: str) -> int | str:
    if isinstance(v, bool) or not isinstance(v, int | str):
        raise r.fail(path, f"is {_kind(v)}", f'a step number 0..{nsteps}, "end" or "T+60"')
    if isinstance(v, int):
        if not 0 <= v <= nsteps:
            raise r.fail(path, f"there is no step {v}: the script has steps 0..{nsteps}", f"a number 0..{nsteps}")
        return v
    if v == "end" or (what == "checkpoint" and _TIME_AT.match(v)):
        return v
    alts = '"end" or "T+60"' if what == "checkpoint" else '"end"'
    raise r.fail(path, f"{v!r} is not a step", f"a step number 0..{nsteps}, {alts}")


def _checkpoint(r: _Reader, i: int, t: dict[str, Any], nsteps: int) -> Checkpoint:
    path: tuple[str | int, ...] = ("checkpoint", i)
    if "at" not in t:
        raise r.fail(path, "the key 'at' is missing", f'a step number 0..{nsteps}, "end" or "T+60"')
    at = _at(r, (*path, "at"), t["at"], nsteps, what="checkpoint")
    source = r.text(t, (*path, "expect"), required=True)
    try:
        expr = parse_expr(source)
    except ExprError as exc:
        raise r.fail((*path, "expect"), f"bad expression: {exc}", "an expression, see docs/scenarios.md") from None
    return Checkpoint(at, expr, r.text(t, (*path, "say")), r.where.line_of(path))


def _check(r: _Reader, i: int, t: dict[str, Any], nsteps: int) -> Check:
    path: tuple[str | int, ...] = ("check", i)
    if "invariant" in t and "invariants" in t:
        raise r.fail((*path, "invariant"), "give either invariant or invariants", "one of them")
    key = "invariant" if "invariant" in t else "invariants"
    invariants = r.names(t, (*path, key)) if key in t else None
    if invariants is not None and not invariants:
        raise r.fail((*path, key), "is empty", "at least one invariant name (leave the key out for all)")
    example = r.text(t, (*path, "example")) or None
    if example is not None and invariants is not None:
        raise r.fail((*path, "example"), "a check is about an example or about invariants", "not both")
    expect = r.text(t, (*path, "expect"), required=True)
    verdicts = ("found", "absent") if example else ("holds", "fails")
    if expect not in verdicts:
        raise r.fail((*path, "expect"), f"{expect!r} is not a verdict", f'"{verdicts[0]}" or "{verdicts[1]}"')
    mutations = r.names(t, (*path, "mutations"))
    start = _at(r, (*path, "from"), t.get("from", 0), nsteps, what="check")
    length = r.count(t, (*path, "length"), minimum=0)
    if length is not None and expect not in ("fails", "found"):
        raise r.fail((*path, "length"), "is the length of a counterexample or example", 'expect = "fails" or "found"')
    deadlock = t.get("deadlock", False)
    if not isinstance(deadlock, bool):
        raise r.fail((*path, "deadlock"), f"is {_kind(deadlock)}", "true or false")
    default = f"example {example}" if example else ", ".join(invariants) if invariants else "invariants"
    name = r.text(
        t, (*path, "name"), default=f"{default} {expect}" + (f" ({', '.join(mutations)})" if mutations else "")
    )
    return Check(
        name=name,
        invariants=invariants,
        expect=expect,
        mutations=mutations,
        depth=r.count(t, (*path, "depth")),
        max_states=r.count(t, (*path, "max_states")),
        start=start,
        length=length,
        distinct_states=r.count(t, (*path, "distinct_states")),
        deadlock=deadlock,
        line=r.where.line_of(path),
        example=example,
    )


def _config(r: _Reader, cluster: dict[str, Any] | None, mutations: tuple[str, ...], ha_mode: str | None) -> Config:
    known = MUTATIONS
    for m in mutations:
        if m not in known:
            close = difflib.get_close_matches(m, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise r.fail(("scenario", "mutations"), f"unknown mutation {m!r}{hint}", f"one of: {', '.join(known)}")
    try:
        config = default_config() if cluster is None else config_from_dict(cluster, source=r.file)
    except SpecLoadError as exc:
        if exc.line is None and exc.key:
            exc.line = r.where.line_of(("cluster", *_key_path(exc.key)))
            exc.file = exc.file or r.file
        raise
    except UserError as exc:
        raise SpecLoadError(str(exc), file=r.file, line=r.where.line_of(("cluster",)), key="cluster") from exc
    except Exception as exc:
        raise r.fail(("cluster",), f"is not a valid cluster: {type(exc).__name__}: {exc}") from exc
    changes: dict[str, Any] = {}
    if mutations:
        changes["mutations"] = frozenset(config.mutations) | frozenset(mutations)
    if ha_mode is not None:
        # Checked here, where the key's line is known (the model would check it later, with no file or line).
        if ha_mode not in HA_MODES:
            raise r.fail(("scenario", "ha_mode"), f"unknown HA mode {ha_mode!r}", " or ".join(HA_MODES))
        changes["ha_mode"] = ha_mode
    if changes:
        try:
            config = dataclasses.replace(config, **changes)
        except (TypeError, ValueError) as exc:
            raise r.fail(("scenario", "ha_mode"), f"cannot be applied: {exc}") from exc
    return config


def _key_path(key: str) -> tuple[str | int, ...]:
    """The model's key ``vms[2].memory`` (1-based) as a locator path ``("vms", 1, "memory")``."""
    out: list[str | int] = []
    for part in key.split("."):
        m = re.fullmatch(r"(.+)\[(\d+)\]", part)
        if m:
            out += [m.group(1), int(m.group(2)) - 1]
        else:
            out.append(part)
    return tuple(out)


def _check_names(r: _Reader, scenario: Scenario) -> None:
    """Catch a misspelt variable, action or invariant at load time, where the line is known."""
    spec = scenario.spec
    try:
        inits = list(spec.init())
    except Exception as exc:
        raise SpecLoadError(f"the spec has no initial state: {exc}", file=r.file) from exc
    if not inits:
        raise SpecLoadError("the spec has no initial state", file=r.file)
    try:
        names = set(state_env(spec, inits[0]))
    except UserError:
        raise
    except Exception as exc:
        raise SpecLoadError(
            f"the spec raised {type(exc).__name__} while naming its initial state's variables: {exc}", file=r.file
        ) from exc
    for i, cp in enumerate(scenario.checkpoints):
        for n in sorted(cp.expr.names() - names):
            close = difflib.get_close_matches(n, sorted(names), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise r.fail(
                ("checkpoint", i, "expect"), f"unknown name {n!r}{hint}", f"one of: {', '.join(sorted(names))}"
            )
    actions = [a.name for a in spec.actions()]
    for i, st in enumerate(scenario.steps):
        if st.action not in actions:
            close = difflib.get_close_matches(st.action, actions, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            if scenario.config is not None and st.action in _all_ahv_actions():
                hint = " in this cluster: its [cluster] failures or submodels leave it out"
            key = "wait" if st.action in (TICK, WAIT) else "do"
            raise r.fail(
                ("step", i, key), f"the model has no action {st.action!r}{hint}", f"one of: {', '.join(actions)}"
            )
    invariants = [inv.name for inv in spec.invariants()]
    examples = [p.name for p in spec.properties() if p.kind == "sometimes"]
    for i, check in enumerate(scenario.checks):
        if check.example is not None and check.example not in examples:
            close = difflib.get_close_matches(check.example, examples, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise r.fail(
                ("check", i, "example"),
                f"the spec has no example {check.example!r}{hint}",
                f"one of: {', '.join(examples) or 'none'}",
            )
        for n in check.invariants or ():
            if n not in invariants:
                close = difflib.get_close_matches(n, invariants, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                key = "invariant" if ("check", i, "invariant") in r.where.keys else "invariants"
                raise r.fail(("check", i, key), f"unknown invariant {n!r}{hint}", f"one of: {', '.join(invariants)}")
        if check.mutations and scenario.target is None:
            known = MUTATIONS
            for m in check.mutations:
                if m not in known:
                    close = difflib.get_close_matches(m, sorted(known), n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    raise r.fail(
                        ("check", i, "mutations"), f"unknown mutation {m!r}{hint}", f"one of: {', '.join(known)}"
                    )


def _all_ahv_actions() -> set[str]:
    """Every action the AHV model has when all its failures and sub-models are on."""
    return {a.name for a in AHVSpec(default_config()).actions()}


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file."""
    p = Path(path)
    if p.is_dir():
        raise SpecLoadError("is a folder", file=str(p), expected="a scenario .toml file")
    with contextlib.suppress(OSError, ValueError):
        # A FIFO or a device named by mistake would block the read, or never end.
        if not stat.S_ISREG(p.stat().st_mode):
            raise SpecLoadError("is not a regular file (a FIFO or a device)", file=str(p), expected="a .toml file")
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise SpecLoadError("no such file", file=str(p), expected="a scenario .toml file or a bundled name") from None
    except OSError as exc:
        raise SpecLoadError(f"cannot read it: {exc.strerror}", file=str(p)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecLoadError("is not UTF-8 text", file=str(p), line=line, expected="a UTF-8 TOML file") from None
    return parse_scenario(text, str(p))
