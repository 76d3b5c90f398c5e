"""The workbench both front ends drive: a session plus where it came from and the knobs a user may turn.

It opens the default model, a scenario or an ITF trace, toggles the AHV model's
mutations and timings (rebuilding the spec and replaying the trace on it), runs
the checker from the current state, and saves the trace as ITF. It holds no
model logic: everything goes through the checker's :class:`Session`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ahvlab.checker.engine import Options
from ahvlab.checker.errors import SpecLoadError, UsageError
from ahvlab.checker.itf import decode, read_itf, trace_from_itf, write_itf
from ahvlab.checker.loader import load_spec
from ahvlab.checker.result import Result
from ahvlab.checker.session import Session
from ahvlab.checker.spec import Spec
from ahvlab.commands.common import DEFAULT_TARGET, FALLBACK_TARGET, model_module


@dataclass
class Workbench:
    """A session with its origin (``source`` rebuilds the spec) and, for the AHV model, its config."""

    session: Session
    title: str
    source: str
    config: Any | None = None
    scenario: Any | None = None
    messages: list[str] = field(default_factory=list)

    @property
    def spec(self) -> Spec:
        return self.session.spec

    # -- the AHV model's knobs -------------------------------------------------

    def mutations(self) -> dict[str, tuple[str, bool]]:
        """``{name: (description, switched_on)}``; empty for a spec that is not the AHV model."""
        model = model_module()
        if self.config is None or model is None:
            return {}
        on = set(getattr(self.config, "mutations", ()))
        return {name: (doc, name in on) for name, doc in model.MUTATIONS.items()}

    def set_mutation(self, name: str, on: bool) -> int:
        """Switch a mutation and replay the trace on the new spec; returns the steps kept."""
        known = self.mutations()
        if name not in known:
            raise UsageError(f"unknown mutation {name!r}", expected=f"one of: {', '.join(known) or 'none'}")
        config: Any = self.config
        current = set(config.mutations)
        current = current | {name} if on else current - {name}
        return self._reconfigure(dataclasses.replace(config, mutations=frozenset(current)))

    def timings(self) -> dict[str, float]:
        """The model's timings in seconds (``{name: seconds}``); empty for other specs."""
        model = model_module()
        if self.config is None or model is None or not hasattr(model, "timings_of"):
            return {}
        return dict(model.timings_of(self.config))

    def set_timing(self, name: str, seconds: float) -> int:
        model = model_module()
        known = self.timings()
        if name not in known:
            raise UsageError(f"unknown timing {name!r}", expected=f"one of: {', '.join(known) or 'none'}")
        if seconds < 0:
            raise UsageError(f"timing {name} must not be negative")
        assert model is not None
        return self._reconfigure(model.with_timing(self.config, name, seconds))

    def _reconfigure(self, config: Any) -> int:
        model = model_module()
        assert model is not None
        self.config = config
        return self.session.rebase(model.AHVSpec(config))

    # -- views and actions -----------------------------------------------------

    def describe(self, index: int | None = None) -> dict[str, Any] | None:
        """The AHV model's plain description of a state (for the cluster view), or None for other specs."""
        model = model_module()
        if self.config is None or model is None or not hasattr(model, "describe"):
            return None
        state = self.session.steps[self.session.cursor if index is None else index].state
        result: dict[str, Any] = model.describe(self.spec, state)
        return result

    def check(self, opts: Options | None = None) -> Result:
        return self.session.check(opts)

    def save(self, path: str | Path, *, force: bool = False) -> None:
        write_itf(path, self.spec, self.session.trace, force=force, source=self.source, status="explored")


def _default(model: Any | None) -> Workbench:
    if model is None or not hasattr(model, "AHVSpec"):
        spec = load_spec(FALLBACK_TARGET)
        return Workbench(Session(spec), f"{spec.name} (the AHV model is not in this build)", FALLBACK_TARGET)
    config = model.default_config()
    return Workbench(Session(model.AHVSpec(config)), "AHV cluster: default model", DEFAULT_TARGET, config)


def spec_for_trace(meta: Mapping[str, Any], file: str) -> tuple[Spec, str, Any | None]:
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
    model = model_module()
    if source == DEFAULT_TARGET and model is not None:
        try:
            config = model.config_from_parameters(params)
        except SpecLoadError as exc:
            raise SpecLoadError(exc.message, file=file, key=exc.key, expected=exc.expected) from None
        if config is None:
            config = model.default_config()
        return model.AHVSpec(config), source, config
    return load_spec(source, params), source, None


def open_workbench(arg: str | None) -> Workbench:
    """``None``: the default model; ``*.json``: an ITF trace; anything else: a scenario name or file."""
    model = model_module()
    if arg is None:
        return _default(model)
    if arg.endswith(".json"):
        itf = read_itf(arg)
        spec, source, config = spec_for_trace(itf.meta, arg)
        trace = trace_from_itf(spec, itf)
        session = Session(spec)
        session.load(trace)
        return Workbench(session, f"trace {Path(arg).name}", source, config)
    try:
        from ahvlab import scenarios
    except ImportError as exc:
        raise UsageError(f"cannot open {arg!r}: scenarios are not part of this build") from exc
    scenario = scenarios.find_scenario(arg)
    session = scenario.session()
    source = DEFAULT_TARGET if scenario.target is None else _resolved_target(scenario.target, scenario.file)
    return Workbench(session, scenario.title, source, scenario.config, scenario)


def _resolved_target(target: str, scenario_file: str) -> str:
    """A scenario's ``spec = "file.py:Class"`` is relative to the scenario file; traces need it absolute."""
    path, _, cls = target.rpartition(":")
    if path.endswith(".py") and not Path(path).is_absolute():
        path = str((Path(scenario_file).parent / path).resolve())
    return f"{path}:{cls}"
