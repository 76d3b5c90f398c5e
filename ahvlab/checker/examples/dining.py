"""DiningPhilosophers: the Chandy-Misra "hygienic" solution, ported from its PlusCal translation.

NP philosophers sit in a ring; fork ``p`` lies between philosopher ``p - 1``
(for whom it is the right fork) and philosopher ``p`` (the left fork). A fork
has a holder and is clean or dirty. Forks start dirty, philosopher 1 holding
forks 1 and 2 and every other philosopher its left fork, so the precedence
graph has no cycle. A philosopher hands a dirty fork to its neighbour, cleaned;
it eats holding both forks clean, which dirties them.

The state is the PlusCal translation's: ``forks``, the process variable
``hungry`` (one per philosopher) and ``pc`` (the label each philosopher is at).
The actions are its labels, ``Loop(self)`` and ``Eat(self)``; like the
translation, ``Loop`` takes a step that changes nothing when no branch of its
``if`` applies, so no state is ever deadlocked. The TLA+ text this follows is
``bench/specs/DiningPhilosophers.tla``.
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
        """One pass of the philosopher's ``while TRUE`` loop: hand over a dirty fork, get hungry, or go to eat."""
        for p in self.procs:
            if s.pc[p - 1] != "Loop":
                continue
            lf, rf = self.left_fork(p), self.right_fork(p)
            left, right = s.forks[lf - 1], s.forks[rf - 1]
            if left.holder == p and not left.clean:
                forks = self._set(s.forks, lf - 1, Fork(self.left_philosopher(p), True))
                yield {"self": p}, s._replace(forks=forks)
            elif not s.hungry[p - 1]:
                yield {"self": p}, s._replace(hungry=self._set(s.hungry, p - 1, True))
            elif right.holder == p and not right.clean:
                forks = self._set(s.forks, rf - 1, Fork(self.right_philosopher(p), True))
                yield {"self": p}, s._replace(forks=forks)
            elif self.can_eat(s, p):
                yield {"self": p}, s._replace(pc=self._set(s.pc, p - 1, "Eat"))
            else:
                yield {"self": p}, s  # no branch applies: the translation's ELSE leaves everything unchanged

    @action(name="Eat", fair="weak")
    def eat(self, s: State) -> Successors:
        """Eat, which dirties both forks, and go back to ``Loop``."""
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

    @invariant("every fork is held by one of the two philosophers beside it", name="TypeOK")
    def type_ok(self, s: State) -> bool:
        return all(
            fork.holder in (f, self.left_philosopher(f)) for f, fork in zip(self.procs, s.forks, strict=True)
        ) and all(label in ("Loop", "Eat") for label in s.pc)

    @invariant("two neighbours never eat at the same time", name="ExclusiveAccess")
    def exclusive_access(self, s: State) -> bool:
        return not any(s.pc[p - 1] == "Eat" and s.pc[self.right_philosopher(p) - 1] == "Eat" for p in self.procs)

    def properties(self) -> Sequence[Property]:
        """NobodyStarves: ``\\A p : []<>(~hungry[p])``, one property per philosopher ``NobodyStarves[p]``."""
        fairness: dict[str, Literal["weak", "strong"]] = {"Loop": "weak", "Eat": "weak"}
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
