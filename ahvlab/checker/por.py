"""Partial-order reduction for safety: per state, explore a stubborn subset of the enabled steps.

Actions declare footprints (``@action(reads=..., writes=...)``): names of state fields
or coarser labels, each optionally indexed by the action's parameters
(``"health[host]"``). A step of an action is one *instance*: the action with one
value of its parameters; its footprint is the templates with the parameters filled
in. Two instances are *dependent* when one writes what the other reads or writes.
Independent instances commute and neither enables nor disables the other, as long
as ``reads`` covers everything an action looks at (guard included) and ``writes``
everything it may change. That promise is the spec's; the checker cannot check it.

At a state, the instances are the enabled ones (seen: they yielded steps) and the
disabled ones, which the reducer never enumerates: it names a *group* of them when a
footprint index says which (the instances of ``hop`` with ``i = 1``, dependent on a
step that writes ``pc[1]``), and otherwise the action's *remainder* (all its disabled
instances). A set S of them is closed (a strong stubborn set, Valmari) when every
instance dependent on an enabled member is in S and, for a disabled member, every
instance that writes what it reads (could enable it) is in S. Then no step outside S,
from this state on, touches what S's enabled steps touch before one of them runs: C1
of the ample-set conditions. The engine explores only S's enabled steps when (C0)
there is one, (C2) none of them writes what a checked invariant or example reads, and
(C3) the proviso of the engine holds (see :mod:`ahvlab.checker.engine`). Without
declarations nothing is reduced, and when every step is visible the reducer says it
is inactive, so the search takes its plain path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ahvlab.checker.spec import Action, Footprint

_PARAM = object()
_WHOLE = "whole"
_ANY = "any"
Item = tuple[str, Any, frozenset[Any]]
"""(name, index or _WHOLE or _ANY, indexes excluded from _ANY)."""
Items = tuple[Item, ...] | None
"""A filled footprint; None is everything (undeclared)."""
Params = tuple[tuple[str, Any], ...]
"""An instance's parameters as a hashable key."""


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
            # The step has no such parameter (or a group leaves it open): it may touch any index.
            return (self.name, _ANY, frozenset())

    def solve(self, index: tuple[Any, ...]) -> dict[str, Any] | None:
        """The parameters under which this template names ``index``; None when it never does."""
        if len(index) != len(self.params):
            return None
        out: dict[str, Any] = {}
        for p, lit, value in zip(self.params, self.literals, index, strict=True):
            if lit is not _PARAM:
                if lit != value:
                    return None
            elif out.setdefault(p, value) != value:
                return None
        return out


def _literal(token: str) -> Any:
    if token.lstrip("-").isdigit():
        return int(token)
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        return token[1:-1]
    return _PARAM


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


class Foot:
    """A filled footprint with the sets that answer :func:`meets` in C: its exact ``(name, index)``
    keys, the names it touches wholly or at an unknown index, and all its names."""

    __slots__ = ("excluding", "items", "keys", "names", "wide")

    def __init__(self, items: tuple[Item, ...]) -> None:
        self.items = items
        self.keys = frozenset((x[0], x[1]) for x in items if isinstance(x[1], tuple))
        self.wide = frozenset(x[0] for x in items if not isinstance(x[1], tuple))
        self.names = frozenset(x[0] for x in items)
        self.excluding = any(x[2] for x in items)
        """An unknown index with exceptions (a remainder's): the sets alone cannot answer."""


Feet = Foot | None
"""None: everything (an undeclared footprint)."""


def foot(items: Items) -> Feet:
    return None if items is None else Foot(items)


def meets(a: Feet, b: Feet) -> bool:
    """:func:`conflicts` of two filled footprints, by set operations where no index has exceptions."""
    if a is None:
        return b is None or bool(b.items)
    if b is None:
        return bool(a.items)
    if a.excluding or b.excluding:
        return conflicts(a.items, b.items)
    return not (a.keys.isdisjoint(b.keys) and a.wide.isdisjoint(b.names) and b.wide.isdisjoint(a.names))


@dataclass(frozen=True)
class Node:
    """Instances of an action at a state: one enabled instance, a group of disabled ones, or the remainder."""

    action: int
    reads: Feet
    writes: Feet
    enabled: bool
    visible: bool


NodeKey = tuple[Any, ...]
"""("e", action, params) an enabled instance; ("g", action, params) the disabled instances with those
(partial) parameters; ("r", action) every disabled instance of the action."""


def dependent(u: Node, v: Node) -> bool:
    return meets(u.writes, v.reads) or meets(u.reads, v.writes) or meets(u.writes, v.writes)


Solution = tuple[Params, frozenset[str]]
"""Parameters solved from an index, and their names."""


class _State:
    """The nodes of one state and what each pulls into a stubborn set (computed once per node)."""

    def __init__(self, reducer: Reducer, enabled: dict[int, set[Params]], keys: list[NodeKey]) -> None:
        self.r = reducer
        self.nodes: dict[NodeKey, Node] = {}
        self.pulls: dict[NodeKey, list[NodeKey]] = {}
        self.by_action: dict[int, list[NodeKey]] = {}
        names: dict[int, set[frozenset[str]]] = {}
        for k in keys:
            ai, params = k[1], k[2]
            self.nodes[k] = reducer.node(ai, params, True)
            self.by_action.setdefault(ai, []).append(k)
            names.setdefault(ai, set()).add(frozenset(p for p, _v in params))
        self.enabled = enabled
        self.names = {ai: next(iter(n)) for ai, n in names.items() if len(n) == 1}
        """Per action, the parameter names of its enabled instances (when they agree)."""

    def node(self, key: NodeKey) -> Node:
        n = self.nodes.get(key)
        if n is None:
            ai = key[1]
            if key[0] == "g":
                n = self.r.node(ai, key[2], False)
            else:
                n = self.r.remainder(ai, [dict(k[2]) for k in self.by_action.get(ai, [])])
            self.nodes[key] = n
        return n

    def pulled(self, key: NodeKey) -> list[NodeKey]:
        """The nodes a member pulls in: enabled, what depends on it; disabled, what may enable it."""
        out = self.pulls.get(key)
        if out is not None:
            return out
        u = self.node(key)
        out = []
        r = self.r
        for ai in range(len(r.reads)):
            for k in self.by_action.get(ai, ()):
                if k != key:
                    v = self.nodes[k]
                    if dependent(u, v) if u.enabled else meets(v.writes, u.reads):
                        out.append(k)
            if u.enabled:
                found = [*r.disabled(ai, u.writes, "reads"), *r.disabled(ai, u.writes, "writes")]
                found += r.disabled(ai, u.reads, "writes")
            else:
                found = r.disabled(ai, u.reads, "writes")
            for g in found:
                if g[0] == "r":
                    # An action whose enabled instance takes no parameters has one instance, and it is enabled.
                    if self.covered(ai, ((), frozenset())):
                        continue
                    g2: NodeKey = ("r", ai)
                else:
                    if self.covered(ai, g[1]):
                        continue
                    g2 = ("g", ai, g[1][0])
                if g2 != key and g2 not in out:
                    out.append(g2)
        self.pulls[key] = out
        return out

    def covered(self, ai: int, solved: Solution) -> bool:
        """Whether the instances with these parameters are all enabled: the action's enabled instances
        take exactly these parameter names, and one of them has these values."""
        return self.names.get(ai) == solved[1] and solved[0] in self.enabled.get(ai, ())


class Reducer:
    """Chooses, per state, the steps to explore: a stubborn subset of the enabled instances, or all of them."""

    def __init__(self, actions: Sequence[Action], visible_reads: Sequence[Footprint]) -> None:
        self.reads = [parse(a.reads) for a in actions]
        self.writes = [parse(a.writes) for a in actions]
        everything = False
        items: list[Item] = []
        for r in visible_reads:
            t = parse(r)
            if t is None:
                everything = True
            else:
                items.extend(x.fill({}) for x in t)  # a parameter's name in an invariant: any index
        self.observed: Items = None if everything else tuple(items)
        # An action is a candidate seed when some instance of it can be invisible: each of its writes is
        # indexed by a parameter, and what is observed of that field is at literal indexes only.
        self.candidates = [w is not None and self._may_hide(w) for w in self.writes]
        self.active = any(self.candidates)
        self._nodes: dict[tuple[int, Params, bool], Node] = {}
        self._disabled: dict[tuple[int, Items, str], list[tuple[str, Solution]]] = {}
        self._choices: dict[tuple[NodeKey, ...], frozenset[int] | None] = {}

    def _may_hide(self, writes: tuple[Template, ...]) -> bool:
        if self.observed is None:
            return not writes
        for w in writes:
            for o in self.observed:
                if o[0] == w.name and (not w.params or not isinstance(o[1], tuple)):
                    return False
        return True

    # -- footprints, cached across states -------------------------------------------------

    def _fill(self, t: tuple[Template, ...] | None, params: Mapping[str, Any]) -> Items:
        return None if t is None else tuple(x.fill(params) for x in t)

    def node(self, ai: int, params: Params, enabled: bool) -> Node:
        """An enabled instance, or the group of disabled instances with these (maybe partial) parameters:
        its footprint filled once for all the states it occurs in."""
        key = (ai, params, enabled)
        n = self._nodes.get(key)
        if n is None:
            p = dict(params)
            w = self._fill(self.writes[ai], p)
            n = Node(ai, foot(self._fill(self.reads[ai], p)), foot(w), enabled, conflicts(w, self.observed))
            if len(self._nodes) > 1 << 16:
                self._nodes.clear()
            self._nodes[key] = n
        return n

    def disabled(self, ai: int, feet: Feet, role: str) -> list[tuple[str, Solution]]:
        """Which disabled instances of action ``ai`` have ``role`` (its reads or writes) meeting ``feet``:
        ("g", (parameters, names)) for a group named by an index, ("r", ...) for the whole remainder.
        The same whatever the state (which of them are enabled there is the state's business)."""
        items = None if feet is None else feet.items
        key = (ai, items, role)
        out = self._disabled.get(key)
        if out is None:
            out = self._solve_disabled(items, self.reads[ai] if role == "reads" else self.writes[ai])
            if len(self._disabled) > 1 << 16:
                self._disabled.clear()
            self._disabled[key] = out
        return out

    @staticmethod
    def _solve_disabled(items: Items, templates: tuple[Template, ...] | None) -> list[tuple[str, Solution]]:
        remainder: list[tuple[str, Solution]] = [("r", ((), frozenset()))]
        if templates is None:
            return remainder if items is None or items else []
        if items is None:
            return remainder if templates else []
        out: list[tuple[str, Solution]] = []
        for x in items:
            for y in templates:
                if y.name != x[0]:
                    continue
                if not y.params or not isinstance(x[1], tuple):
                    return remainder  # the whole field, or an index not known: any instance may meet it
                p = y.solve(x[1])
                if p is None:
                    continue
                g = ("g", (tuple(sorted(p.items())), frozenset(p)))
                if g not in out:
                    out.append(g)
        return out

    def remainder(self, ai: int, enabled_params: Sequence[Mapping[str, Any]]) -> Node:
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
        return Node(ai, foot(widen(self.reads[ai])), foot(w), False, conflicts(w, self.observed))

    # -- the choice ----------------------------------------------------------------------

    def choose(self, steps: Sequence[tuple[int, Mapping[str, Any]]]) -> list[bool] | None:
        """For the enabled steps ``(action, params)`` of a state, which to explore; None: all of them."""
        if not self.active or len(steps) < 2:
            return None
        # Group the steps into instances (an instance may yield several steps: a nondeterministic outcome).
        inst_of: list[int] = []
        index: dict[NodeKey, int] = {}
        keys: list[NodeKey] = []
        enabled: dict[int, set[Params]] = {}
        for ai, params in steps:
            pk: Params = tuple(sorted(params.items())) if params else ()
            k = ("e", ai, pk)
            i = index.get(k)
            if i is None:
                i = index[k] = len(keys)
                keys.append(k)
                enabled.setdefault(ai, set()).add(pk)
            inst_of.append(i)
        n_enabled = len(keys)
        if n_enabled < 2:
            return None
        # The choice depends only on the enabled instances (in their order): states that share them share it.
        ck = tuple(keys)
        if ck in self._choices:
            best = self._choices[ck]
        else:
            best = self._best(enabled, keys, index)
            if len(self._choices) > 1 << 16:
                self._choices.clear()
            self._choices[ck] = best
        if best is None:
            return None
        return [i in best for i in inst_of]

    def _best(
        self, enabled: dict[int, set[Params]], keys: list[NodeKey], index: dict[NodeKey, int]
    ) -> frozenset[int] | None:
        """The enabled instances of the smallest stubborn set over the seeds (the first one on a tie), or None."""
        n_enabled = len(keys)
        st = _State(self, enabled, keys)
        best: set[int] | None = None
        for seed in range(n_enabled):
            node = st.nodes[keys[seed]]
            if node.visible or not self.candidates[node.action]:
                continue
            s = self._closure(st, keys[seed], index, n_enabled, len(best) if best is not None else n_enabled)
            if s is not None and (best is None or len(s) < len(best)):
                best = s
                if len(best) == 1:
                    break
        if best is None or len(best) == n_enabled:
            return None
        return frozenset(best)

    def _closure(
        self, st: _State, seed: NodeKey, index: dict[NodeKey, int], n_enabled: int, bound: int
    ) -> set[int] | None:
        """The enabled members of the stubborn set grown from ``seed``; None when one is visible or
        when it takes in ``bound`` enabled instances or more (it cannot be the smallest)."""
        members = {seed}
        enabled = {index[seed]}
        work = [seed]
        while work:
            for k in st.pulled(work.pop()):
                if k in members:
                    continue
                members.add(k)
                if k[0] == "e":
                    if st.nodes[k].visible:
                        return None
                    enabled.add(index[k])
                    if len(enabled) >= bound:
                        return None
                work.append(k)
        return enabled if len(enabled) < n_enabled else None
