"""What every front end opens: a TARGET, a SCENARIO or a TRACE, with mutations and timings, over a checker Session.

``ahvlab check``, ``shell``, ``tui`` and ``trace`` all open their argument here, so a
name means the same thing to each of them. The workbench toggles the AHV model's
mutations and timings (rebuilding the spec and replaying the trace on it), runs the
checker from the current state and saves the trace as ITF. It holds no model logic:
stepping goes through the checker's :class:`Session`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ahvlab.checker.engine import Options
from ahvlab.checker.errors import SpecLoadError, UsageError, UserError
from ahvlab.checker.itf import decode, read_itf, trace_from_itf, write_itf
from ahvlab.checker.loader import load_spec, parse_assignments
from ahvlab.checker.result import Result
from ahvlab.checker.session import Move, Session
from ahvlab.checker.spec import Spec
from ahvlab.model import MUTATIONS, AHVSpec, Config, config_from_parameters, default_config, timings_of, with_timing
from ahvlab.model.mutations import UnknownMutation, mutation
from ahvlab.model.picture import Picture
from ahvlab.scenarios import Scenario, find_scenario

DEFAULT_TARGET = "ahvlab.model:AHVSpec"
"""The TARGET written into traces of the AHV model (its config travels in ``#meta.parameters``)."""


@dataclass
class Workbench:
    """A session with its origin (``source`` rebuilds the spec) and, for the AHV model, its config."""

    session: Session
    title: str
    source: str
    config: Config | None = None
    scenario: Scenario | None = None
    messages: list[str] = field(default_factory=list)

    @property
    def spec(self) -> Spec:
        return self.session.spec

    # -- the AHV model's knobs -------------------------------------------------

    def mutations(self) -> dict[str, tuple[str, bool]]:
        """``{name: (description, switched_on)}``; empty for a spec that is not the AHV model."""
        if self.config is None:
            return {}
        on = self.config.mutations
        return {name: (doc, name in on) for name, doc in MUTATIONS.items()}

    def active_mutations(self) -> list[str]:
        """The mutations switched on, by name."""
        return [name for name, (_doc, on) in self.mutations().items() if on]

    def set_mutation(self, name: str, on: bool) -> int:
        """Switch a mutation and replay the trace on the new spec; returns the steps kept."""
        if self.config is None:
            raise UsageError("mutations belong to the AHV model; this spec has none")
        try:
            m = mutation(name)
        except UnknownMutation as exc:
            raise UsageError(str(exc), expected=f"one of: {', '.join(MUTATIONS)}") from None
        config = self.config.with_mutations(m) if on else self.config.without_mutations(m)
        return self._reconfigure(config)

    def timings(self) -> dict[str, float]:
        """The model's timings in seconds (``{name: seconds}``); empty for other specs."""
        return dict(timings_of(self.config)) if self.config is not None else {}

    def changed_timings(self) -> dict[str, float]:
        """The timings that differ from the default model's (what a what-if changed)."""
        default = timings_of(default_config())
        return {k: v for k, v in self.timings().items() if default.get(k) != v}

    def set_timing(self, name: str, seconds: float) -> int:
        known = self.timings()
        if self.config is None or name not in known:
            raise UsageError(f"unknown timing {name!r}", expected=f"one of: {', '.join(known) or 'none'}")
        if seconds < 0:
            raise UsageError(f"timing {name} must not be negative")
        return self._reconfigure(with_timing(self.config, name, seconds))

    def _reconfigure(self, config: Config) -> int:
        self.config = config
        return self.session.rebase(AHVSpec(config))

    # -- views and actions -----------------------------------------------------

    def picture(self, index: int | None = None) -> Picture | None:
        """The AHV model's picture of a step's state (the cursor's by default), or None for other specs."""
        spec = self.spec
        if not isinstance(spec, AHVSpec):
            return None
        return spec.picture(self.session.steps[self.session.cursor if index is None else index].state)

    def script(self) -> list[Move]:
        """The scenario's script as moves the session can follow (empty when not a scenario)."""
        if self.scenario is None:
            return []
        return [Move(st.action, dict(st.params), st.say) for st in self.scenario.steps]

    def check(self, opts: Options | None = None) -> Result:
        return self.session.check(opts)

    def save(self, path: str | Path, *, force: bool = False) -> None:
        write_itf(path, self.spec, self.session.trace, force=force, source=self.source, status="explored")


def spec_for_trace(meta: Mapping[str, Any], file: str) -> tuple[Spec, str, Config | None]:
    """Rebuild the spec an ITF trace was written from (its ``#meta.source`` and ``parameters``)."""
    source = meta.get("source")
    if not isinstance(source, str) or ":" not in source:
        raise SpecLoadError(
            "the trace does not say which spec wrote it", file=file, key="#meta.source", expected="TARGET"
        )
    raw = meta.get("parameters") or {}
    if not isinstance(raw, dict):
        raise SpecLoadError("must be an object", file=file, key="#meta.parameters")
    params = {k: decode(v) for k, v in raw.items()}
    if source == DEFAULT_TARGET:
        try:
            config = config_from_parameters(params)
        except SpecLoadError as exc:
            raise SpecLoadError(exc.message, file=file, key=exc.key, expected=exc.expected) from None
        config = config or default_config()
        return AHVSpec(config), source, config
    try:
        return load_spec(source, params), source, None
    except UserError as exc:
        if exc.file:  # the spec's own file and line (a syntax error, an exception at its import)
            raise
        # "no module 'x'" alone would not say that the name came from the trace.
        raise SpecLoadError(
            f"{source!r}: {exc.message}", file=file, key="#meta.source", expected=exc.expected
        ) from None


def is_target(arg: str) -> bool:
    """``path/file.py:Class`` or ``package.module:Class`` (not a scenario name, a .toml or a trace)."""
    return ":" in arg and not arg.endswith((".json", ".toml"))


def open_workbench(
    arg: str | None = None,
    *,
    mutations: Sequence[str] = (),
    assign: Sequence[str] | None = None,
) -> Workbench:
    """``None``: the default model; ``*.json``: an ITF trace; ``file.py:Class``: a TARGET; else a scenario.

    ``mutations`` switch AHV what-ifs on; ``assign`` gives a TARGET's constants (``--set NAME=VALUE``).
    """
    if assign and (arg is None or not is_target(arg)):
        raise UsageError("--set applies to a TARGET spec (path/file.py:Class)")
    bench = _open(arg, parse_assignments(list(assign or [])))
    if mutations and bench.config is None:
        raise UsageError("--mutate applies to the AHV model, not to a TARGET")
    for name in mutations:
        bench.set_mutation(name, True)
    return bench


def _open(arg: str | None, params: dict[str, Any]) -> Workbench:
    if arg is None or arg == "default":
        default = default_config()
        return Workbench(Session(AHVSpec(default)), "AHV cluster: default model", DEFAULT_TARGET, default)
    if arg.endswith(".json"):
        itf = read_itf(arg)
        spec, source, config = spec_for_trace(itf.meta, arg)
        session = Session(spec)
        session.load(trace_from_itf(spec, itf))
        return Workbench(session, f"trace {Path(arg).name}", source, config)
    if is_target(arg):
        target = load_spec(arg, params)
        return Workbench(Session(target), target.name, arg, target.config if isinstance(target, AHVSpec) else None)
    scenario = find_scenario(arg)
    session = scenario.session()
    source = DEFAULT_TARGET if scenario.target is None else _resolved_target(scenario.target, scenario.file)
    return Workbench(session, scenario.title, source, scenario.config, scenario)


def _resolved_target(target: str, scenario_file: str) -> str:
    """A scenario's ``spec = "file.py:Class"`` is relative to the scenario file; traces need it absolute."""
    path, _, cls = target.rpartition(":")
    if path.endswith(".py") and not Path(path).is_absolute():
        path = str((Path(scenario_file).parent / path).resolve())
    return f"{path}:{cls}"
