"""Partial-order reduction for safety: per state, explore a stubborn subset of the enabled steps.

Actions declare footprints (``@action(reads=..., writes=...)``): names of state fields
or coarser labels, each optionally indexed by the action's parameters
(``"health[host]"``). A step of an action is one *instance*: the action with one
value of its parameters; its footprint is the templates with the parameters filled
in. Two instances are *dependent* when one writes what the other reads or writes.
Independent instances commute and neither enables nor disables the other, as long
as ``reads`` covers everything an action looks at (guard included) and ``writes``
everything it may change. That promise is the spec's; the checker cannot check it.

At a state, the instances are the enabled ones (seen: they yielded steps) and, per
action, a *remainder* standing for its disabled instances (the templates with any
index but the enabled ones'). A set S of them is closed (a strong stubborn set,
Valmari) when every instance dependent on an enabled member is in S and, for a
disabled member, every instance that writes what it reads (could enable it) is in S.
Then no step outside S, from this state on, touches what S's enabled steps touch
before one of them runs: C1 of the ample-set conditions. The engine explores only
S's enabled steps when (C0) there is one, (C2) none of them writes what a checked
invariant or example reads, and (C3) the proviso of the engine holds (see
:mod:`ahvlab.checker.engine`). Without declarations nothing is reduced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ahvlab.checker.spec import Action, Footprint

_ALL = None
"""An undeclared footprint: everything."""


@dataclass(frozen=True)
class Template:
    """One footprint name: ``health[host]`` is ``Template("health", ("host",))``; ``pc[0]`` has a literal index."""

    name: str
    params: tuple[str, ...]
    literals: tuple[Any, ...] = ()
    """Per index: the literal value (an int or a quoted string), or _PARAM for a parameter's name."""

    def fill(self, params: Mapping[str, Any]) -> Item:
        if not self.params:
            return (self.name, _WHOLE, frozenset())
        try:
            return (
                self.name,
                tuple(params[p] if lit is _PARAM else lit for p, lit in zip(self.params, self.literals, strict=True)),
                frozenset(),
            )
        except KeyError:
            # The action's step has no such parameter: it may touch any index.
            return (self.name, _ANY, frozenset())


_PARAM = object()


def _literal(token: str) -> Any:
    if token.lstrip("-").isdigit():
        return int(token)
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        return token[1:-1]
    return _PARAM


_WHOLE = "whole"
_ANY = "any"
Item = tuple[str, Any, frozenset[Any]]
"""(name, index or _WHOLE or _ANY, indexes excluded from _ANY)."""
Items = tuple[Item, ...] | None


def parse(footprint: Footprint) -> tuple[Template, ...] | None:
    """``("x", "health[host]")`` as templates; None stays None (everything)."""
    if footprint is None:
        return None
    out = []
    for text in footprint:
        name, _, rest = text.partition("[")
        params = tuple(p.strip() for p in rest.rstrip("]").split(",") if p.strip()) if rest else ()
        out.append(Template(name.strip(), params, tuple(_literal(p) for p in params)))
    return tuple(out)


def _overlap(a: Item, b: Item) -> bool:
    if a[0] != b[0]:
        return False
    ia, ib = a[1], b[1]
    if ia == _WHOLE or ib == _WHOLE:
        return True
    if ia == _ANY and ib == _ANY:
        return True
    if ia == _ANY:
        return ib not in a[2]
    if ib == _ANY:
        return ia not in b[2]
    return bool(ia == ib)


def conflicts(a: Items, b: Items) -> bool:
    """Whether two footprints share a part (None is everything; empty is nothing)."""
    if a is None:
        return b is None or bool(b)
    if b is None:
        return bool(a)
    return any(_overlap(x, y) for x in a for y in b)


@dataclass(frozen=True)
class Node:
    """An instance of an action at a state: enabled (its steps are known) or the action's disabled remainder."""

    action: int
    reads: Items
    writes: Items
    enabled: bool
    visible: bool


def dependent(u: Node, v: Node) -> bool:
    return conflicts(u.writes, v.reads) or conflicts(u.reads, v.writes) or conflicts(u.writes, v.writes)


class Reducer:
    """Chooses, per state, the steps to explore: a stubborn subset of the enabled instances, or all of them."""

    def __init__(self, actions: Sequence[Action], visible_reads: Sequence[Footprint]) -> None:
        self.reads = [parse(a.reads) for a in actions]
        self.writes = [parse(a.writes) for a in actions]
        self.observed: Items = ()
        everything = False
        items: list[Item] = []
        for r in visible_reads:
            t = parse(r)
            if t is None:
                everything = True
            else:
                items.extend(x.fill({}) for x in t)  # a parameter's name in an invariant: any index
        if everything:
            self.observed = None
        else:
            self.observed = tuple(items)
        # An action whose writes nothing observed can see is a candidate for reduction; none: reduce nothing.
        self.candidates = [
            w is not None
            and (not conflicts(self._static(w), self.observed) or any(lit is _PARAM for x in w for lit in x.literals))
            for w in self.writes
        ]
        self.active = any(self.candidates)

    @staticmethod
    def _static(t: tuple[Template, ...] | None) -> Items:
        if t is None:
            return None
        return tuple((x.name, _WHOLE if not x.params else _ANY, frozenset()) for x in t)

    def _fill(self, t: tuple[Template, ...] | None, params: Mapping[str, Any]) -> Items:
        return None if t is None else tuple(x.fill(params) for x in t)

    def _remainder(self, ai: int, enabled_params: Sequence[Mapping[str, Any]]) -> Node:
        """The disabled instances of action ``ai``: any index but those of its enabled instances."""

        def widen(t: tuple[Template, ...] | None) -> Items:
            if t is None:
                return None
            out: list[Item] = []
            for x in t:
                if not x.params:
                    out.append((x.name, _WHOLE, frozenset()))
                    continue
                # The enabled indexes are excluded only when the template names every parameter:
                # then an index is one instance, and that instance is enabled, not in the remainder.
                keys = {frozenset(p) for p in enabled_params}
                named = [q for q, lit in zip(x.params, x.literals, strict=True) if lit is _PARAM]
                exact = keys == {frozenset(named)} and len(named) == len(x.params)
                skip = frozenset(tuple(p[q] for q in x.params) for p in enabled_params) if exact else frozenset()
                out.append((x.name, _ANY, skip))
            return tuple(out)

        w = widen(self.writes[ai])
        return Node(ai, widen(self.reads[ai]), w, False, conflicts(w, self.observed))

    def choose(self, steps: Sequence[tuple[int, Mapping[str, Any]]]) -> list[bool] | None:
        """For the enabled steps ``(action, params)`` of a state, which to explore; None: all of them."""
        if not self.active or len(steps) < 2:
            return None
        # Group the steps into instances (an instance may yield several steps: a nondeterministic outcome).
        inst_of: list[int] = []
        keys: dict[tuple[int, Any], int] = {}
        nodes: list[Node] = []
        params_by_action: dict[int, list[Mapping[str, Any]]] = {}
        for ai, params in steps:
            k = (ai, tuple(sorted(params.items())) if params else ())
            idx = keys.get(k)
            if idx is None:
                idx = keys[k] = len(nodes)
                w = self._fill(self.writes[ai], params)
                nodes.append(Node(ai, self._fill(self.reads[ai], params), w, True, conflicts(w, self.observed)))
                params_by_action.setdefault(ai, []).append(params)
            inst_of.append(idx)
        n_enabled = len(nodes)
        if n_enabled < 2:
            return None
        for ai in range(len(self.reads)):
            ps = params_by_action.get(ai)
            if ps is not None and all(not p for p in ps):
                continue  # an action without parameters has one instance, and it is enabled
            nodes.append(self._remainder(ai, ps or []))
        best: set[int] | None = None
        for seed in range(n_enabled):
            if nodes[seed].visible or not self.candidates[nodes[seed].action]:
                continue
            s = self._closure(nodes, seed, n_enabled)
            if s is not None and (best is None or len(s) < len(best)):
                best = s
                if len(best) == 1:
                    break
        if best is None or len(best) == n_enabled:
            return None
        return [i in best for i in inst_of]

    def _closure(self, nodes: list[Node], seed: int, n_enabled: int) -> set[int] | None:
        """The enabled members of the stubborn set grown from ``seed``; None when one is visible."""
        members = {seed}
        work = [seed]
        while work:
            u = nodes[work.pop()]
            for j, v in enumerate(nodes):
                if j in members:
                    continue
                # enabled u: everything dependent on it; disabled u: everything that may enable it
                pulled = dependent(u, v) if u.enabled else conflicts(v.writes, u.reads)
                if pulled:
                    if v.enabled and v.visible:
                        return None
                    members.add(j)
                    work.append(j)
        enabled = {j for j in members if j < n_enabled}
        return enabled if len(enabled) < n_enabled else None
