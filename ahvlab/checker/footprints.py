"""Audit a spec's footprint declarations against its full state graph.

Partial-order reduction is sound only if the footprints an action declares tell the
truth (:mod:`ahvlab.checker.por`), and the checker cannot prove that from the code.
This audit tests, on every reachable state of a (small) instance, exactly what the
reduction relies on:

- *enabling*: a step that writes nothing an instance reads neither enables nor
  disables it (the reducer pulls into a stubborn set only the writers of what a
  disabled instance reads);
- *commuting*: two independent instances enabled together reach the same states in
  either order (and each stays enabled after the other);
- *invisibility*: a step that writes nothing an invariant or example declares it
  reads leaves that predicate's value unchanged (C2).

It explores the full graph breadth-first (no reduction; the constraint cuts states as
in a check), up to ``max_states`` states; a state whose successors it did not compute
takes part in no check. A finding names the state by the steps that reach it from an
initial state. Passing the audit on a small instance is evidence, not a proof: a
declaration can still be wrong on states only a larger instance reaches.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ahvlab.checker.engine import SpecError, spec_error
from ahvlab.checker.por import Feet, Node, Reducer, dependent, foot, meets, parse
from ahvlab.checker.spec import Action, Footprint, Spec
from ahvlab.checker.trace import fingerprint_key
from ahvlab.checker.values import show

DEFAULT_AUDIT_STATES = 200_000
"""States the audit explores unless told otherwise: it keeps every state and edge in memory."""

Inst = tuple[int, tuple[tuple[str, Any], ...]]
"""An action instance: the action's index and its parameters (sorted)."""


@dataclass(frozen=True)
class Finding:
    """One way the declared footprints disagree with what the spec does."""

    kind: str
    """``enables``, ``disables``, ``commute`` or ``visible``."""
    message: str
    path: tuple[str, ...]
    """The steps from an initial state to the state where it shows."""

    def line(self) -> str:
        where = f"the state reached by {' -> '.join(self.path)}" if self.path else "an initial state"
        return f"{self.message} (at {where})"


@dataclass
class Audit:
    """What the audit looked at and what it found."""

    states: int = 0
    expanded: int = 0
    steps: int = 0
    pairs: int = 0
    """Pairs of independent enabled instances whose two orders were compared."""
    predicates: list[str] = field(default_factory=list)
    """The invariants and examples with declared reads, whose invisibility was tested."""
    declared: int = 0
    """Actions that declare a footprint."""
    complete: bool = True
    """Whether every reachable state was expanded (False: stopped at max_states)."""
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        if not self.declared and not self.predicates:
            return (
                "the spec declares no footprint: its checks explore every enabled step, and there is nothing to audit"
            )
        scope = "every reachable state" if self.complete else f"the first {self.expanded:,} states (max_states)"
        return (
            f"footprints of {_count(self.declared, 'action')} audited on {scope}: {self.steps:,} steps, "
            f"{_count(self.pairs, 'independent pair')} commuted, {_count(len(self.predicates), 'predicate')} "
            "with declared reads"
        )


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def _label(actions: Sequence[Action], inst: Inst) -> str:
    name = actions[inst[0]].name
    if not inst[1]:
        return name
    return f"{name}({', '.join(f'{k}={show(v, quote=False)}' for k, v in inst[1])})"


class _Graph:
    """The explored graph: states by id, each expanded state's instances and their successor ids."""

    def __init__(self, spec: Spec, max_states: int) -> None:
        self.spec = spec
        self.actions = list(spec.actions())
        self.key: Callable[[Any], Any] = fingerprint_key(spec) or (lambda s: s)
        self.constraint = spec.constraint if spec.overrides("constraint") else None
        self.states: list[Any] = []
        self.parent: list[tuple[int, Inst] | None] = []
        self.ids: dict[Hashable, int] = {}
        self.out: dict[int, dict[Inst, frozenset[int]]] = {}
        self.complete = True
        self.n_steps = 0
        self._explore(max_states)

    def _add(self, state: Any, parent: tuple[int, Inst] | None) -> int:
        k = self.key(state)
        i = self.ids.get(k)
        if i is None:
            i = self.ids[k] = len(self.states)
            self.states.append(state)
            self.parent.append(parent)
        return i

    def _explore(self, max_states: int) -> None:
        try:
            inits = list(self.spec.init())
        except SpecError:
            raise
        except Exception as exc:
            raise spec_error(exc, "init", self.spec, self.spec.init) from exc
        for s in inits:
            self._add(s, None)
        i = 0
        while i < len(self.states):
            if i >= max_states:
                self.complete = False
                break
            s = self.states[i]
            if self.constraint is None or self._holds(self.constraint, s, "constraint"):
                self.out[i] = self._expand(i, s)
            i += 1

    def _holds(self, fn: Callable[[Any], Any], s: Any, where: str) -> bool:
        try:
            return bool(fn(s))
        except SpecError:
            raise
        except Exception as exc:
            raise spec_error(exc, where, self.spec, fn) from exc

    def _expand(self, i: int, s: Any) -> dict[Inst, frozenset[int]]:
        found: dict[Inst, set[int]] = {}
        for ai, a in enumerate(self.actions):
            try:
                for params, nxt in a.fn(s):
                    inst: Inst = (ai, tuple(sorted(params.items())) if params else ())
                    found.setdefault(inst, set()).add(self._add(nxt, (i, inst)))
                    self.n_steps += 1
            except SpecError:
                raise
            except Exception as exc:
                raise spec_error(exc, f"action {a.name!r}", self.spec, a.fn) from exc
        return {k: frozenset(v) for k, v in found.items()}

    def path(self, i: int) -> tuple[str, ...]:
        out = []
        p = self.parent[i]
        while p is not None:
            out.append(_label(self.actions, p[1]))
            p = self.parent[p[0]]
        return tuple(reversed(out))


def _predicates(spec: Spec) -> list[tuple[str, Callable[[Any], Any], Feet]]:
    """Invariants and examples that declare what they read, with the footprint that reads (any index)."""
    named: list[tuple[str, Callable[[Any], Any], Footprint]] = [(i.name, i.fn, i.reads) for i in spec.invariants()]
    named += [(p.name, p.p, p.reads) for p in spec.properties() if p.kind == "sometimes"]
    out = []
    for name, fn, reads in named:
        templates = parse(reads)
        if templates is None:
            continue  # undeclared: every step is visible to it, nothing to test
        out.append((name, fn, foot(tuple(t.fill({}) for t in templates))))
    return out


def audit(spec: Spec, *, max_states: int = DEFAULT_AUDIT_STATES, max_findings: int = 10) -> Audit:
    """Explore ``spec``'s full graph (up to ``max_states`` states) and test its footprint declarations."""
    declared = sum(1 for a in spec.actions() if a.writes is not None)
    preds = _predicates(spec)
    if not declared and not preds:
        return Audit(complete=False)  # nothing to test: the graph is not even explored
    g = _Graph(spec, max_states)
    acts = g.actions
    result = Audit(
        states=len(g.states),
        expanded=len(g.out),
        steps=g.n_steps,
        complete=g.complete,
        declared=declared,
        predicates=[name for name, _fn, _f in preds],
    )
    reducer = Reducer(acts, [])
    nodes: dict[Inst, Node] = {}

    def node(inst: Inst) -> Node:
        n = nodes.get(inst)
        if n is None:
            n = nodes[inst] = reducer.node(inst[0], inst[1], True)
        return n

    values: dict[tuple[int, int], bool] = {}

    def value(pi: int, i: int) -> bool:
        k = (pi, i)
        v = values.get(k)
        if v is None:
            name, fn, _f = preds[pi]
            v = values[k] = g._holds(fn, g.states[i], f"predicate {name!r}")
        return v

    def found(kind: str, message: str, at: int) -> bool:
        result.findings.append(Finding(kind, message, g.path(at)))
        return len(result.findings) >= max_findings

    for i, here in g.out.items():
        for b, succs in here.items():
            nb = node(b)
            for j in succs:
                there = g.out.get(j)
                if there is None:
                    continue
                # Enabling: an instance whose reads b's writes miss is enabled after b iff before it.
                for a in here.keys() | there.keys():
                    if a == b or meets(nb.writes, node(a).reads):
                        continue
                    before, after = a in here, a in there
                    if before != after:
                        verb = "enables" if after else "disables"
                        msg = (
                            f"{_label(acts, b)} {verb} {_label(acts, a)}, although it writes nothing "
                            f"{acts[a[0]].name} declares it reads"
                        )
                        if found(verb, msg, i):
                            return result
                # Invisibility: a predicate whose reads b's writes miss keeps its value.
                for pi, (name, _fn, reads) in enumerate(preds):
                    if not meets(nb.writes, reads) and value(pi, i) != value(pi, j):
                        msg = (
                            f"{_label(acts, b)} changes the value of {name} (to {value(pi, j)}), although it writes "
                            f"nothing {name} declares it reads"
                        )
                        if found("visible", msg, i):
                            return result
        # Commuting: two independent instances enabled together reach the same states in either order.
        insts = list(here)
        for x in range(len(insts)):
            for y in range(x + 1, len(insts)):
                a, b = insts[x], insts[y]
                if dependent(node(a), node(b)):
                    continue
                ab = _then(g, here[a], b)
                ba = _then(g, here[b], a)
                if ab is None or ba is None:
                    continue  # a successor was not expanded, or one disables the other (the enabling test)
                result.pairs += 1
                if ab != ba:
                    msg = (
                        f"{_label(acts, a)} and {_label(acts, b)} are declared independent, but taken in the two "
                        "orders they reach different states"
                    )
                    if found("commute", msg, i):
                        return result
    return result


def _then(g: _Graph, firsts: frozenset[int], inst: Inst) -> frozenset[int] | None:
    """The states ``inst`` reaches from the states in ``firsts``; None when one of them was not expanded
    or ``inst`` is not enabled there."""
    out: set[int] = set()
    for j in firsts:
        there = g.out.get(j)
        if there is None or inst not in there:
            return None
        out |= there[inst]
    return frozenset(out)


def audit_json(a: Audit) -> dict[str, Any]:
    """The audit as ``check --audit-footprints --json`` prints it."""
    return {
        "footprints": "ok" if a.ok else "wrong",
        "complete": a.complete,
        "states": a.states,
        "expanded": a.expanded,
        "steps": a.steps,
        "pairs": a.pairs,
        "declared": a.declared,
        "predicates": a.predicates,
        "findings": [{"kind": f.kind, "message": f.message, "path": list(f.path)} for f in a.findings],
    }
