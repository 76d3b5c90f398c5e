"""Liveness: temporal properties checked on the explored state graph, under weak and strong fairness.

The graph is explored once by BFS with every edge recorded; the safety checks run
during that exploration. Each ``eventually`` / ``always_eventually`` / ``leads_to``
property is then reduced to one question: is there a *fair end* -- a fair cycle or
a fair stuttering state -- inside the states where the property's goal never holds?

- ``<>P``: a fair end reachable from an initial state through ``~P`` states only.
- ``[]<>P``: a fair end inside the ``~P`` states, reachable from anywhere.
- ``P ~> Q``: a fair end inside the ``~Q`` states, reachable through ``~Q`` states
  from a reachable state where ``P /\\ ~Q`` holds.

Stuttering is TLA+'s: a step that leaves the fingerprint unchanged is a stutter
and counts for no action; a behaviour may stutter forever in a state unless an
action under (weak or strong) fairness is enabled there, so a deadlocked state is
a valid end. A cycle is fair when every weakly fair action it keeps enabled in all
of its states is taken on it, and every strongly fair action enabled in any of its
states is taken on it. Strongly connected components are refined as usual: drop the
states where a strongly fair action is enabled but never taken inside, split again.

A counterexample is a lasso (``Trace.loop`` is the index where the loop starts; a
loop on the last state alone means stuttering there forever). It is rebuilt by
re-running actions on real states and then re-checked against the spec -- the goal
never holds where it must not, and the loop is fair -- before it is reported.
"""

from __future__ import annotations

import gc
import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ahvlab.checker.engine import GraphRecorder, SpecError, select_named
from ahvlab.checker.result import Result, Violation
from ahvlab.checker.spec import Action, Property, Spec
from ahvlab.checker.trace import ReplayError, Step, Trace, find_step, fingerprint_key, reaching

TEMPORAL_KINDS = ("eventually", "always_eventually", "leads_to")
FairnessMap = Mapping[str, Literal["weak", "strong"] | None]


def temporal_properties(spec: Spec, names: Sequence[str] | None = None) -> list[Property]:
    """The spec's properties that need the liveness check (all but ``sometimes``), optionally by name."""
    return select_named("temporal property", [p for p in spec.properties() if p.kind in TEMPORAL_KINDS], names)


# -- the graph ------------------------------------------------------------------


@dataclass
class StateGraph:
    """The recorded graph with integer nodes (discovery order); stuttering edges left out.

    ``succ[i]`` holds ``(j, action_index)`` pairs; ``enabled[i]`` is a bit mask of the
    actions with a non-stuttering step out of ``i``.
    """

    keys: list[Any]
    states: list[Any]
    succ: list[list[tuple[int, int]]]
    enabled: list[int]
    initial: list[int]
    _pred: list[list[int]] | None = None
    extra: dict[tuple[int, int], int] = field(default_factory=dict)
    """Bits of per-instance fairness classes (beyond the action bits) that a step ``(i, j)`` takes."""

    def label(self, i: int, j: int, ai: int) -> int:
        """The fairness bits a step ``i -> j`` by action ``ai`` counts for."""
        if self.extra:
            return (1 << ai) | self.extra.get((i, j), 0)
        return 1 << ai

    @classmethod
    def from_recorder(cls, rec: GraphRecorder) -> StateGraph:
        """Number the nodes of a run recorded by a :class:`GraphRecorder`."""
        index = {k: i for i, k in enumerate(rec.nodes)}
        n = len(index)
        succ: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        enabled = [0] * n
        last_src: Any = object()
        i: int | None = None
        for src, dst, ai in rec.edges:
            # Edges come grouped by source, sharing its key object: hashing a big key costs more than `is`.
            if src is not last_src:
                last_src = src
                i = index.get(src)
            j = index.get(dst)
            if i is None or j is None or i == j:
                continue
            enabled[i] |= 1 << ai
            succ[i].append((j, ai))
        initial = [index[k] for k in rec.initial if k in index]
        return cls(list(index), list(rec.nodes.values()), succ, enabled, initial)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def edges(self) -> int:
        return sum(len(s) for s in self.succ)

    @property
    def pred(self) -> list[list[int]]:
        if self._pred is None:
            pred: list[list[int]] = [[] for _ in self.keys]
            for i, out in enumerate(self.succ):
                for j, _ai in out:
                    pred[j].append(i)
            self._pred = pred
        return self._pred


def strongly_connected(nodes: Iterable[int], succ: Sequence[Sequence[tuple[int, int]]], inside: Any) -> list[list[int]]:
    """Tarjan's components of the subgraph on ``inside`` (anything with ``in``), iteratively."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ[root]))]
        while work:
            v, it = work[-1]
            descended = False
            for w, _ai in it:
                if w not in inside:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ[w])))
                    descended = True
                    break
                if w in on_stack and index[w] < low[v]:
                    low[v] = index[w]
            if descended:
                continue
            work.pop()
            if work:
                u = work[-1][0]
                if low[v] < low[u]:
                    low[u] = low[v]
            if low[v] == index[v]:
                comp: list[int] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
    return out


# -- fairness ---------------------------------------------------------------------


@dataclass(frozen=True)
class Fairness:
    """Bit masks of the weakly and strongly fair actions (and, once labelled, per-instance classes)."""

    weak: int
    strong: int
    instances: tuple[tuple[int, tuple[str, ...], str], ...] = ()
    """``(action index, parameter names, kind)``: fairness for each value of those parameters separately."""

    @property
    def any(self) -> int:
        return self.weak | self.strong


def _parse_fair_name(name: str) -> tuple[str, tuple[str, ...]]:
    """``"Loop"`` -> ``("Loop", ())``; ``"Loop[self]"`` -> ``("Loop", ("self",))``."""
    if name.endswith("]") and "[" in name:
        base, _, rest = name[:-1].partition("[")
        params = tuple(p.strip() for p in rest.split(",") if p.strip())
        if params:
            return base, params
    return name, ()


def fairness_of(
    actions: Sequence[Action], prop: Property | None = None, override: FairnessMap | None = None
) -> Fairness:
    """The fairness a property is checked under.

    ``override`` (all properties) wins over ``prop.fairness`` (this property), which wins
    over each action's own ``fair=``. A mapping names actions; an action it does not
    name is not fair. ``"Loop[self]"`` puts each instance of ``Loop`` (each value of its
    parameter ``self``) under that fairness on its own, as PlusCal's ``fair process`` does.
    """
    chosen: Mapping[str, Any] | None = override if override is not None else (prop.fairness if prop else None)
    names = [a.name for a in actions]
    if chosen is None:
        chosen = {a.name: a.fairness for a in actions}
    weak = strong = 0
    instances: list[tuple[int, tuple[str, ...], str]] = []
    for full, kind in chosen.items():
        name, params = _parse_fair_name(full)
        if name not in names:
            raise SpecError(f"fairness names unknown action {name!r}; the spec has: {', '.join(names)}")
        if kind is None:
            continue
        if kind not in ("weak", "strong"):
            raise SpecError(f"fairness of action {full!r} is {kind!r}; expected 'weak', 'strong' or None")
        i = names.index(name)
        if params:
            instances.append((i, params, kind))
        elif kind == "weak":
            weak |= 1 << i
        else:
            strong |= 1 << i
    return Fairness(weak, strong, tuple(instances))


def labelled(spec: Spec, actions: Sequence[Action], g: StateGraph, fair: Fairness) -> tuple[StateGraph, Fairness]:
    """The graph and fairness with one bit per instance class (action, parameter values) of per-instance fairness.

    The recorded edges carry no parameters, so the actions under per-instance fairness
    are run again on every state: enabled classes, and the class of each step.
    """
    if not fair.instances:
        return g, fair
    key = fingerprint_key(spec) or (lambda x: x)
    index = {k: i for i, k in enumerate(g.keys)}
    bits: dict[tuple[int, tuple[Any, ...]], int] = {}
    nxt = len(actions)
    enabled = list(g.enabled)
    extra: dict[tuple[int, int], int] = {}
    weak, strong = fair.weak, fair.strong
    for i, state in enumerate(g.states):
        for ai, params, kind in fair.instances:
            for pm, t in actions[ai].fn(state) or ():
                j = index.get(key(t))
                if j is None or j == i:
                    continue  # a stutter, or a successor outside the graph (cut by the constraint)
                cls = (ai, tuple(_hashable(pm.get(p)) for p in params))
                bit = bits.get(cls)
                if bit is None:
                    bit = bits[cls] = 1 << nxt
                    nxt += 1
                    if kind == "weak":
                        weak |= bit
                    else:
                        strong |= bit
                enabled[i] |= bit
                extra[(i, j)] = extra.get((i, j), 0) | bit
    return replace(g, enabled=enabled, extra=extra), Fairness(weak, strong, fair.instances)


def _hashable(v: Any) -> Any:
    try:
        hash(v)
    except TypeError:
        return repr(v)
    return v


def _fair_components(g: StateGraph, inside: set[int], fair: Fairness) -> list[list[int]]:
    """The components of the subgraph on ``inside`` that hold a fair cycle (after strong-fairness refinement)."""
    found: list[list[int]] = []
    todo = [c for c in strongly_connected(inside, g.succ, inside) if len(c) > 1]
    while todo:
        comp = todo.pop()
        members = set(comp)
        somewhere = 0
        everywhere = -1
        for v in comp:
            somewhere |= g.enabled[v]
            everywhere &= g.enabled[v]
        taken = 0
        for v in comp:
            for w, ai in g.succ[v]:
                if w in members:
                    taken |= g.label(v, w, ai)
        starved = fair.strong & somewhere & ~taken
        if starved:
            # A fair cycle in here may only visit states where no starved action is enabled.
            rest = {v for v in comp if not g.enabled[v] & starved}
            todo.extend(c for c in strongly_connected(rest, g.succ, rest) if len(c) > 1)
        elif not fair.weak & everywhere & ~taken:
            found.append(comp)
    return found


# -- searching the graph ----------------------------------------------------------


def _bfs_path(g: StateGraph, sources: Iterable[int], allowed: Any, goal: Callable[[int], bool]) -> list[int] | None:
    """The shortest path (node list) from a source to a goal node, through ``allowed`` nodes."""
    parent: dict[int, int] = {}
    queue: deque[int] = deque()
    for s in sources:
        if s in allowed and s not in parent:
            parent[s] = -1
            queue.append(s)
    while queue:
        v = queue.popleft()
        if goal(v):
            path = [v]
            while parent[path[-1]] != -1:
                path.append(parent[path[-1]])
            path.reverse()
            return path
        for w, _ai in g.succ[v]:
            if w not in parent and w in allowed:
                parent[w] = v
                queue.append(w)
    return None


def _backward(g: StateGraph, targets: Iterable[int], allowed: set[int]) -> set[int]:
    """The nodes of ``allowed`` that reach a target through ``allowed`` nodes."""
    seen = set(targets)
    todo = list(seen)
    pred = g.pred
    while todo:
        v = todo.pop()
        for u in pred[v]:
            if u not in seen and u in allowed:
                seen.add(u)
                todo.append(u)
    return seen


def _step_bits(g: StateGraph, u: int, v: int) -> int:
    """Every fairness bit a step ``u -> v`` counts for (all the actions that make it)."""
    bits = 0
    for w, ai in g.succ[u]:
        if w == v:
            bits |= g.label(u, w, ai)
    return bits


def _disabled_at(g: StateGraph, bit: int) -> Callable[[int], bool]:
    return lambda v: not g.enabled[v] & bit


def _loop_through(g: StateGraph, comp: list[int], entry: int, fair: Fairness) -> list[int]:
    """A cycle from ``entry`` back to it inside ``comp`` that is fair (node list, ``entry`` first, not repeated)."""
    members = set(comp)
    everywhere = -1
    somewhere = 0
    for v in comp:
        everywhere &= g.enabled[v]
        somewhere |= g.enabled[v]
    # Waypoints: an edge of each action the loop must take, a state where each other weakly fair action is off.
    edges_needed = (fair.weak & everywhere) | (fair.strong & somewhere)
    off_needed = fair.weak & ~everywhere
    loop = [entry]
    taken = 0
    off = ~g.enabled[entry]

    def walk_to(goal: Callable[[int], bool]) -> None:
        nonlocal taken, off
        path = _bfs_path(g, [loop[-1]], members, goal)
        assert path is not None, "a component is strongly connected"
        for a, b in itertools.pairwise(path):
            taken |= _step_bits(g, a, b)
            off |= ~g.enabled[b]
            loop.append(b)

    for b in range(max(edges_needed.bit_length(), off_needed.bit_length())):
        bit = 1 << b
        if edges_needed & bit and not taken & bit:
            src, dst = next((v, w) for v in comp for w, a in g.succ[v] if w in members and g.label(v, w, a) & bit)
            if loop[-1] != src:
                walk_to(src.__eq__)
            taken |= _step_bits(g, src, dst)
            off |= ~g.enabled[dst]
            loop.append(dst)
        elif off_needed & bit and not off & bit:
            walk_to(_disabled_at(g, bit))
    if len(loop) == 1:
        # No fairness to satisfy, yet the end is a cycle: step to any neighbour inside.
        loop.append(next(w for w, _ai in g.succ[entry] if w in members))
    if loop[-1] != entry:
        walk_to(entry.__eq__)
    loop.pop()  # the closing step returns to ``entry``
    return loop


@dataclass(frozen=True)
class Lasso:
    """Node indices of a counterexample: ``nodes[loop:]`` repeats forever (a single node: stuttering)."""

    nodes: list[int]
    loop: int


def find_lasso(
    g: StateGraph, prop: Property, fair: Fairness, p: Sequence[bool], q: Sequence[bool] | None
) -> Lasso | None:
    """A fair behaviour that violates ``prop`` on the graph, or None if the property holds."""
    n = len(g)
    everything = range(n)
    if prop.kind == "eventually":
        avoid = {i for i in everything if not p[i]}
    else:
        goal = q if prop.kind == "leads_to" else p
        assert goal is not None
        avoid = {i for i in everything if not goal[i]}
    if not avoid:
        return None
    stutter = {i for i in avoid if not g.enabled[i] & fair.any}
    comps = _fair_components(g, avoid, fair)
    comp_of = {v: c for c in comps for v in c}
    ends = stutter | set(comp_of)
    if not ends:
        return None
    reach = _backward(g, ends, avoid)
    if prop.kind == "eventually":
        prefix_allowed: Any = avoid
        starts = reach
    elif prop.kind == "always_eventually":
        prefix_allowed = everything
        starts = reach
    else:
        assert q is not None
        prefix_allowed = everything
        starts = {i for i in reach if p[i]}
    if not starts:
        return None
    prefix = _bfs_path(g, g.initial, prefix_allowed, starts.__contains__)
    if prefix is None:
        return None
    middle = _bfs_path(g, [prefix[-1]], avoid, lambda v: v in stutter or v in comp_of)
    assert middle is not None
    nodes = prefix + middle[1:]
    end = nodes[-1]
    if end in stutter:
        return Lasso(nodes, len(nodes) - 1)
    loop = _loop_through(g, comp_of[end], end, fair)
    return Lasso(nodes + loop[1:], len(nodes) - 1)


# -- replaying and re-checking a lasso --------------------------------------------


def _rebuild(spec: Spec, actions: Sequence[Action], g: StateGraph, lasso: Lasso, inits: Sequence[Any]) -> Trace:
    key = fingerprint_key(spec) or (lambda s: s)
    first = g.keys[lasso.nodes[0]]
    start = next((s for s in inits if key(s) == first), None)
    if start is None:
        raise ReplayError("liveness counterexample does not start in an initial state")
    steps = [Step(start)]
    for i, (u, v) in enumerate(itertools.pairwise(lasso.nodes), start=2):
        want = g.keys[v]
        candidates = [actions[ai] for w, ai in g.succ[u] if w == v]
        step = find_step(candidates, steps[-1].state, reaches=reaching(key, want))
        if step is None:
            raise ReplayError(f"liveness counterexample state {i} does not replay")
        steps.append(step)
    return Trace(tuple(steps), lasso.loop)


def _step_mask(
    spec: Spec, actions: Sequence[Action], fair: Fairness, key: Callable[[Any], Any], s: Any, want: Any
) -> tuple[int, int, set[tuple[int, tuple[Any, ...]]], set[tuple[int, tuple[Any, ...]]]]:
    """``(enabled, doing, enabled classes, doing classes)``: non-stuttering steps from ``s``, and those to ``want``.

    The classes are the per-instance fairness classes ``(action index, parameter values)``.
    """
    constraint = spec.constraint if spec.overrides("constraint") else None
    per_instance = {ai: params for ai, params, _kind in fair.instances}
    here = key(s)
    enabled = doing = 0
    en_cls: set[tuple[int, tuple[Any, ...]]] = set()
    do_cls: set[tuple[int, tuple[Any, ...]]] = set()
    for ai, act in enumerate(actions):
        for pm, t in act.fn(s) or ():
            kt = key(t)
            if kt == here or (constraint is not None and not constraint(t)):
                continue
            enabled |= 1 << ai
            cls = (ai, tuple(_hashable(pm.get(p)) for p in per_instance[ai])) if ai in per_instance else None
            if cls is not None:
                en_cls.add(cls)
            if want is not None and kt == want:
                doing |= 1 << ai
                if cls is not None:
                    do_cls.add(cls)
    return enabled, doing, en_cls, do_cls


def verify_lasso(spec: Spec, actions: Sequence[Action], prop: Property, fair: Fairness, trace: Trace) -> None:
    """Re-check a replayed lasso against the spec: it violates ``prop`` and its loop is fair. Raises ReplayError."""
    key = fingerprint_key(spec) or (lambda s: s)
    states = trace.states
    loop = trace.loop
    if loop is None or not 0 <= loop < len(states):
        raise ReplayError("a liveness counterexample needs a loop")
    p = [bool(prop.p(s)) for s in states]
    if prop.kind == "eventually":
        ok = not any(p)
    elif prop.kind == "always_eventually":
        ok = not any(p[loop:])
    else:
        assert prop.q is not None
        q = [bool(prop.q(s)) for s in states]
        # Some P-state after which Q never holds again: the rest of the prefix and the whole loop.
        ok = any(p[i] and not any(q[min(i, loop) :]) for i in range(len(states)))
    if not ok:
        raise ReplayError(f"the lasso for {prop.name!r} does not violate it when replayed")
    cycle = states[loop:]
    enabled_all = -1
    enabled_any = 0
    taken = 0
    cls_sets: list[set[tuple[int, tuple[Any, ...]]]] = []
    cls_taken: set[tuple[int, tuple[Any, ...]]] = set()
    for i, s in enumerate(cycle):
        nxt = cycle[(i + 1) % len(cycle)] if len(cycle) > 1 else None
        enabled, doing, en_cls, do_cls = _step_mask(spec, actions, fair, key, s, key(nxt) if nxt is not None else None)
        if nxt is not None and not doing:
            raise ReplayError(f"the loop of {prop.name!r} does not close: no step from state {loop + i + 1}")
        enabled_all &= enabled
        enabled_any |= enabled
        taken |= doing
        cls_sets.append(en_cls)
        cls_taken |= do_cls
    kind_of = {ai: kind for ai, _p, kind in fair.instances}
    cls_all = set.intersection(*cls_sets)
    cls_any = set.union(*cls_sets)
    # Only the action bits of the masks: the class bits of the graph are re-derived here from the spec.
    mask = (1 << len(actions)) - 1
    weak, strong = fair.weak & mask, fair.strong & mask
    if len(cycle) == 1:
        if enabled_any & (weak | strong) or cls_any:
            raise ReplayError(f"the lasso for {prop.name!r} stutters where a fair action is enabled")
        return
    unfair_weak = any(kind_of[c[0]] == "weak" for c in cls_all - cls_taken)
    unfair_strong = any(kind_of[c[0]] == "strong" for c in cls_any - cls_taken)
    if weak & enabled_all & ~taken or strong & enabled_any & ~taken or unfair_weak or unfair_strong:
        raise ReplayError(f"the loop of {prop.name!r} is not fair when replayed")


# -- the check ----------------------------------------------------------------------


class _Lazy(Sequence[bool]):
    """``prop.p`` on each state, evaluated when first asked."""

    def __init__(self, prop: Property, states: Sequence[Any]) -> None:
        self.prop = prop
        self.states = states
        self.memo: dict[int, bool] = {}

    def __len__(self) -> int:
        return len(self.states)

    def __getitem__(self, i: Any) -> Any:
        v = self.memo.get(i)
        if v is None:
            v = self.memo[i] = _evaluate(self.prop, self.prop.p, [self.states[i]])[0]
        return v


def _evaluate(prop: Property, fn: Callable[[Any], bool], states: Sequence[Any]) -> list[bool]:
    try:
        return [bool(fn(s)) for s in states]
    except Exception as exc:
        raise SpecError(f"property {prop.name!r} raised {type(exc).__name__}: {exc}") from exc


def check_graph(
    spec: Spec,
    graph: GraphRecorder,
    result: Result,
    *,
    inits: Sequence[Any] | None = None,
    properties: Sequence[str] | None = None,
    fairness: FairnessMap | None = None,
    keep_going: bool = False,
) -> Result:
    """Check the temporal properties on the graph a finished run recorded; returns ``result`` updated.

    Nothing is checked when the run found a violation or did not finish exploring
    (a liveness verdict on part of a graph would be unsound); then
    ``result.figures.liveness_seconds`` stays None. With ``keep_going`` (``check
    --continue``) a complete graph is checked even after invariant violations, and
    every failing property is recorded instead of only the first.
    """
    props = temporal_properties(spec, properties)
    if (result.violation is not None and not keep_going) or not result.complete or not props:
        return result
    # Millions of small acyclic tuples and lists: the cyclic collector would rescan them all, for nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _check_graph(spec, graph, result, props, fairness, inits, keep_going)
    finally:
        if was_enabled:
            gc.enable()


def _check_graph(
    spec: Spec,
    graph: GraphRecorder,
    result: Result,
    props: Sequence[Property],
    fairness: FairnessMap | None,
    inits: Sequence[Any] | None,
    keep_going: bool = False,
) -> Result:
    start = time.monotonic()
    actions = list(spec.actions())
    g = StateGraph.from_recorder(graph)
    inits = list(inits) if inits is not None else list(spec.init())
    checked = 0
    for prop in props:
        checked += 1
        fair = fairness_of(actions, prop, fairness)
        pg, fair = labelled(spec, actions, g, fair)
        q: list[bool] | None = None
        p: Sequence[bool]
        if prop.kind == "leads_to":
            if prop.q is None:
                raise SpecError(f"property {prop.name!r} is leads_to but has no q")
            q = _evaluate(prop, prop.q, g.states)
            p = _Lazy(prop, g.states)  # P matters only where ~Q holds and a fair end is reachable
        else:
            p = _evaluate(prop, prop.p, g.states)
        lasso = find_lasso(pg, prop, fair, p, q)
        if lasso is not None:
            trace = _rebuild(spec, actions, pg, lasso, inits)
            verify_lasso(spec, actions, prop, fair, trace)
            found = Violation("liveness", prop.name, prop.doc, trace)
            result.violations.append(found)
            if result.violation is None:
                result.violation = found
            if not keep_going:
                result.complete = False
                break
    result.figures.liveness_seconds = time.monotonic() - start
    result.figures.liveness_properties = checked
    return result
