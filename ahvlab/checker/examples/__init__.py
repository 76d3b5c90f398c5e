"""Reference specs ported from the TLA+ examples, with the figures TLC reports for them.

Each is a ``Spec`` class whose constants are constructor parameters; run one
with ``ahvlab check ahvlab.checker.examples.twophase:TwoPhase``. ``EXAMPLES``
maps a short name to its ``module:Class`` path (see docs/examples.md).
"""

from __future__ import annotations

from ahvlab.checker.examples.counters import Counters
from ahvlab.checker.examples.diehard import DieHard
from ahvlab.checker.examples.dining import DiningPhilosophers
from ahvlab.checker.examples.lamport import LamportMutex
from ahvlab.checker.examples.locks import TwoLocks
from ahvlab.checker.examples.tcommit import TCommit
from ahvlab.checker.examples.twophase import TwoPhase, TwoPhaseSym

EXAMPLES: dict[str, str] = {
    "diehard": "ahvlab.checker.examples.diehard:DieHard",
    "tcommit": "ahvlab.checker.examples.tcommit:TCommit",
    "twophase": "ahvlab.checker.examples.twophase:TwoPhase",
    "twophase-sym": "ahvlab.checker.examples.twophase:TwoPhaseSym",
    "dining": "ahvlab.checker.examples.dining:DiningPhilosophers",
    "twolocks": "ahvlab.checker.examples.locks:TwoLocks",
    "counters": "ahvlab.checker.examples.counters:Counters",
    "lamport": "ahvlab.checker.examples.lamport:LamportMutex",
}

__all__ = [
    "EXAMPLES",
    "Counters",
    "DieHard",
    "DiningPhilosophers",
    "LamportMutex",
    "TCommit",
    "TwoLocks",
    "TwoPhase",
    "TwoPhaseSym",
]
