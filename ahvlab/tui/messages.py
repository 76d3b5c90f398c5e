"""Every message the app's parts send each other, as small dataclasses (one module, as toolong does)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ahvlab.checker.result import Figures, Result


@dataclass
class GotoStep(Message):
    """The user picked a step in the timeline."""

    index: int


@dataclass
class ChoicePicked(Message):
    """The user picked an enabled action: take it at the cursor (branching the trace there)."""

    index: int


@dataclass
class StepShown(Message):
    """The app now shows step ``index`` of ``total``; ``violated`` names the invariants that fail there."""

    index: int
    total: int
    label: str
    violated: tuple[str, ...]


@dataclass
class TraceChanged(Message):
    """The trace itself changed: a branch, a counterexample, a what-if replayed (``reason`` says which)."""

    reason: str
    total: int


@dataclass
class CheckProgress(Message):
    """Figures of a running check; a burst of them collapses into the newest."""

    generated: int
    distinct: int
    queue: int
    depth: int
    seconds: float

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CheckProgress)

    @classmethod
    def of(cls, f: Figures) -> CheckProgress:
        return cls(f.generated, f.distinct, f.queue, f.depth, f.seconds)


@dataclass
class CheckFinished(Message):
    """A check ended: its result, or the one-line error that stopped it."""

    result: Result | None
    error: str | None = None


@dataclass
class Notice(Message):
    """A one-line note for the status bar (what just happened, or why a request was refused)."""

    text: str
    error: bool = False


@dataclass
class RestoreBranch(Message):
    """The user picked a branch in the tree: bring it back (``index`` into the session's branches)."""

    index: int
