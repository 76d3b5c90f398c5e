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

Optional methods, looked up by name: ``constraint(s) -> bool`` (TLC's
CONSTRAINT), ``symmetry(s) -> state`` (a canonical representative), and
``view(s) -> hashable`` (TLC's VIEW: the part of the state that is fingerprinted).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

S = TypeVar("S")
Params = Mapping[str, Any]
Successors = Iterable[tuple[Params, Any]]
Fairness = Literal["weak", "strong"] | None
PropertyKind = Literal["sometimes", "eventually", "always_eventually", "leads_to"]

_TAG = "__ahvlab_tag__"


@dataclass(frozen=True)
class Action:
    """A named action: a function from a state to its ``(params, successor)`` pairs."""

    name: str
    fn: Callable[[Any], Successors]
    doc: str = ""
    fairness: Fairness = None


@dataclass(frozen=True)
class Invariant:
    """A named state predicate that must hold in every reachable state."""

    name: str
    fn: Callable[[Any], bool]
    doc: str = ""


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


@dataclass(frozen=True)
class _Tag:
    kind: str
    name: str | None
    doc: str
    fairness: Fairness = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def _tagger(kind: str, doc: str = "", name: str | None = None, **extra: Any) -> Callable[[Any], Any]:
    def mark(fn: Any) -> Any:
        setattr(fn, _TAG, _Tag(kind, name, doc, extra.pop("fairness", None), extra))
        return fn

    return mark


def action(
    fn: Callable[..., Successors] | None = None,
    *,
    name: str | None = None,
    fair: Fairness = None,
) -> Any:
    """Mark a method ``(self, state) -> Iterable[(params, next_state)]`` as an action.

    ``fair="weak"`` or ``"strong"`` puts the action under that fairness when
    temporal properties are checked.
    """

    def mark(f: Callable[..., Successors]) -> Callable[..., Successors]:
        doc = (f.__doc__ or "").strip().splitlines()
        setattr(f, _TAG, _Tag("action", name, doc[0] if doc else "", fair))
        return f

    return mark(fn) if fn is not None else mark


def invariant(doc: str, *, name: str | None = None) -> Callable[[Any], Any]:
    """Mark a method ``(self, state) -> bool`` as an invariant; ``doc`` is shown in reports."""
    return _tagger("invariant", doc, name)


def sometimes(doc: str, *, name: str | None = None) -> Callable[[Any], Any]:
    """Mark a predicate that some reachable state must satisfy (an *example*)."""
    return _tagger("sometimes", doc, name)


def eventually(doc: str, *, name: str | None = None) -> Callable[[Any], Any]:
    """Mark a predicate that every fair behaviour must eventually satisfy (``<>P``)."""
    return _tagger("eventually", doc, name)


def always_eventually(doc: str, *, name: str | None = None) -> Callable[[Any], Any]:
    """Mark a predicate that must hold infinitely often on every fair behaviour (``[]<>P``)."""
    return _tagger("always_eventually", doc, name)


def leads_to(doc: str, *, name: str | None = None) -> Callable[[Any], Any]:
    """Mark a method returning ``(p, q)`` for a state: ``P ~> Q`` must hold."""
    return _tagger("leads_to", doc, name)


def _part(pair: Callable[[Any], tuple[bool, bool]], i: int) -> Callable[[Any], bool]:
    return lambda s: bool(pair(s)[i])


class Spec:
    """Base class of every spec. Override :meth:`init`; tag actions and invariants.

    Specs built from data rather than decorated methods (the AHV model composes
    sub-models from its config) override :meth:`actions`, :meth:`invariants` and
    :meth:`properties` instead.
    """

    _tagged: ClassVar[tuple[tuple[str, _Tag], ...]] = ()
    display_index_base: ClassVar[int] = 0
    """The number of the first element of a tuple-valued variable in reports (1 where hosts count from 1)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[str, _Tag] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                tag = getattr(value, _TAG, None)
                if isinstance(tag, _Tag):
                    found[attr] = tag
        cls._tagged = tuple(found.items())

    # -- what the engine asks -------------------------------------------------

    @property
    def name(self) -> str:
        """The spec's name, shown in reports and written into traces."""
        return type(self).__name__

    def init(self) -> Iterable[Any]:
        """Yield the initial states."""
        raise NotImplementedError(f"{type(self).__name__} must define init(self)")

    def actions(self) -> Sequence[Action]:
        """The actions, in a fixed order (the order of definition by default)."""
        return [
            Action(tag.name or attr, getattr(self, attr), tag.doc, tag.fairness)
            for attr, tag in self._tagged
            if tag.kind == "action"
        ]

    def invariants(self) -> Sequence[Invariant]:
        """The invariants, in the order of definition."""
        return [
            Invariant(tag.name or attr, getattr(self, attr), tag.doc)
            for attr, tag in self._tagged
            if tag.kind == "invariant"
        ]

    def properties(self) -> Sequence[Property]:
        """Temporal properties and examples (``sometimes``)."""
        props: list[Property] = []
        for attr, tag in self._tagged:
            if tag.kind in ("sometimes", "eventually", "always_eventually"):
                props.append(Property(tag.name or attr, tag.kind, getattr(self, attr), None, tag.doc))  # type: ignore[arg-type]
            elif tag.kind == "leads_to":
                pair: Callable[[Any], tuple[bool, bool]] = getattr(self, attr)
                props.append(Property(tag.name or attr, "leads_to", _part(pair, 0), _part(pair, 1), tag.doc))
        return props

    # -- display hooks --------------------------------------------------------

    def format_state(self, state: Any) -> dict[str, Any]:
        """The state as ``{variable: value}``; the variables of traces and reports."""
        asdict = getattr(state, "_asdict", None)
        if asdict is not None:
            return dict(asdict())
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
