"""The interactive session: stepping a spec by hand.

One object drives the Textual app, the shell and the tests: it holds the
current trace and a cursor into it, lists the actions enabled at the cursor,
takes one (branching the trace there when the cursor is not at its end),
moves back and forth, shows what changed, evaluates the invariants, and runs
the checker from the current state, loading the counterexample it finds.
It keeps plain values only; the front ends render them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ahvlab.checker.engine import Options, bfs, dfs
from ahvlab.checker.result import Result
from ahvlab.checker.spec import Invariant, Params, Spec
from ahvlab.checker.trace import Step, Trace, changed_vars


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


@dataclass
class Branch:
    """Steps cut off when the user branched; kept so the timeline can show them."""

    at: int
    steps: tuple[Step, ...]


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
            inits = list(self.spec.init())
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
            raise SessionError(f"no action {action!r}; actions are: {', '.join(names)}")
        same = [c for c in self.enabled() if c.action == action]
        if not same:
            raise SessionError(f"{action} is not enabled here{self._why(action)}")
        wanted = dict(params or {})
        matching = [c for c in same if all(c.params.get(k) == v for k, v in wanted.items())]
        if not matching:
            options = "; ".join(c.label for c in same)
            raise SessionError(f"{self.spec.format_step(action, wanted)} is not enabled here; enabled: {options}")
        if len(matching) > 1:
            options = "; ".join(c.label for c in matching)
            raise SessionError(f"{action} is ambiguous here, give its parameters: {options}")
        return matching[0]

    def _why(self, action: str) -> str:
        explain: Callable[[Any, str], str | None] | None = getattr(self.spec, "explain_disabled", None)
        reason = explain(self.state, action) if explain else None
        return f": {reason}" if reason else ""

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
            self.branches.append(Branch(self.cursor, tuple(self.steps[self.cursor + 1 :])))
            del self.steps[self.cursor + 1 :]
            self.narration = {i: t for i, t in self.narration.items() if i <= self.cursor}
        self.steps.append(step)
        self.cursor += 1
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
        steps = [Step(inits[0])]
        by_name = {a.name: a for a in spec.actions()}
        for st in self.steps[1:]:
            act = by_name.get(st.action or "")
            nxt = None
            if act is not None:
                nxt = next((t for p, t in act.fn(steps[-1].state) if dict(p) == dict(st.params)), None)
            if nxt is None:
                break
            steps.append(Step(nxt, st.action, dict(st.params)))
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
        return [InvariantStatus(i.name, i.doc, bool(i.fn(state))) for i in self.spec.invariants()]

    def violated(self, index: int | None = None) -> list[InvariantStatus]:
        return [s for s in self.invariant_status(index) if not s.holds]

    def first_violation(self) -> int | None:
        """The index of the first step where some invariant fails, if any."""
        invs = self.spec.invariants()
        for i, st in enumerate(self.steps):
            if any(not inv.fn(st.state) for inv in invs):
                return i
        return None

    def check(self, opts: Options | None = None, engine: str = "bfs") -> Result:
        """Run the checker from the current state; a counterexample is loaded after the cursor."""
        opts = opts or Options()
        opts.init_states = [self.state]
        result = (dfs if engine == "dfs" else bfs)(self.spec, opts)
        self.last_result = result
        if result.violation is not None:
            tail = result.violation.trace.steps[1:]
            if self.cursor < len(self.steps) - 1:
                self.branches.append(Branch(self.cursor, tuple(self.steps[self.cursor + 1 :])))
            self.steps = [*self.steps[: self.cursor + 1], *tail]
            self.narration = {i: t for i, t in self.narration.items() if i <= self.cursor}
            self._enabled_cache = None
        return result
