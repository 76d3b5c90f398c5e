"""The one entry point that runs a check: the search, then liveness on the graph it recorded, then the verdict.

The CLI, the interactive session, the scenario runner and :mod:`ahvlab.testing`
all call :func:`check`, so a spec gets the same answer wherever it is checked.
"""

from __future__ import annotations

from collections.abc import Sequence

from ahvlab.checker.engine import Engine, GraphRecorder, Observer, Options, search
from ahvlab.checker.liveness import FairnessMap, check_graph, temporal_properties
from ahvlab.checker.result import Result
from ahvlab.checker.spec import Spec


def check(
    spec: Spec,
    opts: Options | None = None,
    *,
    engine: Engine = "bfs",
    liveness: bool | None = None,
    properties: Sequence[str] | None = None,
    fairness: FairnessMap | None = None,
    observers: Sequence[Observer] = (),
) -> Result:
    """Explore every reachable state (safety checked on the way), then check the temporal properties.

    ``liveness=None`` checks them when the spec has any (``properties`` picks some by
    name); ``False`` is safety only. ``fairness`` replaces every action's and property's
    fairness (``{}``: none at all). A :class:`GraphRecorder` among ``observers`` is the
    graph liveness reads; otherwise one is added when liveness needs it.
    """
    opts = opts or Options()
    wanted = temporal_properties(spec, properties)
    live = bool(wanted) if liveness is None else liveness and bool(wanted)
    recorder = next((o for o in observers if isinstance(o, GraphRecorder)), None)
    if live and recorder is None:
        recorder = GraphRecorder()
        observers = (*observers, recorder)
    result = search(spec, opts, engine, observers)
    if not live or recorder is None:
        return result
    return check_graph(
        spec,
        recorder,
        result,
        inits=opts.init_states,
        properties=properties,
        fairness=fairness,
        keep_going=opts.keep_going,
    )
