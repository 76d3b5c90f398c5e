"""The toy specs of the tests, in one module: each small, with exact state counts, each written for one thing.

Every spec that the tests share is here: one imported by more than one test file, or
named by a TARGET (``tests.toys:Pour`` on a command line, ``tests/toys.py:Lamps`` in a
scenario file, the source a workbench records). The last section holds the specs the
bad-input tests run, most of them broken on purpose. A spec written for one test
module's own subject stays beside its tests: the fairness cases of
``tests/checker/test_liveness.py``, the footprints of ``tests/checker/test_scale.py``,
the graphs hypothesis draws. The TLA+ ports live in ``ahvlab/checker/examples``; the AHV
model is tested on itself.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from ahvlab.checker import Action, Property, Spec, action, eventually, invariant, leads_to, sometimes
from ahvlab.model.picture import CopyPicture, HostPicture, Picture, SessionPicture, VMPicture

# -- the engine, the command line, sessions ------------------------------------------------


class Jugs(NamedTuple):
    big: int
    small: int


class Pour(Spec):
    """DieHard in miniature: two jugs of 5 and 3 gallons; ``big_is_not_4`` fails on a 7-state trace."""

    def init(self):
        yield Jugs(0, 0)

    @action
    def fill_small(self, s):
        yield {}, s._replace(small=3)

    @action
    def fill_big(self, s):
        yield {}, s._replace(big=5)

    @action
    def empty_small(self, s):
        yield {}, s._replace(small=0)

    @action
    def empty_big(self, s):
        yield {}, s._replace(big=0)

    @action
    def small_to_big(self, s):
        poured = min(s.small, 5 - s.big)
        yield {}, Jugs(s.big + poured, s.small - poured)

    @action
    def big_to_small(self, s):
        poured = min(s.big, 3 - s.small)
        yield {}, Jugs(s.big - poured, s.small + poured)

    @invariant("the big jug never holds 4 gallons")
    def big_is_not_4(self, s):
        return s.big != 4

    @sometimes("the small jug holds 1 gallon")
    def small_holds_1(self, s):
        return s.small == 1


class Counter(NamedTuple):
    x: int
    y: int


class Grid(Spec):
    """x and y move by +1/-1 in 0..n: (n+1)^2 states, depth 2n+1, nothing fails; ``n`` is a constant to --set."""

    def __init__(self, n: int = 3, limit: int | None = None) -> None:
        self.n = n
        self.limit = limit

    def parameters(self):
        return {"n": self.n}

    def init(self):
        yield Counter(0, 0)

    @action
    def move(self, s):
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            x, y = s.x + dx, s.y + dy
            if 0 <= x <= self.n and 0 <= y <= self.n:
                yield {"dx": dx, "dy": dy}, Counter(x, y)

    @invariant("x + y stays below 100")
    def small(self, s):
        return s.x + s.y < 100


class BoundedGrid(Grid):
    """Grid with TLC's CONSTRAINT x <= 1, and an invariant that only a state beyond the constraint breaks."""

    def constraint(self, s):
        return s.x <= 1

    @invariant("x never reaches 3")
    def x_below_3(self, s):
        return s.x < 3


class Stop(NamedTuple):
    n: int


class RunsDown(Spec):
    """Counts 3, 2, 1, 0 and then nothing is enabled: a deadlock at depth 4."""

    def init(self):
        yield Stop(3)

    @action
    def down(self, s):
        if s.n > 0:
            yield {}, Stop(s.n - 1)


class Stutters(RunsDown):
    """Like RunsDown, but at 0 an action leaves the state as it is: a stuttering step, not a deadlock."""

    @action
    def idle(self, s):
        if s.n == 0:
            yield {}, s


class Mirror(NamedTuple):
    a: int
    b: int


class Symmetric(Spec):
    """Two interchangeable counters in 0..2; symmetry folds (a, b) and (b, a)."""

    def init(self):
        yield Mirror(0, 0)

    @action
    def inc(self, s):
        if s.a < 2:
            yield {"which": "a"}, s._replace(a=s.a + 1)
        if s.b < 2:
            yield {"which": "b"}, s._replace(b=s.b + 1)

    def symmetry(self, s):
        return Mirror(*sorted(s))


class Countdown(NamedTuple):
    now: int
    left: int


class Timed(Spec):
    """A view drops the clock: 'left' counts down in jumps of 10 s, the clock is only for display."""

    def init(self):
        yield Countdown(0, 2)

    @action
    def tick(self, s):
        if s.left > 0:
            yield {"to": s.now + 10}, Countdown(s.now + 10, s.left - 1)

    @action
    def reset(self, s):
        if s.left == 0:
            yield {}, Countdown(s.now, 2)

    def view(self, s):
        return s.left

    def time_of(self, s):
        return s.now


class Rich(NamedTuple):
    flags: frozenset
    pairs: tuple
    big: int
    name: str
    ok: bool
    nested: Mirror


class Values(Spec):
    """States with every kind of ITF value: sets, sequences, big integers, strings, records."""

    def init(self):
        yield Rich(frozenset({"b", "a"}), ((1, "x"),), 2**60, "start", True, Mirror(1, 2))

    @action
    def grow(self, s):
        if len(s.pairs) < 3:
            yield (
                {"k": len(s.pairs)},
                s._replace(
                    flags=s.flags | {f"f{len(s.pairs)}"},
                    pairs=(*s.pairs, (len(s.pairs) + 1, "y")),
                    big=-s.big,
                    ok=not s.ok,
                    nested=Mirror(s.nested.b, s.nested.a),
                ),
            )

    @invariant("never more than three pairs")
    def at_most_3(self, s):
        return len(s.pairs) <= 3


# -- output files: ITF values, graph export, JUnit -----------------------------------------

NAMES = frozenset({"alpha", "bravo", "charlie", "delta"})


class Scaled(Spec):
    """A constant that is a float: a trace of it must replay with the very same float."""

    def __init__(self, rate: float = 0.25) -> None:
        self.rate = rate

    def parameters(self):
        return {"rate": self.rate}

    def init(self):
        yield (0.0,)

    @action
    def grow(self, s):
        if s[0] < 1:
            yield {"by": self.rate}, (s[0] + self.rate,)

    @invariant("the level stays below 0.75")
    def below(self, s):
        return s[0] < 0.75


class Switches(Spec):
    """Three switches, each on or off, as a bare tuple: booleans that must not be read back from 1s and 0s."""

    def init(self):
        yield (False, False, False)

    @action
    def switch(self, s):
        for i in range(3):
            yield {"lamp": i}, (*s[:i], not s[i], *s[i + 1 :])

    @invariant("never all three on")
    def not_all_on(self, s):
        return not all(s)


class Bag(NamedTuple):
    names: frozenset[str]


class Collect(Spec):
    """Collects names from a frozenset: its successors come in string-hash order, which differs per run."""

    def init(self):
        yield Bag(frozenset())

    @action
    def take(self, s):
        for name in NAMES - s.names:
            yield {"name": name}, Bag(s.names | {name})

    @action
    def drop(self, s):
        for name in s.names:
            yield {"name": name}, Bag(s.names - {name})

    @invariant("at most four names")
    def bounded(self, s):
        return len(s.names) <= 4


class TwoWays(Spec):
    """Two actions take 0 to 1: two edges of the state graph between the same states."""

    def init(self):
        yield 0

    @action
    def walk(self, s):
        if s == 0:
            yield {}, 1

    @action
    def run(self, s):
        if s == 0:
            yield {}, 1

    @action
    def back(self, s):
        if s == 1:
            yield {}, 0

    @invariant("0 or 1")
    def small(self, s):
        return s in (0, 1)

    @sometimes("the walker reaches 2 (it never does)")
    def reaches_2(self, s):
        return s == 2


# -- several violations, blame, shrinking ---------------------------------------------------


class XY(NamedTuple):
    x: int
    y: int


class Climb(Spec):
    """x climbs to 4, y to 2; ``x_below_3`` fails after 3 steps, ``y_below_2`` after 2; (4, 2) is a deadlock."""

    def init(self):
        yield XY(0, 0)

    @action
    def inc_x(self, s):
        if s.x < 4:
            yield {}, s._replace(x=s.x + 1)

    @action
    def inc_y(self, s):
        if s.y < 2:
            yield {}, s._replace(y=s.y + 1)

    @invariant("x stays below 3")
    def x_below_3(self, s):
        return s.x < 3

    @invariant("y stays below 2")
    def y_below_2(self, s):
        return s.y < 2

    @invariant("x + y stays below 100")
    def sum_small(self, s):
        return s.x + s.y < 100

    def blame(self, invariant: str, state: Any) -> str | None:
        if invariant == "x_below_3":
            return f"x is {state.x}"
        return None


class Wander(Spec):
    """A walk on 0..9 by +1, +2 and -1 steps; ``far`` fails at 7 (BFS: 4 steps), and ``wait`` is a no-op."""

    class State(NamedTuple):
        pos: int

    def init(self):
        yield self.State(0)

    @action
    def step(self, s):
        for d in (1, 2, -1):
            if 0 <= s.pos + d <= 9:
                yield {"by": d}, self.State(s.pos + d)

    @action
    def wait(self, s):
        yield {}, s

    @invariant("pos stays below 7")
    def near(self, s):
        return s.pos < 7


class Roam(Spec):
    """Wander's walk with a temporal property: once at 7 or beyond, the walker comes home to 0 (it may not).

    ``step`` has the fairness given (none by default: the walker may stop anywhere, so reaching 7 and
    stopping there violates ``home``; weakly fair: it roams 6 -> 7 -> 6 forever instead).
    """

    class State(NamedTuple):
        pos: int

    def __init__(self, fair: str | None = None) -> None:
        self.fair = fair

    def init(self):
        yield self.State(0)

    def actions(self):
        return [Action("step", self.step, "move by +1, +2 or -1", self.fair), Action("wait", self.wait, "a no-op")]  # type: ignore[arg-type]

    def step(self, s):
        for d in (1, 2, -1):
            if 0 <= s.pos + d <= 9:
                yield {"by": d}, self.State(s.pos + d)

    def wait(self, s):
        yield {}, s

    @leads_to("far from home, the walker comes home")
    def home(self, s):
        return (s.pos >= 7, s.pos == 0)


# -- temporal properties --------------------------------------------------------------------


class Gate(NamedTuple):
    open: bool
    done: bool


class FlickeringGate(Spec):
    """A gate that a keeper opens and shuts forever; a walker can pass only while it is open.

    The walker is enabled only intermittently, so weak fairness does not make it pass
    (it is never *continuously* enabled) but strong fairness does.
    """

    def __init__(self, walker: str | None = "strong", keeper: str | None = "weak") -> None:
        self.walker = walker
        self.keeper = keeper

    def init(self):
        yield Gate(open=False, done=False)

    def actions(self):
        return [
            Action("toggle", self.toggle, "the keeper opens or shuts the gate", self.keeper),  # type: ignore[arg-type]
            Action("walk", self.walk, "the walker passes the open gate", self.walker),  # type: ignore[arg-type]
        ]

    def toggle(self, s):
        yield {}, s._replace(open=not s.open)

    def walk(self, s):
        if s.open and not s.done:
            yield {}, s._replace(done=True)

    def properties(self):
        return [Property("WalkerPasses", "eventually", lambda s: s.done, doc="the walker eventually passes")]


class Hour(NamedTuple):
    h: int


class Clock(Spec):
    """A clock that ticks round 0..3: noon (h = 2) comes round again if `tick` is fair.

    Four states; with `tick` fair (the default) nothing fails, so the TUI's check of it
    finds nothing; ``--set fair=False`` makes ``noon`` fail on a lasso.
    """

    def __init__(self, fair: bool = True) -> None:
        self.fair = fair

    def init(self):
        yield Hour(0)

    @action
    def tick(self, s):
        yield {}, Hour((s.h + 1) % 4)

    def actions(self):
        acts = list(super().actions())
        return [a.__class__(a.name, a.fn, a.doc, "weak" if self.fair else None) for a in acts]

    @eventually("noon comes")
    def noon(self, s):
        return s.h == 2

    @sometimes("the clock shows 3")
    def three(self, s):
        return s.h == 3


# -- scenarios ------------------------------------------------------------------------------


class Room(NamedTuple):
    t: int
    x: int
    lamps: tuple[bool, ...]
    """Lamp i+1 is on; lamps are numbered from 1 like the AHV model's hosts."""


class Lamps(Spec):
    """The scenario framework's spec: a counter, a clock that jumps 20 s at a time up to T+60, lamps that toggle.

    ``tests/scenarios/data/lamps.toml`` plays it; it has constants, model time,
    disabled-action reasons and names of its own for checkpoint expressions.
    """

    def __init__(self, top: int = 3, lamps: int = 2) -> None:
        self.top = top
        self.n = lamps

    def init(self) -> Iterator[Room]:
        yield Room(0, 0, (False,) * self.n)

    @action
    def inc(self, s: Room) -> Iterator[tuple[dict[str, Any], Room]]:
        """Count one up, up to the top."""
        if s.x < self.top:
            yield {}, s._replace(x=s.x + 1)

    @action
    def toggle(self, s: Room) -> Iterator[tuple[dict[str, Any], Room]]:
        """Switch one lamp."""
        for i in range(self.n):
            lamps = list(s.lamps)
            lamps[i] = not lamps[i]
            yield {"lamp": i + 1}, s._replace(lamps=tuple(lamps))

    @action
    def tick(self, s: Room) -> Iterator[tuple[dict[str, Any], Room]]:
        """Jump to the next deadline (every 20 s, until T+60)."""
        if s.t < 60:
            yield {}, s._replace(t=s.t + 20)

    @invariant("the counter stays below its top")
    def below_top(self, s: Room) -> bool:
        return s.x < self.top

    @invariant("never every lamp on at once")
    def not_all_on(self, s: Room) -> bool:
        return not all(s.lamps)

    def time_of(self, state: Room) -> float:
        return state.t

    def explain_disabled(self, state: Room, action: str) -> str | None:
        if action == "inc":
            return f"the counter is at its top ({self.top})"
        if action == "tick":
            return "the clock stops at T+60"
        return None

    def expression_names(self, state: Room) -> Mapping[str, Any]:
        return {"lamp": {i + 1: on for i, on in enumerate(state.lamps)}, "lamp_ids": tuple(range(1, self.n + 1))}


# -- the front ends: the shell and the TUI --------------------------------------------------


class VM(NamedTuple):
    name: str
    host: int
    copies: int


class Toy(Spec):
    """The shell's cluster: hosts fail, a leader is elected, VMs restart (a phantom VM without fencing)."""

    class State(NamedTuple):
        t: int
        leader: int | None
        up: tuple[bool, ...]
        vms: tuple[VM, ...]

    def __init__(self, hosts: int = 3, fencing: bool = True, restart_at: int = 120) -> None:
        self.hosts = hosts
        self.fencing = fencing
        self.restart_at = restart_at

    def init(self) -> Any:
        yield self.State(0, 1, (True,) * self.hosts, (VM("vm1", 1, 1), VM("vm2", 2, 1)))

    @action
    def crash_host(self, s: State) -> Any:
        """a host fails"""
        for h in range(1, self.hosts + 1):
            if s.up[h - 1] and sum(s.up) > 1:
                up = tuple(False if i == h - 1 else u for i, u in enumerate(s.up))
                leader = None if s.leader == h else s.leader
                yield {"host": h}, s._replace(up=up, leader=leader)

    @action
    def elect(self, s: State) -> Any:
        """the healthy hosts elect a new leader"""
        if s.leader is None:
            for h in range(1, self.hosts + 1):
                if s.up[h - 1]:
                    yield {"host": h}, s._replace(leader=h, t=s.t + 20)

    @action
    def restart_vm(self, s: State) -> Any:
        """the leader restarts a VM of a failed host on a healthy one"""
        if s.leader is None:
            return
        for i, vm in enumerate(s.vms):
            if s.up[vm.host - 1]:
                continue
            for h in range(1, self.hosts + 1):
                if s.up[h - 1]:
                    moved = vm._replace(host=h, copies=vm.copies if self.fencing else vm.copies + 1)
                    vms = tuple(moved if j == i else v for j, v in enumerate(s.vms))
                    yield {"vm": vm.name, "host": h}, s._replace(vms=vms, t=max(s.t, self.restart_at))

    def explain_disabled(self, s: State, name: str) -> str | None:
        if name == "restart_vm":
            return "there is no leader" if s.leader is None else "no VM runs on a failed host"
        if name == "elect":
            return f"host {s.leader} is the leader"
        return None

    @invariant("no VM runs twice")
    def no_phantom_vm(self, s: State) -> bool:
        return all(vm.copies <= 1 for vm in s.vms)

    @invariant("a live host is the leader, or an election is due")
    def leader_is_up(self, s: State) -> bool:
        return s.leader is None or s.up[s.leader - 1]

    def time_of(self, state: Any) -> float | None:
        return float(state.t)

    def parameters(self) -> dict[str, Any]:
        return {"hosts": self.hosts, "fencing": self.fencing, "restart_at": self.restart_at}


class FuseBox(Spec):
    """The TUI's main toy: three lamps on a timer, never all on together, and fuses that blow.

    It has time, a narration (``tests/tui/helpers.py``) and a violation 3 steps away,
    and no description of its own, so the TUI shows its variables.
    """

    class State(NamedTuple):
        on: tuple[bool, bool, bool]
        clock: int
        broken: frozenset[str]

    def init(self) -> Iterator[State]:
        yield self.State(on=(False, False, False), clock=0, broken=frozenset())

    @action
    def switch(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """flip one lamp"""
        for lamp in range(3):
            on = list(s.on)
            on[lamp] = not on[lamp]
            yield {"lamp": lamp}, s._replace(on=tuple(on))

    @action
    def wait(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """let 20 seconds pass"""
        if s.clock < 60:
            yield {}, s._replace(clock=s.clock + 20)

    @action
    def fuse(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """a fuse blows: its lamp goes dark"""
        for lamp in range(3):
            if s.on[lamp] and f"fuse{lamp}" not in s.broken:
                on = list(s.on)
                on[lamp] = False
                yield {"lamp": lamp}, s._replace(on=tuple(on), broken=s.broken | {f"fuse{lamp}"})

    @invariant("the three lamps are never on together")
    def not_all_on(self, s: State) -> bool:
        return not all(s.on)

    @invariant("the clock never passes one minute")
    def within_a_minute(self, s: State) -> bool:
        return s.clock <= 60

    def time_of(self, state: Any) -> float | None:
        return float(state.clock)


class MiniCluster(Spec):
    """The TUI's cluster: three hosts and two VMs; partition a host and, without fencing, HA restarts a running VM.

    Its :func:`mini_picture` has the AHV model's picture shape, so the cluster
    view's tests do not move when the real model grows.
    """

    class State(NamedTuple):
        now: int
        partitioned: tuple[bool, ...]
        vm_hosts: tuple[frozenset[int], ...]
        """The hosts running a copy of each VM (0-based)."""

    def __init__(self, fencing: bool = False) -> None:
        self.fencing = fencing

    def init(self) -> Iterator[State]:
        yield self.State(0, (False, False, False), (frozenset({0}), frozenset({2})))

    @action
    def partition_host(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """a host loses the network"""
        for h in range(3):
            if not any(s.partitioned):
                cut = list(s.partitioned)
                cut[h] = True
                yield {"host": h + 1}, s._replace(partitioned=tuple(cut))

    @action
    def tick(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """jump to the next HA deadline (T+60 fence, T+120 restart)"""
        if any(s.partitioned) and s.now < 120:
            now = s.now + 60
            vm_hosts = s.vm_hosts
            if now == 120:
                lost = s.partitioned.index(True)
                spare = next(h for h in range(3) if h != lost)
                # With fencing the lost copy is gone before the restart; without, it still runs.
                vm_hosts = tuple(
                    (frozenset(hs - {lost}) if self.fencing else hs) | {spare} if lost in hs else hs for hs in vm_hosts
                )
            yield {}, s._replace(now=now, vm_hosts=vm_hosts)

    @invariant("a VM never runs as two copies (no phantom VM)")
    def no_phantom_vm(self, s: State) -> bool:
        return all(len(hs) <= 1 for hs in s.vm_hosts)

    def time_of(self, state: Any) -> float | None:
        return float(state.now)

    def format_state(self, state: Any) -> dict[str, Any]:
        return mini_picture(self, state).variables()


def mini_picture(spec: MiniCluster, s: MiniCluster.State) -> Picture:
    """The toy's state as the AHV model's picture, so the cluster view's tests do not move when the model grows."""
    lost = [h for h in range(3) if s.partitioned[h]]
    hosts = {
        h + 1: HostPicture(
            id=h + 1,
            up=True,
            cvm_up=True,
            libvirtd_up=True,
            partitioned=s.partitioned[h],
            health={t + 1: not (s.partitioned[t] and t != h) for t in range(3)},
            blocks=frozenset(),
            fenced_by=tuple(t + 1 for t in range(3) if t != h) if spec.fencing and h in lost and s.now >= 60 else (),
            ha_phase=("lost" if s.now < 60 else "fenced" if spec.fencing else "timed out") if h in lost else "ok",
            ha_due=-1,
            election_due=-1,
            leader=h == 1,
            memory=32,
            free_memory=32 - 8 * sum(h in hs for hs in s.vm_hosts),
            reserve=None,
        )
        for h in range(3)
    }
    vms = {}
    for v, hs in enumerate(s.vm_hosts):
        main = min(hs) + 1
        sessions = (SessionPicture(main, "connected"), SessionPicture(main, "connected"))
        vms[f"VM{v + 1}"] = VMPicture(
            name=f"VM{v + 1}",
            host=main,
            status="running",
            copies=tuple(sorted(h + 1 for h in hs)),
            io_path="classic" if v == 0 else "frodo",
            slot="disk" if v == 0 else "queue",
            sessions=sessions,
            dies_at=tuple(-1 for _ in hs),
            others=tuple(CopyPicture(h + 1, sessions, -1) for h in sorted(hs) if h + 1 != main),
            address=f"10.0.0.{10 + v}",
            dhcp_pending=False,
            segment=None,
        )
    return Picture(s.now, hosts, vms, frozenset({2}), frozenset(), {"cvm": 0, "host": len(lost)}, False)


class Odometer(Spec):
    """Counts to a million one by one: a check that runs long enough to be stopped by hand."""

    class State(NamedTuple):
        km: int

    def init(self) -> Iterator[State]:
        yield self.State(0)

    @action
    def drive(self, s: State) -> Iterator[tuple[dict[str, Any], State]]:
        """one more kilometre"""
        if s.km < 1_000_000:
            yield {}, s._replace(km=s.km + 1)
        else:
            yield {}, s

    @invariant("the odometer never runs backwards")
    def forward(self, s: State) -> bool:
        return s.km >= 0


class ABC(NamedTuple):
    a: int
    b: int
    c: int


class Misdeclared(Spec):
    """A footprint that lies: ``follow`` reads ``a`` and ``c`` but declares it reads only ``b``.

    With reduction the check explores ``tick_c`` before ``follow`` and misses the state
    where ``b`` becomes 1 (``b_stays_0`` holds, wrongly); ``--no-reduction`` finds it in
    3 states, and ``--audit-footprints`` names the lie.
    """

    def init(self):
        yield ABC(0, 0, 0)

    @action(reads=["a"], writes=["a"])
    def inc_a(self, s):
        if s.a == 0:
            yield {}, s._replace(a=1)

    @action(reads=["c"], writes=["c"])
    def tick_c(self, s):
        if s.c == 0:
            yield {}, s._replace(c=1)

    @action(reads=["b"], writes=["b"])
    def follow(self, s):
        if s.a == 1 and s.c == 0 and s.b == 0:
            yield {}, s._replace(b=1)

    @invariant("b stays 0", reads=["b"])
    def b_stays_0(self, s):
        return s.b == 0


# -- for the bad-input tests: specs whose code goes wrong on purpose ---------------------------
#
# Variants of ``_Steps`` that break one hook each. A failing hook ends as one spec error line
# naming the hook, the class and its line in this file, exit 150; a violation found before a
# report hook fails is still printed; ``Hungry`` runs out of memory (exit 153). ``Picky``
# refuses a bad constant and ``Marked`` puts Rich markup in its names; ``Two`` and ``Settles``
# raise nothing and are here because the same tests and the command-line fuzzing draw them
# beside the broken ones (``tests/test_fuzz_cli.py`` also star-imports this module into a
# user's spec file). ``WrongShape`` and ``Raises`` are the engine's own cases. Nothing here
# raises at import.


class S(NamedTuple):
    x: int


class _Steps(Spec):
    """x counts 0..3: the working spec each broken variant below breaks one hook of."""

    def init(self):
        yield S(0)

    @action
    def step(self, s):
        if s.x < 3:
            yield {}, S(s.x + 1)


class InitRaises(_Steps):
    """``init`` raises: there is no initial state."""

    def init(self):
        raise RuntimeError("no initial state today")


class InitNotIterable(_Steps):
    """``init`` returns an int, not states."""

    def init(self):
        return 7


class ConstraintRaises(_Steps):
    """The constraint divides by zero at x = 2."""

    def constraint(self, s):
        return 1 / (2 - s.x) > 0


class ViewList(_Steps):
    """The view is a list: not hashable, from the initial state on."""

    def view(self, s):
        return [s.x]


class ViewListLater(_Steps):
    """The view becomes a list at x = 2, after a few good states."""

    def view(self, s):
        return (s.x,) if s.x < 2 else [s.x]


class ReturnsNone(_Steps):
    """An action that returns None instead of successors."""

    @action
    def step(self, s):
        return None


class ReturnsInt(_Steps):
    """An action that returns an int instead of successors."""

    @action
    def step(self, s):
        return 5


class ReturnsNoneLater(_Steps):
    """An action that returns pairs at first, then None at x = 2."""

    @action
    def step(self, s):
        if s.x < 2:
            return [({}, S(s.x + 1))]
        return None


class Recurses(_Steps):
    """An action that calls itself forever: a RecursionError."""

    @action
    def step(self, s):
        yield from self.step(s)


class ExitsInAction(_Steps):
    """An action that calls ``sys.exit(5)`` at x = 1: it must not decide ahvlab's exit code."""

    @action
    def step(self, s):
        if s.x == 1:
            sys.exit(5)
        yield {}, S(s.x + 1)


class InvariantRaises(_Steps):
    """An invariant that raises KeyError at x = 1."""

    @invariant("x is small")
    def small(self, s):
        return {"a": 1}[s.x] if s.x else True


class _Violates(_Steps):
    """``below_2`` fails at x = 2, so the report hooks below run on a violation."""

    @invariant("x never reaches 2")
    def below_2(self, s):
        return s.x < 2


class FormatFails(_Violates):
    """``format_state`` raises when the violation is printed."""

    def format_state(self, s):
        raise KeyError("no such field")


class StepFormatFails(_Violates):
    """``format_step`` raises when the violation is printed."""

    def format_step(self, action, params):
        raise ValueError("cannot name [/vm] that step")


class TimeFails(_Violates):
    """``time_of`` raises when the violation is printed."""

    def time_of(self, s):
        raise ZeroDivisionError("clock broke")


class Picky(_Steps):
    """A constructor that refuses a constant: ``--set n=-1`` raises ValueError."""

    def __init__(self, n: int = 1) -> None:
        if n < 0:
            raise ValueError("n must not be negative")
        self.n = n


class Marked(_Violates):
    """A spec whose names and values are Rich markup and emoji codes: all printed literally."""

    @property
    def name(self):
        return "[bold]Marked[/] :smile:"

    def format_step(self, action, params):
        return f"[/vm] {action} [login] :smile: file.toml:100:"


class Hungry(_Steps):
    """An action that runs out of memory at x = 2: exit 153."""

    @action
    def step(self, s):
        if s.x == 2:
            raise MemoryError
        yield {}, S(s.x + 1)


class Settles(_Steps):
    """A temporal property that holds: the liveness phase runs after the search."""

    @action(fair="weak")
    def step(self, s):
        if s.x < 3:
            yield {}, S(s.x + 1)

    @eventually("x reaches 3")
    def reaches_3(self, s):
        return s.x == 3


class Two(_Steps):
    """Two invariants that hold, for ``--invariant`` choosing one of them."""

    @invariant("x is at most 3")
    def at_most_3(self, s):
        return s.x <= 3

    @invariant("x is not negative")
    def not_negative(self, s):
        return s.x >= 0


class WrongShape(Spec):
    """An action that yields a bare state, not a (params, next_state) pair."""

    def init(self):
        yield 0

    @action
    def bad(self, s):
        yield s + 1  # forgot the params


class Raises(Spec):
    """An action ``boom`` that divides by zero in state 1."""

    def init(self):
        yield 0

    @action
    def boom(self, s):
        if s == 1:
            raise ZeroDivisionError("division by zero")
        yield {}, s + 1
