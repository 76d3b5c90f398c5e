"""TCommit: the transaction commit spec of Gray and Lamport (tlaplus/Examples, transaction_commit/TCommit.tla).

Resource managers (RMs) prepare and then all commit or all abort. It says
*what* must happen, not how; TwoPhase is a protocol that implements it. The
final states have no successor, so check it without the deadlock check, as
TLC's ``-deadlock`` does: ``ahvlab check ... --no-deadlock``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ahvlab.checker.examples._params import whole
from ahvlab.checker.spec import Spec, Successors, action, invariant

RM_STATES = ("working", "prepared", "committed", "aborted")


def rm_names(n: int) -> tuple[str, ...]:
    """The RM set ``{r1, ..., rn}`` of the TLC models."""
    return tuple(f"r{i}" for i in range(1, n + 1))


class TCommit(Spec):
    """``rm`` resource managers; ``rmState[i]`` belongs to RM ``r{i+1}``."""

    class State(NamedTuple):
        rmState: tuple[str, ...]

    def __init__(self, rm: int = 3) -> None:
        self.rm = whole("rm", rm, 1)
        self.RM = rm_names(rm)

    def parameters(self) -> dict[str, Any]:
        return {"rm": self.rm}

    def init(self) -> Iterator[State]:
        yield self.State(rmState=("working",) * self.rm)

    # canCommit and notCommitted, as in the TLA+.
    def can_commit(self, s: State) -> bool:
        return all(st in ("prepared", "committed") for st in s.rmState)

    def not_committed(self, s: State) -> bool:
        return all(st != "committed" for st in s.rmState)

    @staticmethod
    def _set(rm_state: tuple[str, ...], i: int, value: str) -> tuple[str, ...]:
        return (*rm_state[:i], value, *rm_state[i + 1 :])

    @action(name="Prepare")
    def prepare(self, s: State) -> Successors:
        for i, r in enumerate(self.RM):
            if s.rmState[i] == "working":
                yield {"r": r}, self.State(self._set(s.rmState, i, "prepared"))

    @action(name="Decide")
    def decide(self, s: State) -> Successors:
        can_commit = self.can_commit(s)
        not_committed = self.not_committed(s)
        for i, r in enumerate(self.RM):
            if s.rmState[i] == "prepared" and can_commit:
                yield {"r": r}, self.State(self._set(s.rmState, i, "committed"))
            if s.rmState[i] in ("working", "prepared") and not_committed:
                yield {"r": r}, self.State(self._set(s.rmState, i, "aborted"))

    @invariant("every RM is working, prepared, committed or aborted", name="TCTypeOK")
    def type_ok(self, s: State) -> bool:
        return len(s.rmState) == self.rm and all(st in RM_STATES for st in s.rmState)

    @invariant("no RM has aborted while another has committed", name="TCConsistent")
    def consistent(self, s: State) -> bool:
        return not ("aborted" in s.rmState and "committed" in s.rmState)
