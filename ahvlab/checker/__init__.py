"""The generic checker: a spec API, BFS/DFS/simulation engines, traces, ITF and the interactive session.

It knows nothing of AHV. Import what a spec needs from here::

    from ahvlab.checker import Spec, action, invariant, bfs
"""

from ahvlab.checker.engine import Options, SpecError, bfs, check, dfs, simulate
from ahvlab.checker.liveness import check_liveness
from ahvlab.checker.result import Coverage, Figures, Result, Violation
from ahvlab.checker.session import Choice, Session, SessionError
from ahvlab.checker.spec import (
    Action,
    Invariant,
    Property,
    Spec,
    action,
    always_eventually,
    eventually,
    invariant,
    leads_to,
    sometimes,
)
from ahvlab.checker.trace import ReplayError, Step, Trace, replay, replay_actions

__all__ = [
    "Action",
    "Choice",
    "Coverage",
    "Figures",
    "Invariant",
    "Options",
    "Property",
    "ReplayError",
    "Result",
    "Session",
    "SessionError",
    "Spec",
    "SpecError",
    "Step",
    "Trace",
    "Violation",
    "action",
    "always_eventually",
    "bfs",
    "check",
    "check_liveness",
    "dfs",
    "eventually",
    "invariant",
    "leads_to",
    "replay",
    "replay_actions",
    "simulate",
    "sometimes",
]
