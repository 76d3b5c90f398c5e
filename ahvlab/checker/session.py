"""The interactive session: stepping a spec by hand.

One object drives the Textual app, the shell and the tests: it holds the
current trace and a cursor into it, lists the actions enabled at the cursor,
takes one (branching the trace there when the cursor is not at its end),
moves back and forth, shows what changed, evaluates the invariants, and runs
the checker from the current state, loading the counterexample it finds.
It keeps plain values only; the front ends render them.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ahvlab.checker.engine import Engine, Options, SpecError, blame_of, spec_error
from ahvlab.checker.result import Result
from ahvlab.checker.run import check
from ahvlab.checker.spec import Invariant, Params, Spec
from ahvlab.checker.trace import Step, Trace, changed_vars, follow
from ahvlab.checker.values import parse_value, same_value


class SessionError(Exception):
    """A request the session cannot honour; the message is one line for the user."""


@dataclass(frozen=True)
class Choice:
    """An action enabled at the cursor, with the state it leads to."""

    index: int
    action: str
    params: Params
    state: Any
    label: str
    doc: str


@dataclass(frozen=True)
class InvariantStatus:
    name: str
    doc: str
    holds: bool
    blame: str | None = None
    """When it fails: the spec's one line on what makes it false (``Spec.blame``)."""


@dataclass(frozen=True)
class Move:
    """A scripted step: an action and the parameters the script names (a subset), and what is said there."""

    action: str
    params: Params = field(default_factory=dict)
    say: str = ""

    def matches(self, step: Step) -> bool:
        """Whether a trace step is this one: same action, and the parameters the script names."""
        return step.action == self.action and all(step.params.get(k) == v for k, v in self.params.items())


@dataclass
class Branch:
    """Steps cut off when the user branched; kept so the timeline can show them and ``restore`` bring them back."""

    at: int
    steps: tuple[Step, ...]
    narration: dict[int, str] = field(default_factory=dict)
    """What was said at the cut steps, by their index in the trace (a scenario's narration comes back with them)."""


@dataclass
class Session:
    """An interactive walk through the behaviours of ``spec``."""

    spec: Spec
    steps: list[Step] = field(default_factory=list)
    cursor: int = 0
    narration: dict[int, str] = field(default_factory=dict)
    """Text shown at a step (a scenario's narration), by step index."""
    branches: list[Branch] = field(default_factory=list)
    last_result: Result | None = None

    def __post_init__(self) -> None:
        if not self.steps:
            try:
                inits = list(self.spec.init())
            except (SpecError, KeyboardInterrupt, MemoryError):
                raise
            except Exception as exc:  # the spec's own code: one line with its file and line, exit 150
                raise spec_error(exc, "init", self.spec, self.spec.init) from exc
            if not inits:
                raise SessionError(f"{self.spec.name} has no initial state")
            self.steps = [Step(inits[0])]
        self._enabled_cache: tuple[int, Any, list[Choice]] | None = None

    # -- where we are ----------------------------------------------------------

    @property
    def trace(self) -> Trace:
        return Trace(tuple(self.steps))

    @property
    def step(self) -> Step:
        return self.steps[self.cursor]

    @property
    def state(self) -> Any:
        return self.steps[self.cursor].state

    def __len__(self) -> int:
        return len(self.steps)

    def time(self, index: int | None = None) -> float | None:
        return self.spec.time_of(self.steps[self.cursor if index is None else index].state)

    def label(self, index: int) -> str:
        """The timeline line of a step: its action and parameters (``init`` for the first)."""
        st = self.steps[index]
        return "init" if st.action is None else self.spec.format_step(st.action, st.params)

    def variables(self, index: int | None = None) -> dict[str, Any]:
        return self.spec.format_state(self.steps[self.cursor if index is None else index].state)

    def diff(self, index: int | None = None) -> dict[str, tuple[Any, Any]]:
        """What changed at a step: ``{variable: (old, new)}`` (everything, for the initial state)."""
        i = self.cursor if index is None else index
        before = self.steps[i - 1].state if i > 0 else None
        return changed_vars(self.spec, before, self.steps[i].state)

    # -- moving ----------------------------------------------------------------

    def goto(self, index: int) -> Step:
        if not 0 <= index < len(self.steps):
            raise SessionError(f"no step {index}: the trace has steps 0..{len(self.steps) - 1}")
        self.cursor = index
        return self.step

    def back(self, n: int = 1) -> Step:
        if self.cursor == 0:
            raise SessionError("already at the initial state")
        return self.goto(max(0, self.cursor - n))

    def forward(self, n: int = 1) -> Step:
        if self.cursor == len(self.steps) - 1:
            raise SessionError("already at the last step")
        return self.goto(min(len(self.steps) - 1, self.cursor + n))

    def first(self) -> Step:
        return self.goto(0)

    def last(self) -> Step:
        return self.goto(len(self.steps) - 1)

    # -- acting ----------------------------------------------------------------

    def enabled(self) -> list[Choice]:
        """The actions enabled at the cursor, one choice per (action, params)."""
        cache = self._enabled_cache
        if cache is not None and cache[0] == self.cursor and cache[1] is self.state:
            return cache[2]
        out: list[Choice] = []
        for act in self.spec.actions():
            for params, nxt in act.fn(self.state) or ():
                out.append(
                    Choice(len(out), act.name, dict(params), nxt, self.spec.format_step(act.name, params), act.doc)
                )
        self._enabled_cache = (self.cursor, self.state, out)
        return out

    def action_names(self) -> list[str]:
        return [a.name for a in self.spec.actions()]

    def find(self, action: str, params: Mapping[str, Any] | None = None) -> Choice:
        """The enabled choice for an action and (a subset of) its parameters; a clear error if there is none."""
        names = self.action_names()
        if action not in names:
            close = difflib.get_close_matches(action, names, n=1)
            hint = f"did you mean {close[0]}?" if close else f"actions are: {', '.join(names)}"
            raise SessionError(f"no action {action!r}; {hint}")
        same = [c for c in self.enabled() if c.action == action]
        if not same:
            reason = self.why_disabled(action)
            if reason:
                raise SessionError(f"{action} is not enabled here: {reason}")
            now = list(dict.fromkeys(c.action for c in self.enabled()))
            raise SessionError(f"{action} is not enabled here; enabled now: {', '.join(now) or 'nothing (a deadlock)'}")
        wanted = dict(params or {})
        matching = [c for c in same if all(c.params.get(k) == v for k, v in wanted.items())]
        if not matching:
            options = "; ".join(c.label for c in same)
            raise SessionError(f"{self.spec.format_step(action, wanted)} is not enabled here; enabled: {options}")
        if len(matching) > 1:
            options = "; ".join(c.label for c in matching)
            raise SessionError(f"{action} is ambiguous here, give its parameters: {options}")
        return matching[0]

    def why_disabled(self, action: str) -> str | None:
        """Why ``action`` has no step at the cursor, in the spec's words (None: it has no reason to give)."""
        return self.spec.explain_disabled(self.state, action)

    def param_keys(self, action: str) -> list[str]:
        """The parameter names of the enabled steps of ``action``, in order of first appearance."""
        keys: list[str] = []
        for c in self.enabled():
            if c.action == action:
                keys.extend(k for k in c.params if k not in keys)
        return keys

    def resolve(self, action: str, words: Sequence[tuple[str | None, str]]) -> Choice:
        """The enabled choice that typed words mean: ``[("host", "2")]`` or ``[(None, "2")]`` (the next parameter).

        A word matches a parameter's value however it is written (``2``, ``'VM1'``, ``VM1``).
        """
        keys = self.param_keys(action)
        if not keys and action not in self.action_names():
            return self.find(action)  # the unknown-action error, with its suggestion
        wanted: dict[str, Any] = {}
        for key, raw in words:
            if key is None:
                free = [k for k in keys if k not in wanted]
                if not free:
                    if not keys:
                        self.find(action)  # not enabled: say why
                    raise SessionError(f"{action}: too many values; its parameters are: {', '.join(keys) or 'none'}")
                key = free[0]
            elif keys and key not in keys:
                raise SessionError(f"{action} has no parameter {key!r}; its parameters are: {', '.join(keys)}")
            values = [c.params[key] for c in self.enabled() if c.action == action and key in c.params]
            wanted[key] = next((v for v in values if same_value(v, raw)), parse_value(raw))
        return self.find(action, wanted)

    def do(self, choice: Choice | int | str, params: Mapping[str, Any] | None = None) -> Step:
        """Take an enabled action at the cursor. Steps after the cursor are kept as a branch."""
        if isinstance(choice, str):
            choice = self.find(choice, params)
        elif isinstance(choice, int):
            options = self.enabled()
            if not 0 <= choice < len(options):
                raise SessionError(f"no choice {choice}: {len(options)} actions are enabled (0..{len(options) - 1})")
            choice = options[choice]
        step = Step(choice.state, choice.action, dict(choice.params))
        if self.cursor < len(self.steps) - 1:
            self.branches.append(self._cut())
            del self.steps[self.cursor + 1 :]
            self.narration = {i: t for i, t in self.narration.items() if i <= self.cursor}
        self.steps.append(step)
        self.cursor += 1
        return step

    def _cut(self) -> Branch:
        """The steps after the cursor, with their narration, as a branch."""
        said = {i: t for i, t in self.narration.items() if i > self.cursor}
        return Branch(self.cursor, tuple(self.steps[self.cursor + 1 :]), said)

    def restore(self, index: int = -1) -> int:
        """Go back to a branch (the newest by default): its steps replace the trace after the point
        where it was cut, and the steps they replace become a branch in its place.

        Returns how many of the branch's steps replayed (all of them unless the spec changed since).
        """
        if not self.branches:
            raise SessionError("no branch yet: take an action in the middle of the trace to make one")
        if not -len(self.branches) <= index < len(self.branches):
            raise SessionError(f"no branch {index}: there are {len(self.branches)} (0..{len(self.branches) - 1})")
        branch = self.branches.pop(index)
        self.goto(branch.at)
        tail = [(st.action, st.params) for st in branch.steps]
        steps, taken = follow(self.spec, self.state, tail)
        if self.cursor < len(self.steps) - 1:
            self.branches.append(self._cut())
        self.steps = [*self.steps[: self.cursor + 1], *steps[1:]]
        kept = {i: t for i, t in self.narration.items() if i <= self.cursor}
        self.narration = kept | {i: t for i, t in branch.narration.items() if i < len(self.steps)}
        self._enabled_cache = None
        if taken:
            self.cursor += 1
        return taken

    def follow(self, script: Sequence[Move]) -> Step:
        """Take the script's step after the cursor: forward along the trace if it is there, else take it anew.

        The steps up to the cursor must be the script's; otherwise a SessionError says where the trace left it.
        """
        for k in range(1, min(self.cursor, len(script)) + 1):
            said = script[k - 1]
            if not said.matches(self.steps[k]):
                raise SessionError(
                    f"step {k} left the scenario's script, which says {self.spec.format_step(said.action, said.params)}; "
                    f"`goto {k - 1}` then `walk` to follow it again"
                )
        if self.cursor >= len(script):
            raise SessionError(f"the script is over after step {len(script)}")
        nxt = script[self.cursor]
        if self.cursor < len(self.steps) - 1 and nxt.matches(self.steps[self.cursor + 1]):
            return self.forward()
        step = self.do(self.find(nxt.action, dict(nxt.params)))
        if nxt.say:
            self.narration[self.cursor] = nxt.say
        return step

    def load(self, trace: Trace, narration: Mapping[int, str] | None = None) -> None:
        """Replace the trace (a counterexample, a loaded ITF file, a scenario) and go to its start."""
        self.steps = list(trace.steps)
        self.cursor = 0
        self.branches = []
        self.narration = dict(narration or {})

    def rebase(self, spec: Spec) -> int:
        """Switch to another spec (mutations or timings changed) and replay the trace's actions on it.

        Returns how many steps survived; the trace is cut at the first step the new spec does not allow.
        """
        inits = list(spec.init())
        if not inits:
            raise SessionError(f"{spec.name} has no initial state")
        steps, _taken = follow(spec, inits[0], [(st.action, st.params) for st in self.steps[1:]])
        self.spec = spec
        self.steps = steps
        self.cursor = min(self.cursor, len(steps) - 1)
        self._enabled_cache = None
        return len(steps)

    # -- properties ------------------------------------------------------------

    def invariants(self) -> Sequence[Invariant]:
        return self.spec.invariants()

    def invariant_status(self, index: int | None = None) -> list[InvariantStatus]:
        state = self.steps[self.cursor if index is None else index].state
        out = []
        for i in self.spec.invariants():
            holds = bool(i.fn(state))
            out.append(InvariantStatus(i.name, i.doc, holds, None if holds else blame_of(self.spec, i.name, state)))
        return out

    def violated(self, index: int | None = None) -> list[InvariantStatus]:
        return [s for s in self.invariant_status(index) if not s.holds]

    def first_violation(self) -> int | None:
        """The index of the first step where some invariant fails, if any."""
        invs = self.spec.invariants()
        for i, st in enumerate(self.steps):
            if any(not inv.fn(st.state) for inv in invs):
                return i
        return None

    def check(self, opts: Options | None = None, engine: Engine = "bfs", *, liveness: bool | None = None) -> Result:
        """Run the checker from the current state, as ``ahvlab check`` does (liveness included when the spec
        has temporal properties); a counterexample is loaded after the cursor. ``opts`` is not changed.
        """
        opts = dataclasses.replace(opts or Options(), init_states=(self.state,))
        result = check(self.spec, opts, engine=engine, liveness=liveness)
        self.last_result = result
        if result.violation is not None:
            tail = result.violation.trace.steps[1:]
            if self.cursor < len(self.steps) - 1:
                self.branches.append(self._cut())
            self.steps = [*self.steps[: self.cursor + 1], *tail]
            self.narration = {i: t for i, t in self.narration.items() if i <= self.cursor}
            self._enabled_cache = None
        return result
