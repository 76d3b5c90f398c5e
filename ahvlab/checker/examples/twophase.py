"""TwoPhase: the two-phase commit protocol (tlaplus/Examples, transaction_commit/TwoPhase.tla).

A transaction manager (TM) collects "Prepared" messages from the resource
managers and broadcasts "Commit" once all have prepared, or "Abort" at any
time before. Messages are never removed from ``msgs``, so receiving one is
always enabled again: the spec has no deadlock. ``TwoPhaseSym`` adds the
symmetry of the RMs (TLC's ``SYMMETRY Permutations(RM)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ahvlab.checker.examples._params import whole
from ahvlab.checker.examples.tcommit import RM_STATES, rm_names
from ahvlab.checker.spec import Spec, Successors, action, invariant


class Msg(NamedTuple):
    """A message: ``[type |-> "Prepared", rm |-> r]``, ``[type |-> "Commit"]`` or ``[type |-> "Abort"]``."""

    type: str
    rm: str | None = None


COMMIT = Msg("Commit")
ABORT = Msg("Abort")


class TwoPhase(Spec):
    """Two-phase commit over ``rm`` resource managers ``r1..rn``."""

    class State(NamedTuple):
        rmState: tuple[str, ...]
        tmState: str
        tmPrepared: frozenset[str]
        msgs: frozenset[Msg]

    def __init__(self, rm: int = 3) -> None:
        self.rm = whole("rm", rm, 1)
        self.RM = rm_names(rm)
        self.all_rms = frozenset(self.RM)
        self.prepared_msg = {r: Msg("Prepared", r) for r in self.RM}

    def parameters(self) -> dict[str, Any]:
        return {"rm": self.rm}

    def init(self) -> Iterator[State]:
        yield self.State(rmState=("working",) * self.rm, tmState="init", tmPrepared=frozenset(), msgs=frozenset())

    @staticmethod
    def _set(rm_state: tuple[str, ...], i: int, value: str) -> tuple[str, ...]:
        return (*rm_state[:i], value, *rm_state[i + 1 :])

    # The actions in the order of TPNext.

    @action(name="TMCommit")
    def tm_commit(self, s: State) -> Successors:
        if s.tmState == "init" and s.tmPrepared == self.all_rms:
            yield {}, s._replace(tmState="committed", msgs=s.msgs | {COMMIT})

    @action(name="TMAbort")
    def tm_abort(self, s: State) -> Successors:
        if s.tmState == "init":
            yield {}, s._replace(tmState="aborted", msgs=s.msgs | {ABORT})

    @action(name="TMRcvPrepared")
    def tm_rcv_prepared(self, s: State) -> Successors:
        if s.tmState == "init":
            for r in self.RM:
                if self.prepared_msg[r] in s.msgs:
                    yield {"r": r}, s._replace(tmPrepared=s.tmPrepared | {r})

    @action(name="RMPrepare")
    def rm_prepare(self, s: State) -> Successors:
        for i, r in enumerate(self.RM):
            if s.rmState[i] == "working":
                yield (
                    {"r": r},
                    s._replace(rmState=self._set(s.rmState, i, "prepared"), msgs=s.msgs | {self.prepared_msg[r]}),
                )

    @action(name="RMChooseToAbort")
    def rm_choose_to_abort(self, s: State) -> Successors:
        for i, r in enumerate(self.RM):
            if s.rmState[i] == "working":
                yield {"r": r}, s._replace(rmState=self._set(s.rmState, i, "aborted"))

    @action(name="RMRcvCommitMsg")
    def rm_rcv_commit_msg(self, s: State) -> Successors:
        if COMMIT in s.msgs:
            for i, r in enumerate(self.RM):
                yield {"r": r}, s._replace(rmState=self._set(s.rmState, i, "committed"))

    @action(name="RMRcvAbortMsg")
    def rm_rcv_abort_msg(self, s: State) -> Successors:
        if ABORT in s.msgs:
            for i, r in enumerate(self.RM):
                yield {"r": r}, s._replace(rmState=self._set(s.rmState, i, "aborted"))

    @invariant("the variables hold values of the right kind", name="TPTypeOK")
    def type_ok(self, s: State) -> bool:
        return (
            len(s.rmState) == self.rm
            and all(st in RM_STATES for st in s.rmState)
            and s.tmState in ("init", "committed", "aborted")
            and s.tmPrepared <= self.all_rms
            and all(m in (COMMIT, ABORT) or (m.type == "Prepared" and m.rm in self.all_rms) for m in s.msgs)
        )

    @invariant("no RM has aborted while another has committed (TCommit's TCConsistent)", name="TCConsistent")
    def consistent(self, s: State) -> bool:
        return not ("aborted" in s.rmState and "committed" in s.rmState)


class TwoPhaseSym(TwoPhase):
    """TwoPhase with the RMs as a symmetry set: states equal up to renaming RMs count once."""

    def symmetry(self, s: TwoPhase.State) -> TwoPhase.State:
        """The representative of ``s``'s orbit under permutations of the RMs.

        RMs interact only through what each one's name is attached to (its state,
        its membership of tmPrepared, its Prepared message), so sorting the RMs by
        that signature gives one representative per orbit.
        """
        sigs = sorted((s.rmState[i], r in s.tmPrepared, self.prepared_msg[r] in s.msgs) for i, r in enumerate(self.RM))
        names = self.RM
        return self.State(
            rmState=tuple(sig[0] for sig in sigs),
            tmState=s.tmState,
            tmPrepared=frozenset(names[j] for j, sig in enumerate(sigs) if sig[1]),
            msgs=frozenset(
                [m for m in s.msgs if m.rm is None]
                + [self.prepared_msg[names[j]] for j, sig in enumerate(sigs) if sig[2]]
            ),
        )
