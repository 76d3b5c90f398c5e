"""The spec API: how a model is written for the checker.

A spec is a plain Python class. Decorators only tag methods; the class collects
them once, when it is defined (the habit of hypothesis' ``RuleBasedStateMachine``)::

    class DieHard(Spec):
        class State(NamedTuple):
            big: int
            small: int

        def init(self):
            yield self.State(big=0, small=0)

        @action
        def fill_small(self, s):
            yield {}, s._replace(small=3)

        @invariant("the big jug never holds exactly 4 gallons")
        def big_is_not_4(self, s):
            return s.big != 4

States must be immutable and hashable (``NamedTuple``, tuples, frozensets).
An action yields zero or more ``(params, next_state)`` pairs: zero means it is
not enabled in that state. ``params`` is a dict of the action's parameters, for
display and for replaying a trace.

The optional hooks are methods of :class:`Spec` with defaults, overridden where a
spec needs them: :meth:`Spec.constraint` (TLC's CONSTRAINT), :meth:`Spec.symmetry`
(a canonical representative), :meth:`Spec.view` (TLC's VIEW: the part of the state
that is fingerprinted), :meth:`Spec.explain_disabled`, :meth:`Spec.expression_names`
and the display hooks. The engine skips a hook that is not overridden.

A model made of parts (the AHV model's redirector, HA, IPAM) writes each part as a
:class:`Component` with the same decorators, and the spec lists its components.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, ParamSpec, TypeVar, overload

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])
Params = Mapping[str, Any]
Successors = Iterable[tuple[Params, Any]]
Fairness = Literal["weak", "strong"] | None
PropertyKind = Literal["sometimes", "eventually", "always_eventually", "leads_to"]
TagKind = Literal["action", "invariant", "sometimes", "eventually", "always_eventually", "leads_to", "explains"]

_TAG = "__ahvlab_tag__"


Footprint = tuple[str, ...] | None
"""What an action reads or writes, for partial-order reduction: names of state fields (or coarser
labels), each optionally indexed by the action's parameters, ``"health[host]"``; None: undeclared
(everything)."""


@dataclass(frozen=True)
class Action:
    """A named action: a function from a state to its ``(params, successor)`` pairs."""

    name: str
    fn: Callable[[Any], Successors]
    doc: str = ""
    fairness: Fairness = None
    reads: Footprint = None
    """What the action's guard and effect read (None: everything)."""
    writes: Footprint = None
    """What the action may change (None: everything)."""


@dataclass(frozen=True)
class Invariant:
    """A named state predicate that must hold in every reachable state."""

    name: str
    fn: Callable[[Any], bool]
    doc: str = ""
    reads: Footprint = None
    """The fields the predicate reads (None: everything): an action writing none of them is invisible to it."""


@dataclass(frozen=True)
class Property:
    """A temporal property over behaviours.

    ``sometimes``: some reachable state satisfies ``p`` (an example, not a failure).
    ``eventually``: every fair behaviour reaches a state satisfying ``p``.
    ``always_eventually``: every fair behaviour satisfies ``p`` infinitely often.
    ``leads_to``: every fair behaviour that reaches ``p`` later reaches ``q``.
    """

    name: str
    kind: PropertyKind
    p: Callable[[Any], bool]
    q: Callable[[Any], bool] | None = None
    doc: str = ""
    fairness: Mapping[str, Literal["weak", "strong"]] | None = None
    reads: Footprint = None
    """For ``sometimes``: the fields ``p`` reads (None: everything), as for an invariant."""


@dataclass(frozen=True)
class _Tag:
    kind: TagKind
    name: str | None
    doc: str
    fairness: Fairness = None
    targets: tuple[str, ...] = ()
    """For ``explains``: the actions whose disabled reason the method gives."""
    reads: Footprint = None
    writes: Footprint = None


def _first_line(fn: Callable[..., Any]) -> str:
    lines = (fn.__doc__ or "").strip().splitlines()
    return lines[0] if lines else ""


def _footprint(what: str, names: Iterable[str] | None) -> Footprint:
    """A declared footprint as a tuple of names; a bare string is one name, not its letters."""
    if names is None:
        return None
    if isinstance(names, str):
        names = (names,)
    out = tuple(names)
    for n in out:
        if not isinstance(n, str) or not n or n.count("[") != n.count("]"):
            raise TypeError(f"{what}= takes field names such as 'x' or 'health[host]', not {n!r}")
    return out


def _mark(kind: TagKind, doc: str, name: str | None, reads: Iterable[str] | None = None) -> Callable[[F], F]:
    fp = _footprint("reads", reads)

    def mark(fn: F) -> F:
        setattr(fn, _TAG, _Tag(kind, name, doc, reads=fp))
        return fn

    return mark


@overload
def action(fn: Callable[P, R], /) -> Callable[P, R]: ...
@overload
def action(
    *,
    name: str | None = None,
    fair: Fairness = None,
    reads: Iterable[str] | None = None,
    writes: Iterable[str] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...
def action(
    fn: Callable[P, R] | None = None,
    /,
    *,
    name: str | None = None,
    fair: Fairness = None,
    reads: Iterable[str] | None = None,
    writes: Iterable[str] | None = None,
) -> Callable[P, R] | Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a method ``(self, state) -> Iterable[(params, next_state)]`` as an action.

    The first line of its docstring describes it in reports. ``fair="weak"`` or
    ``"strong"`` puts the action under that fairness when temporal properties are checked.

    ``reads`` and ``writes`` declare its footprint for partial-order reduction (both or
    neither): names of state fields or coarser labels, each optionally indexed by the
    action's parameters, ``"health[host]"`` or ``"acks[host,vm]"``. ``reads`` must cover
    everything the guard and the effect look at; ``writes`` everything the step may change.
    """
    if (reads is None) != (writes is None):
        raise TypeError("@action: declare both reads= and writes= (writes=() for an action that changes nothing)")
    r, w = _footprint("reads", reads), _footprint("writes", writes)

    def mark(f: Callable[P, R]) -> Callable[P, R]:
        setattr(f, _TAG, _Tag("action", name, _first_line(f), fair, reads=r, writes=w))
        return f

    return mark(fn) if fn is not None else mark


def invariant(doc: str, *, name: str | None = None, reads: Iterable[str] | None = None) -> Callable[[F], F]:
    """Mark a method ``(self, state) -> bool`` as an invariant; ``doc`` is shown in reports.

    ``reads`` names the fields it reads (partial-order reduction: an action that writes
    none of them is invisible to it); undeclared, it reads everything.
    """
    return _mark("invariant", doc, name, reads)


def sometimes(doc: str, *, name: str | None = None, reads: Iterable[str] | None = None) -> Callable[[F], F]:
    """Mark a predicate that some reachable state must satisfy (an *example*); ``reads`` as for an invariant."""
    return _mark("sometimes", doc, name, reads)


def eventually(doc: str, *, name: str | None = None) -> Callable[[F], F]:
    """Mark a predicate that every fair behaviour must eventually satisfy (``<>P``)."""
    return _mark("eventually", doc, name)


def always_eventually(doc: str, *, name: str | None = None) -> Callable[[F], F]:
    """Mark a predicate that must hold infinitely often on every fair behaviour (``[]<>P``)."""
    return _mark("always_eventually", doc, name)


def leads_to(doc: str, *, name: str | None = None) -> Callable[[F], F]:
    """Mark a method returning ``(p, q)`` for a state: ``P ~> Q`` must hold."""
    return _mark("leads_to", doc, name)


def explains(*actions: str) -> Callable[[F], F]:
    """Mark a method ``(self, state) -> str | None`` that says why these actions have no step in a state.

    Written next to the actions it explains, so the reason lives with the guard::

        @action
        def recover_cvm(self, s): ...

        @explains("recover_cvm")
        def _no_cvm_down(self, s):
            return "no CVM is down"
    """
    if not actions:
        raise TypeError("explains() needs the name of at least one action")

    def mark(fn: F) -> F:
        setattr(fn, _TAG, _Tag("explains", None, "", None, tuple(actions)))
        return fn

    return mark


def _part(pair: Callable[[Any], tuple[bool, bool]], i: int) -> Callable[[Any], bool]:
    return lambda s: bool(pair(s)[i])


class Component:
    """Anything whose methods carry the spec decorators: a :class:`Spec`, or one part of a larger model.

    The tagged methods are collected once per class; :meth:`actions`, :meth:`invariants`
    and :meth:`properties` bind them to the instance. :meth:`includes` lets an instance
    leave some of its actions or invariants out (a failure kind its config switches off).
    """

    _tagged: ClassVar[tuple[tuple[str, _Tag], ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[str, _Tag] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                tag = getattr(value, _TAG, None)
                if isinstance(tag, _Tag):
                    found[attr] = tag
        cls._tagged = tuple(found.items())

    def includes(self, name: str) -> bool:
        """Whether this instance has the tagged action or invariant ``name`` (all of them by default)."""
        return True

    def _bound(self, kinds: tuple[TagKind, ...]) -> list[tuple[str, _Tag, Any]]:
        out = []
        for attr, tag in self._tagged:
            name = tag.name or attr
            if tag.kind in kinds and (tag.kind == "explains" or self.includes(name)):
                out.append((name, tag, getattr(self, attr)))
        return out

    def actions(self) -> Sequence[Action]:
        """The actions, in the order of definition."""
        return [
            Action(name, fn, tag.doc, tag.fairness, tag.reads, tag.writes) for name, tag, fn in self._bound(("action",))
        ]

    def invariants(self) -> Sequence[Invariant]:
        """The invariants, in the order of definition."""
        return [Invariant(name, fn, tag.doc, tag.reads) for name, tag, fn in self._bound(("invariant",))]

    def properties(self) -> Sequence[Property]:
        """Temporal properties and examples (``sometimes``)."""
        props: list[Property] = []
        for name, tag, fn in self._bound(("sometimes", "eventually", "always_eventually", "leads_to")):
            if tag.kind == "leads_to":
                props.append(Property(name, "leads_to", _part(fn, 0), _part(fn, 1), tag.doc))
            elif tag.kind in ("sometimes", "eventually", "always_eventually"):
                props.append(Property(name, tag.kind, fn, None, tag.doc, reads=tag.reads))
        return props

    def explainers(self) -> dict[str, Callable[[Any], str | None]]:
        """Action name -> the method that says why it is disabled."""
        return {target: fn for _name, tag, fn in self._bound(("explains",)) for target in tag.targets}


class Spec(Component):
    """Base class of every spec. Override :meth:`init`; tag actions and invariants.

    A spec composed of parts overrides :meth:`components`; its actions, invariants,
    properties and explanations are then those of its parts, in order.
    """

    # -- what the engine asks -------------------------------------------------

    @property
    def name(self) -> str:
        """The spec's name, shown in reports and written into traces."""
        return type(self).__name__

    def init(self) -> Iterable[Any]:
        """Yield the initial states."""
        raise NotImplementedError(f"{type(self).__name__} must define init(self)")

    def components(self) -> Sequence[Component]:
        """The parts whose tagged methods make this spec (the spec itself by default)."""
        return (self,)

    def actions(self) -> Sequence[Action]:
        """The actions, in a fixed order (the order of definition by default)."""
        return [a for part in self.components() for a in Component.actions(part)]

    def invariants(self) -> Sequence[Invariant]:
        """The invariants, in the order of definition."""
        return [i for part in self.components() for i in Component.invariants(part)]

    def properties(self) -> Sequence[Property]:
        """Temporal properties and examples (``sometimes``)."""
        return [p for part in self.components() for p in Component.properties(part)]

    # -- optional hooks (the engine skips the ones a spec does not override) ---

    def constraint(self, state: Any) -> bool:
        """TLC's CONSTRAINT: a state for which this is False is checked but neither stored nor explored."""
        return True

    def symmetry(self, state: Any) -> Any:
        """A canonical representative of the state's symmetry class (the state itself by default)."""
        return state

    def view(self, state: Any) -> Any:
        """TLC's VIEW: the part of the state that is fingerprinted (all of it by default)."""
        return state

    def overrides(self, hook: Literal["constraint", "symmetry", "view"]) -> bool:
        """Whether this spec's class overrides one of the optional state hooks."""
        return getattr(type(self), hook) is not getattr(Spec, hook)

    def explain_disabled(self, state: Any, action: str) -> str | None:
        """Why ``action`` has no step in ``state``, in one sentence (None: nothing useful to say).

        By default the ``@explains`` method written next to the action answers.
        """
        for part in self.components():
            fn = Component.explainers(part).get(action)
            if fn is not None:
                return fn(state)
        return None

    def expression_names(self, state: Any) -> Mapping[str, Any]:
        """Names a checkpoint or trace expression may use besides the state's variables."""
        return {}

    def blame(self, invariant: str, state: Any) -> str | None:
        """Which parts of ``state`` make ``invariant`` false, in one line ("VM1 runs on host 1 and host 2").

        Reports, ``--json``, the TUI and the shell show it under the violation; None: nothing to add.
        """
        return None

    # -- display hooks --------------------------------------------------------

    def format_state(self, state: Any) -> dict[str, Any]:
        """The state as ``{variable: value}``; the variables of traces and reports."""
        fields = getattr(type(state), "_fields", None)
        if fields is not None:
            return dict(zip(fields, state, strict=True))
        return {"state": state}

    def format_step(self, action: str, params: Params) -> str:
        """One line for a step: ``crash_cvm(host=2)``."""
        if not params:
            return action
        return f"{action}({', '.join(f'{k}={v!r}' for k, v in params.items())})"

    def time_of(self, state: Any) -> float | None:
        """The model time of a state in seconds (shown as ``T+n``), or None if untimed."""
        return None

    def parameters(self) -> dict[str, Any]:
        """The constants this spec was built with (written into ITF ``#meta``)."""
        return {}
