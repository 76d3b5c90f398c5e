"""The one entry point that runs a check: the search, then liveness on the graph it recorded, then the verdict.

The CLI, the interactive session, the scenario runner and :mod:`ahvlab.testing`
all call :func:`check`, so a spec gets the same answer wherever it is checked;
``ahvlab simulate`` calls :func:`simulate`, which checks the same properties on the
random walks (the temporal ones on every lasso a walk closes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ahvlab.checker import engine as sequential
from ahvlab.checker.cluster import check_on_ray
from ahvlab.checker.engine import Engine, GraphRecorder, Observer, Options, SpecError
from ahvlab.checker.errors import UsageError
from ahvlab.checker.lasso import WalkLassos
from ahvlab.checker.liveness import FairnessMap, check_graph, temporal_properties
from ahvlab.checker.parallel import check_parallel
from ahvlab.checker.result import Result
from ahvlab.checker.spec import Spec


def search(
    spec: Spec, opts: Options | None = None, engine: Engine = "bfs", observers: Sequence[Observer] = ()
) -> Result:
    """Safety only: ``bfs``/``dfs`` in this process, or the partitioned BFS for ``opts.workers`` other than 1
    and ``opts.ray`` (which records no graph, so takes no observers)."""
    opts = opts or Options()
    if opts.ray is not None or opts.workers != 1:
        if engine != "bfs" or observers:
            raise SpecError("--workers and --ray run a BFS that records no graph: use --workers 1")
        if opts.ray is not None:
            return check_on_ray(spec, opts)
        return check_parallel(spec, opts)
    return sequential.search(spec, opts, engine, observers)


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
    graph liveness reads; otherwise one is added when liveness needs it. Liveness turns
    partial-order reduction off, and refuses ``opts.workers`` other than 1 and Ray.
    """
    opts = opts or Options()
    wanted = temporal_properties(spec, properties)
    live = bool(wanted) if liveness is None else liveness and bool(wanted)
    recorder = next((o for o in observers if isinstance(o, GraphRecorder)), None)
    if live and recorder is None:
        recorder = GraphRecorder()
        observers = (*observers, recorder)
    if live:
        if opts.workers != 1 or opts.ray is not None:
            raise UsageError(
                "temporal properties are checked on the whole graph in one process: use --workers 1, or liveness=False"
            )
        # The reduced graph keeps what invariants see, not every cycle liveness reads: the full graph.
        opts = dataclasses.replace(opts, reduction=False)
    result = search(spec, opts, engine, observers)
    if not live or recorder is None:
        return result
    try:
        return check_graph(
            spec,
            recorder,
            result,
            inits=opts.init_states,
            properties=properties,
            fairness=fairness,
            keep_going=opts.keep_going,
        )
    except KeyboardInterrupt:
        # Stopped during liveness: the safety figures stand, the temporal properties are undecided.
        return _stopped(result, "interrupted")
    except MemoryError:
        return _stopped(result, "out-of-memory")


def _stopped(result: Result, why: str) -> Result:
    result.figures.stopped = why
    result.figures.liveness_seconds = None
    result.complete = False
    return result


def simulate(
    spec: Spec,
    runs: int,
    steps: int,
    seed: int = 0,
    opts: Options | None = None,
    *,
    liveness: bool | None = None,
    properties: Sequence[str] | None = None,
    fairness: FairnessMap | None = None,
) -> Result:
    """Random walks (:func:`ahvlab.checker.engine.simulate`), the invariants checked at every state and the
    temporal properties on every lasso a walk closes (:class:`~ahvlab.checker.lasso.WalkLassos`).

    ``liveness``, ``properties`` and ``fairness`` mean what they mean for :func:`check`.
    """
    opts = opts or Options()
    lassos = walk_lassos(spec, opts, liveness=liveness, properties=properties, fairness=fairness)
    result = sequential.simulate(spec, runs, steps, seed, opts, lassos)
    if lassos is not None:
        result.figures.liveness_properties = len(lassos.names)
        result.figures.liveness_seconds = lassos.seconds
    return result


def walk_lassos(
    spec: Spec,
    opts: Options,
    *,
    liveness: bool | None = None,
    properties: Sequence[str] | None = None,
    fairness: FairnessMap | None = None,
) -> WalkLassos | None:
    """What checks a simulation's walks for temporal properties, or None when there is nothing to check."""
    if liveness is False:
        return None
    lassos = WalkLassos(spec, properties, fairness, opts.init_states)
    return lassos if lassos else None
