"""DiningPhilosophers: the Chandy-Misra solution, ported from the PlusCal translation in tlaplus/Examples.

``specifications/DiningPhilosophers/DiningPhilosophers.tla`` (Jeff Hemphill). NP
philosophers sit in a ring; fork ``p`` is philosopher ``p``'s left fork and
philosopher ``p - 1``'s right fork. A fork has a holder and is clean or dirty.
Forks start dirty, each held by the lower-numbered philosopher beside it
(philosopher 1 holds forks 1 and 2).

The state is the translation's: ``forks``, the process variable ``hungry`` (one
per philosopher) and ``pc``. The actions are its labels, each with ``self``:

* ``Loop``: hand the left fork over (cleaned) if holding it dirty, else the
  right one; then, if hungry, go to ``Eat`` when ``CanEat`` (evaluated on the
  forks before the hand-over, as the translation does) or stay at ``Loop``;
  if not hungry, go to ``Think``. When nothing changes it is a stuttering step.
* ``Think``: become hungry, back to ``Loop``.
* ``Eat``: no longer hungry, both forks dirty, back to ``Loop``.

TLC's figures for NP = 5 (the repository's manifest): 67 distinct states, 336
states generated, depth 29. ``Spec`` has ``\\A self : WF_vars(Philosopher(self))``,
which is weak fairness of ``Loop``, ``Think`` and ``Eat`` for each ``self``
(only one of a philosopher's three labels is enabled at a time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, NamedTuple

from ahvlab.checker.examples._params import whole
from ahvlab.checker.spec import Property, Spec, Successors, action, invariant


class Fork(NamedTuple):
    """``[holder |-> p, clean |-> b]``."""

    holder: int
    clean: bool


def _fed(p: int) -> Callable[[Any], bool]:
    """The predicate ``~hungry[p]``."""
    return lambda s: not s.hungry[p - 1]


class DiningPhilosophers(Spec):
    """``np`` philosophers numbered 1..np; tuple index ``p - 1`` holds philosopher (or fork) ``p``."""

    class State(NamedTuple):
        forks: tuple[Fork, ...]
        hungry: tuple[bool, ...]
        pc: tuple[str, ...]

    def __init__(self, np: int = 5) -> None:
        self.np = whole("np", np, 2)
        self.procs = range(1, np + 1)

    def parameters(self) -> dict[str, Any]:
        return {"np": self.np}

    # The define block.

    def left_fork(self, p: int) -> int:
        return p

    def right_fork(self, p: int) -> int:
        return 1 if p == self.np else p + 1

    def left_philosopher(self, p: int) -> int:
        return self.np if p == 1 else p - 1

    def right_philosopher(self, p: int) -> int:
        return 1 if p == self.np else p + 1

    def can_eat(self, s: State, p: int) -> bool:
        left, right = s.forks[self.left_fork(p) - 1], s.forks[self.right_fork(p) - 1]
        return left.holder == p and right.holder == p and left.clean and right.clean

    def init(self) -> Iterator[State]:
        yield self.State(
            forks=tuple(Fork(holder=1 if f == 2 else f, clean=False) for f in self.procs),
            hungry=(True,) * self.np,
            pc=("Loop",) * self.np,
        )

    @staticmethod
    def _set(t: tuple[Any, ...], i: int, value: Any) -> tuple[Any, ...]:
        return (*t[:i], value, *t[i + 1 :])

    @action(name="Loop", fair="weak")
    def loop(self, s: State) -> Successors:
        """Hand a dirty fork to the neighbour (cleaned); then go to Eat, stay hungry at Loop, or go to Think."""
        for p in self.procs:
            if s.pc[p - 1] != "Loop":
                continue
            lf, rf = self.left_fork(p), self.right_fork(p)
            left, right = s.forks[lf - 1], s.forks[rf - 1]
            forks = s.forks
            if left.holder == p and not left.clean:
                forks = self._set(forks, lf - 1, Fork(self.left_philosopher(p), True))
            elif right.holder == p and not right.clean:
                forks = self._set(forks, rf - 1, Fork(self.right_philosopher(p), True))
            # CanEat reads the forks before the hand-over, as the translation's unprimed `forks` does.
            label = ("Eat" if self.can_eat(s, p) else "Loop") if s.hungry[p - 1] else "Think"
            yield {"self": p}, s._replace(forks=forks, pc=self._set(s.pc, p - 1, label))

    @action(name="Think", fair="weak")
    def think(self, s: State) -> Successors:
        """Get hungry again and go back to Loop."""
        for p in self.procs:
            if s.pc[p - 1] == "Think":
                yield (
                    {"self": p},
                    s._replace(hungry=self._set(s.hungry, p - 1, True), pc=self._set(s.pc, p - 1, "Loop")),
                )

    @action(name="Eat", fair="weak")
    def eat(self, s: State) -> Successors:
        """Eat, which dirties both forks, and go back to Loop."""
        for p in self.procs:
            if s.pc[p - 1] != "Eat":
                continue
            lf, rf = self.left_fork(p), self.right_fork(p)
            forks = self._set(s.forks, lf - 1, s.forks[lf - 1]._replace(clean=False))
            forks = self._set(forks, rf - 1, forks[rf - 1]._replace(clean=False))
            yield (
                {"self": p},
                self.State(forks=forks, hungry=self._set(s.hungry, p - 1, False), pc=self._set(s.pc, p - 1, "Loop")),
            )

    @invariant("forks, hungry and pc have their types", name="TypeOK")
    def type_ok(self, s: State) -> bool:
        return (
            all(fork.holder in self.procs and isinstance(fork.clean, bool) for fork in s.forks)
            and all(isinstance(h, bool) for h in s.hungry)
            and all(label in ("Loop", "Eat", "Think") for label in s.pc)
        )

    @invariant("two philosophers who share a fork never eat at the same time", name="ExclusiveAccess")
    def exclusive_access(self, s: State) -> bool:
        forks_of = {p: {self.left_fork(p), self.right_fork(p)} for p in self.procs}
        return not any(
            p != q and forks_of[p] & forks_of[q] and s.pc[p - 1] == "Eat" and s.pc[q - 1] == "Eat"
            for p in self.procs
            for q in self.procs
        )

    def properties(self) -> Sequence[Property]:
        """NobodyStarves: ``\\A p : []<>(~hungry[p])``, one property per philosopher ``NobodyStarves[p]``."""
        fairness: dict[str, Literal["weak", "strong"]] = {
            "Loop[self]": "weak",
            "Think[self]": "weak",
            "Eat[self]": "weak",
        }
        return [
            *super().properties(),
            *(
                Property(
                    f"NobodyStarves[{p}]",
                    "always_eventually",
                    _fed(p),
                    None,
                    f"philosopher {p} eats infinitely often",
                    fairness,
                )
                for p in self.procs
            ),
        ]
