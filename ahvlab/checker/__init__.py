"""The generic checker: a spec API, BFS/DFS/simulation engines, traces, ITF and the interactive session.

It knows nothing of AHV. Import what a spec needs from here::

    from ahvlab.checker import Spec, action, invariant, check
"""

from ahvlab.checker.engine import GraphRecorder, Observer, Options, SpecError, bfs, dfs
from ahvlab.checker.liveness import check_graph
from ahvlab.checker.result import Coverage, Figures, Result, Violation
from ahvlab.checker.run import check, search, simulate
from ahvlab.checker.session import Choice, Move, Session, SessionError
from ahvlab.checker.spec import (
    Action,
    Component,
    Invariant,
    Property,
    Spec,
    action,
    always_eventually,
    eventually,
    explains,
    invariant,
    leads_to,
    sometimes,
)
from ahvlab.checker.trace import ReplayError, Step, Trace, find_step, replay, replay_actions

__all__ = [
    "Action",
    "Choice",
    "Component",
    "Coverage",
    "Figures",
    "GraphRecorder",
    "Invariant",
    "Move",
    "Observer",
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
    "check_graph",
    "dfs",
    "eventually",
    "explains",
    "find_step",
    "invariant",
    "leads_to",
    "replay",
    "replay_actions",
    "search",
    "simulate",
    "sometimes",
]
