"""What a run of the checker answers: TLC's figures, the verdict and its trace."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ahvlab.checker.trace import Trace

Verdict = Literal["ok", "invariant", "deadlock", "liveness"]

EXIT_OK = 0
EXIT_DEADLOCK = 11
EXIT_INVARIANT = 12
EXIT_LIVENESS = 13
EXIT_SPEC = 150
EXIT_USAGE = 2
EXIT_OUT_OF_MEMORY = 153
"""TLC's "system error": the run ran out of memory (the figures so far are reported)."""
EXIT_SIGINT = 130
EXIT_SIGTERM = 143
"""128 + the signal's number, as a shell reports a process a signal ended."""

EXIT_CODES: dict[str, int] = {
    "ok": EXIT_OK,
    "deadlock": EXIT_DEADLOCK,
    "invariant": EXIT_INVARIANT,
    "liveness": EXIT_LIVENESS,
}

# A run that stopped without a verdict for one of these reasons exits with its code; a bound exits 0.
STOP_EXIT_CODES: dict[str, int] = {
    "interrupted": EXIT_SIGINT,
    "terminated": EXIT_SIGTERM,
    "out-of-memory": EXIT_OUT_OF_MEMORY,
}


@dataclass
class Coverage:
    """Per-action figures: states where it was enabled, successors it generated, new states it found."""

    enabled: int = 0
    generated: int = 0
    distinct: int = 0


@dataclass
class Figures:
    """TLC's figures. ``depth`` counts BFS levels with the initial states at level 1."""

    generated: int = 0
    distinct: int = 0
    queue: int = 0
    depth: int = 0
    seconds: float = 0.0
    coverage: dict[str, Coverage] = field(default_factory=dict)
    stopped: str | None = None
    """Why the search stopped early, in the flags' spelling: ``max-depth``, ``max-states``, ``max-seconds``;
    or ``interrupted`` (SIGINT), ``terminated`` (SIGTERM), ``out-of-memory``, ``cancelled``; None if it ran out of
    states or found a violation."""
    liveness_seconds: float | None = None
    """Time the temporal properties took on the recorded graph; None when they were not checked."""
    liveness_properties: int = 0
    """How many temporal properties were checked (up to the first that failed)."""
    reduction: bool = False
    """Whether partial-order reduction was on (the spec declares footprints and it was not turned off)."""
    workers: int = 1
    """Processes that searched (``--workers``, Ray actors)."""
    peak_bytes: int = 0
    """Peak resident memory: this process's high-water mark, plus each worker's."""
    growth_bytes: int = 0
    """How much the search added to it (what ``bytes per state`` divides)."""


@dataclass(frozen=True)
class Violation:
    """A property that failed, with the behaviour that shows it (replayed before it is reported)."""

    kind: Verdict
    name: str
    doc: str
    trace: Trace
    blame: str | None = None
    """Which parts of the last state make an invariant false, in one line (the spec's ``blame`` hook)."""
    shrunk_from: int | None = None
    """``simulate --shrink``: the length (in states) of the random walk that first found it; None if not shrunk."""


@dataclass
class Result:
    """The verdict of one run of an engine."""

    spec: str
    engine: str
    figures: Figures
    violation: Violation | None = None
    examples: dict[str, Trace | None] = field(default_factory=dict)
    """``sometimes`` properties: the shortest trace to an example, or None if none was found."""
    complete: bool = True
    """True when the whole reachable space (within the constraint) was explored."""
    invariants: tuple[str, ...] | None = None
    """The invariants checked, by name (``--invariant``); None when all of the spec's were."""
    violations: list[Violation] = field(default_factory=list)
    """Every property that failed, in the order found (``violation`` is the first): one at most, unless the
    run kept going (``check --continue``), and then each name once with its first (BFS: shortest) counterexample."""
    continued: bool = False
    """The search went on after a violation (``check --continue``): properties not in ``violations`` held."""

    def all_violations(self) -> list[Violation]:
        """``violations``, or the one ``violation`` when a front end set only that."""
        if self.violations:
            return list(self.violations)
        return [self.violation] if self.violation is not None else []

    @property
    def verdict(self) -> Verdict:
        return self.violation.kind if self.violation else "ok"

    @property
    def exit_code(self) -> int:
        if self.violation is None and self.figures.stopped in STOP_EXIT_CODES:
            return STOP_EXIT_CODES[self.figures.stopped]
        return EXIT_CODES[self.verdict]
