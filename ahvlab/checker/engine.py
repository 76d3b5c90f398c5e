"""The search engines: breadth-first, depth-first and random simulation.

One loop each. They share the bookkeeping of TLC: every successor produced is
*generated*; a successor whose fingerprint was not seen before is *distinct*
and is stored with a pointer to its parent, so a counterexample is rebuilt
from fingerprints and then re-played against the spec before it is reported.

The three share their setup (:class:`_Search`): initial states, the invariants to
check, the fingerprint function, bounds, progress, cancellation and the wrapping
of an exception a spec raises into one :class:`SpecError` naming the hook. What a
run records for later (the state graph that liveness and DOT export need) goes to
:class:`Observer` objects, never into the options, which are frozen inputs.
"""

from __future__ import annotations

import bisect
import functools
import gc
import inspect
import os
import random
import resource
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from ahvlab.checker.blame import located, raised, spec_line
from ahvlab.checker.fpset import I64, ZERO_FP, Bools, FPSet, Levels, as_fps, fingerprint
from ahvlab.checker.por import Reducer
from ahvlab.checker.result import Coverage, Figures, Result, Violation
from ahvlab.checker.spec import Action, Invariant, Property, Spec
from ahvlab.checker.trace import ReplayError, Step, Trace, find_step, fingerprint_key, reaching, replay

ProgressFn = Callable[[Figures], None]
Engine = Literal["bfs", "dfs"]
ENGINES: tuple[Engine, ...] = ("bfs", "dfs")


class SpecError(Exception):
    """The spec itself is wrong (bad shape of a successor, an exception inside an action...).

    Made by :func:`spec_error` or :func:`misuse` it reads ``spec error in <hook> of
    <Class>: ... (<file>:<line>)``, the whole line the CLI prints.
    """


@dataclass(frozen=True)
class Options:
    """Bounds and switches of a run; the CLI flags map onto these one to one. Frozen: a run never changes them."""

    max_depth: int | None = None
    max_states: int | None = None
    max_seconds: float | None = None
    deadlock: bool = True
    invariants: Sequence[str] | None = None
    """Check only these invariants (all when None)."""
    examples: bool = True
    """Look for ``sometimes`` examples while searching."""
    progress: ProgressFn | None = None
    progress_interval: float = 5.0
    cancel: Callable[[], bool] | None = None
    """Polled about every thousand states; returning True stops the search with partial figures (a front end's Stop button)."""
    init_states: Sequence[Any] | None = None
    """Start from these states instead of ``spec.init()`` (the shell checks from the current state)."""
    reduction: bool = True
    """Partial-order reduction where the spec declares footprints (bfs only; False: the full graph)."""
    workers: int = 1
    """Processes of a partitioned BFS (``ahvlab.checker.parallel``); 1: this process, 0: one per core."""
    ray: str | None = None
    """Run the partitioned BFS on Ray actors: ``local``, ``auto`` or ``ray://host:port`` (``ahvlab.checker.cluster``)."""
    keep_going: bool = False
    """``check --continue``: record each violated invariant (and deadlock) once, with the first (in BFS the
    shortest) counterexample to it, and go on searching; ``Result.violations`` lists them."""

    def __post_init__(self) -> None:
        # Sequences given as lists are kept as tuples, so that an Options value cannot change under a run.
        if self.invariants is not None:
            object.__setattr__(self, "invariants", tuple(self.invariants))
        if self.init_states is not None:
            object.__setattr__(self, "init_states", tuple(self.init_states))


class Observer:
    """Told what a search finds, as it finds it. Subclass and override what you need (all no-ops here)."""

    def on_state(self, key: Any, state: Any, initial: bool) -> None:
        """A new distinct state (its fingerprint key and the state)."""

    def on_edge(self, src: Any, dst: Any, action: int) -> None:
        """A step from fingerprint ``src`` to fingerprint ``dst`` by the action with that index."""


@dataclass
class GraphRecorder(Observer):
    """Keeps the whole explored graph: what liveness checking and DOT/GraphML export read."""

    nodes: dict[Any, Any] = field(default_factory=dict)
    """A state for each fingerprint, in discovery order."""
    edges: list[tuple[Any, Any, int]] = field(default_factory=list)
    """Every edge ``(from_key, to_key, action_index)``, grouped by source."""
    initial: list[Any] = field(default_factory=list)
    """The fingerprints of the initial states."""

    def on_state(self, key: Any, state: Any, initial: bool) -> None:
        self.nodes[key] = state
        if initial:
            self.initial.append(key)

    def on_edge(self, src: Any, dst: Any, action: int) -> None:
        self.edges.append((src, dst, action))


class _Stop(Exception):
    pass


def reset_peak() -> None:
    """Start this process's peak-memory mark again from what it holds now (Linux), so that a run's
    peak is its own and not that of whatever ran before it in the same process."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def resident_bytes() -> int:
    """This process's resident memory now (Linux; elsewhere its peak so far)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return peak_bytes()


def peak_bytes() -> int:
    """This process's peak resident memory since :func:`reset_peak` (Linux), or since it started."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


T = TypeVar("T", Invariant, Property)


def select_named(kind: str, items: Sequence[T], names: Sequence[str] | None) -> list[T]:
    """``items`` whose ``name`` is in ``names`` (all when None); an unknown name is one clear SpecError."""
    if names is None:
        return list(items)
    known = {i.name: i for i in items}
    missing = [n for n in names if n not in known]
    if missing:
        raise SpecError(f"unknown {kind} {missing[0]!r}; the spec has: {', '.join(known) or 'none'}")
    return [known[n] for n in names]


def _check_shape(action: Action, item: Any) -> tuple[Any, Any]:
    if not (isinstance(item, tuple) and len(item) == 2):
        raise SpecError(
            f"action {action.name!r} yielded {item!r}; an action must yield (params, next_state) pairs, "
            "e.g. `yield {}, s._replace(x=1)`"
        )
    return item


def misuse(spec: Spec | None, where: str, what: str, fn: Callable[..., Any] | None = None) -> SpecError:
    """A hook that returned the wrong thing: ``spec error in view of C: it returned a list... (file:line)``."""
    if spec is None:
        return SpecError(f"{where} {what}")
    file, line = spec_line(None, fn)
    return SpecError(located(f"spec error in {where} of {type(spec).__name__}: it {what}", file, line))


def _kind(value: Any) -> str:
    name = type(value).__name__
    return "None" if value is None else f"{'an' if name[0] in 'aeiou' else 'a'} {name} ({value!r:.60})"


def lint(spec: Spec, states: Iterable[Any]) -> None:
    """Fail early with an explanation when an action yields the wrong shape or a state is unhashable."""
    key = fingerprint_key(spec)
    for s in states:
        try:
            hash(s)
        except TypeError as exc:
            raise SpecError(f"state {s!r} is not hashable ({exc}); use NamedTuple, tuple and frozenset") from exc
        if key is not None:
            k = key(s)
            try:
                hash(k)
            except TypeError:
                hook = "view" if spec.overrides("view") else "symmetry"
                raise misuse(
                    spec, hook, f"returned {_kind(k)}, which is not hashable; return a tuple", getattr(spec, hook)
                ) from None
        for act in spec.actions():
            produced = act.fn(s)
            if not isinstance(produced, Iterable) or isinstance(produced, (str, bytes)):
                raise misuse(
                    spec,
                    f"action {act.name!r}",
                    f"returned {_kind(produced)}; an action yields (params, next_state) pairs",
                    act.fn,
                )
            for item in produced:
                _check_shape(act, item)
                hash(item[1])
                if not hasattr(item[0], "items"):
                    raise SpecError(f"action {act.name!r} yielded params {item[0]!r}; params must be a dict")


def spec_error(
    exc: BaseException, where: str, spec: Spec | None = None, fn: Callable[..., Any] | None = None
) -> SpecError:
    """One line for an exception a spec raised in one of its hooks (``action 'login'``, ``init``).

    With the spec: ``spec error in action 'login' of C: it raised KeyError: 'x' (file.py:12)``.
    """
    if spec is None:
        return SpecError(f"{where} {raised(exc)}")
    file, line = spec_line(exc, fn)
    return SpecError(located(f"spec error in {where} of {type(spec).__name__}: it {raised(exc)}", file, line))


def blame_of(spec: Spec, invariant: str, state: Any) -> str | None:
    """The spec's one-line blame for a violated invariant (None when it has none to give)."""
    try:
        said = spec.blame(invariant, state)
    except Exception as exc:
        raise spec_error(exc, f"blame of {invariant!r}") from exc
    return said.strip() or None if isinstance(said, str) else None


class _Search:
    """What every engine shares: the spec's parts, the initial states, figures, bounds, progress and traces."""

    def __init__(self, spec: Spec, opts: Options, engine: str) -> None:
        self.spec = spec
        self.opts = opts
        self.engine = engine
        self.actions = list(spec.actions())
        self.invariants = select_named("invariant", spec.invariants(), opts.invariants)
        self.examples: list[Property] = [p for p in spec.properties() if p.kind == "sometimes"] if opts.examples else []
        self.found: dict[str, Any] = {}
        self.key = fingerprint_key(spec)
        self.constraint = spec.constraint if spec.overrides("constraint") else None
        self.figures = Figures(coverage={a.name: Coverage() for a in self.actions})
        self.parent: dict[Any, Any] = {}
        """dfs: fingerprinted value -> the parent's (None for an initial state)."""
        self.seen = FPSet()
        """bfs: the fingerprints seen."""
        self.levels = Levels()
        """bfs: per level, each state's fingerprint and its parent's position."""
        self.violation: Violation | None = None
        self.violations: list[Violation] = []
        """With ``keep_going``: every violation recorded, first first (one per name)."""
        self.reduced = False
        """Whether partial-order reduction was on for this run."""
        self.fingerprint: Callable[[Any], int] = fingerprint
        """bfs: the fingerprint of a fingerprinted value (Ray actors use a stable one)."""
        reset_peak()
        self.rss0 = resident_bytes()
        self.start = time.monotonic()
        self.last_progress = self.start
        self.ticks = 0
        if opts.init_states is not None:
            self.inits = list(opts.init_states)
        else:
            try:
                self.inits = list(spec.init())
            except (KeyboardInterrupt, SpecError):
                raise
            except BaseException as exc:
                raise spec_error(exc, "init", spec, spec.init) from exc

    # -- bounds and progress -------------------------------------------------

    def tick(self) -> None:
        """Count a state; every 1024 states, check the bounds and report progress."""
        self.ticks += 1
        if not self.ticks & 1023:
            self.tick_now()

    def full(self) -> bool:
        ms = self.opts.max_states
        return ms is not None and self.figures.distinct >= ms

    def tick_now(self) -> None:
        """Bounds and progress, once every 1024 states."""
        now = time.monotonic()
        f = self.figures
        if self.opts.max_seconds is not None and now - self.start >= self.opts.max_seconds:
            f.stopped = "max-seconds"
            raise _Stop
        if self.opts.cancel is not None and self.opts.cancel():
            f.stopped = "cancelled"
            raise _Stop
        if self.opts.progress and now - self.last_progress >= self.opts.progress_interval:
            self.last_progress = now
            f.seconds = now - self.start
            f.peak_bytes = peak_bytes()
            f.growth_bytes = max(0, resident_bytes() - self.rss0)
            self.opts.progress(f)

    # -- traces ----------------------------------------------------------------

    def fp_of(self) -> Callable[[Any], Any]:
        """What the stored chain holds for a state: its fingerprint (bfs) or its fingerprinted value (dfs)."""
        key = self.key or (lambda s: s)
        if self.engine == "dfs":
            return key
        fp = self.fingerprint
        return lambda s: fp(key(s))

    def chain_to(self, k: Any | None) -> list[Any]:
        """The stored chain from an initial state to ``k``: a (level, position) pair (bfs) or a key (dfs)."""
        out: list[Any] = []
        if self.engine == "dfs":
            while k is not None:
                out.append(k)
                k = self.parent[k]
        elif k is not None:
            level, pos = k
            while level >= 0:
                fp, parent = self.levels.entry(level, pos)
                out.append(fp)
                level, pos = level - 1, parent
        out.reverse()
        return out

    def rebuild(self, k: Any | None, last: Any | None = None, last_action: int = -1) -> Trace:
        """The trace to ``k`` (then to ``last`` via ``last_action``), replayed from an initial state."""
        key = self.fp_of()
        chain: list[tuple[Any, int]] = [(x, -1) for x in self.chain_to(k)]
        if last is not None:
            chain.append((key(last), last_action))
        return self.replay_chain(chain)

    def replay_chain(self, chain: Sequence[tuple[Any, int]]) -> Trace:
        """Replay a chain of (fingerprint, action index or -1) from an initial state."""
        key = self.fp_of()
        k0 = chain[0][0]
        start = next((s for s in self.inits if key(s) == k0), None)
        if start is None:
            raise ReplayError("counterexample does not start in an initial state")
        steps = [Step(start)]
        for i, (want, ai) in enumerate(chain[1:], start=2):
            # Only the parent's fingerprint is stored per state (no action index: a tuple less per state);
            # the step is found again by running the actions in order until one reaches the fingerprint.
            candidates = [self.actions[ai]] if ai >= 0 else self.actions
            step = find_step(candidates, steps[-1].state, reaches=reaching(key, want))
            if step is None:
                raise ReplayError(f"counterexample state {i} is not reachable from state {i - 1}")
            steps.append(step)
        return Trace(tuple(steps))

    def record(self, v: Violation) -> None:
        """Keep a violation; stop the search unless ``keep_going``."""
        if self.violation is None:
            self.violation = v
        self.violations.append(v)
        if not self.opts.keep_going:
            raise _Stop

    def recorded(self, name: str) -> bool:
        """Whether ``keep_going`` already holds a counterexample for ``name`` (the first found is kept)."""
        return any(v.name == name for v in self.violations)

    def fail_invariant(self, inv: Invariant, parent_key: Any | None, state: Any, ai: int) -> None:
        if self.recorded(inv.name):
            return
        trace = self.rebuild(parent_key, state, ai)
        if inv.fn(trace.last):
            raise ReplayError(f"invariant {inv.name!r} holds on the replayed trace: a nondeterministic spec?")
        self.record(Violation("invariant", inv.name, inv.doc, trace, blame_of(self.spec, inv.name, trace.last)))

    def fail_invariant_fn(self, fn: Callable[[Any], bool], parent_key: Any | None, state: Any, ai: int) -> None:
        inv = next(i for i in self.invariants if i.fn is fn)
        self.fail_invariant(inv, parent_key, state, ai)

    def fail_deadlock(self, k: Any) -> None:
        if self.recorded("deadlock"):
            return
        self.record(Violation("deadlock", "deadlock", "no action is enabled", self.rebuild(k)))

    def check_state(self, parent_key: Any | None, state: Any, ai: int) -> None:
        for inv in self.invariants:
            try:
                ok = inv.fn(state)
            except Exception as exc:
                raise spec_error(exc, f"invariant {inv.name!r}", self.spec, inv.fn) from exc
            if not ok:
                self.fail_invariant(inv, parent_key, state, ai)

    def check_examples(self, k: Any, state: Any) -> None:
        for prop in self.examples:
            if prop.name not in self.found:
                try:
                    hit = prop.p(state)
                except Exception as exc:
                    raise spec_error(exc, f"example {prop.name!r}", self.spec, prop.p) from exc
                if hit:
                    self.found[prop.name] = k

    def wrap(self, exc: BaseException, ai: int) -> Exception:
        """Name the action, invariant or hook that raised, from the frames the exception passed through.

        A MemoryError is no fault of the spec: it stops the search (``stopped`` is
        ``out-of-memory``) with the figures so far, as a bound would.
        """
        if isinstance(exc, MemoryError):
            self.figures.stopped = "out-of-memory"
            return _Stop()
        spec = self.spec
        action = self.actions[ai] if ai >= 0 else None
        if isinstance(exc, ValueError) and "unpack" in str(exc) and action is not None:
            return misuse(
                spec, f"action {action.name!r}", f"yielded something that is not a (params, next_state) pair: {exc}"
            )
        hooks: dict[Any, tuple[str, Callable[..., Any]]] = {}
        for inv in self.invariants:
            hooks[getattr(inv.fn, "__code__", None)] = (f"invariant {inv.name!r}", inv.fn)
        for prop in self.examples:
            hooks[getattr(prop.p, "__code__", None)] = (f"example {prop.name!r}", prop.p)
        for act in self.actions:
            hooks.setdefault(getattr(inspect.unwrap(act.fn), "__code__", None), (f"action {act.name!r}", act.fn))
        for name in ("constraint", "symmetry", "view"):
            if spec.overrides(name):
                hook = getattr(spec, name)
                hooks[getattr(hook, "__code__", None)] = (name, hook)
        tb = exc.__traceback__
        innermost = None
        while tb is not None:
            found = hooks.get(tb.tb_frame.f_code)
            if found is not None:
                return spec_error(exc, found[0], spec, found[1])
            innermost = tb.tb_frame.f_code.co_filename
            tb = tb.tb_next
        if innermost == __file__ and isinstance(exc, TypeError):
            # Raised by the engine's own line, not by the spec: a hook returned the wrong thing.
            text = str(exc)
            if "unhashable" in text and self.key is not None:
                hook = "view" if spec.overrides("view") else "symmetry"
                return misuse(spec, hook, f"returned a value that is not hashable ({text})", getattr(spec, hook))
            if action is not None and ("not iterable" in text or "unpack" in text):
                return misuse(
                    spec, f"action {action.name!r}", f"did not yield (params, next_state) pairs ({text})", action.fn
                )
        if action is not None:
            return spec_error(exc, f"action {action.name!r}", spec, action.fn)
        return spec_error(exc, "the spec", spec)

    # -- the result ----------------------------------------------------------

    def result(self, complete: bool) -> Result:
        if self.levels.pending:
            self.levels.close()  # a search stopped inside a level: its examples live in the part it built
        f = self.figures
        f.reduction = self.reduced
        f.peak_bytes = peak_bytes()
        f.growth_bytes = max(0, f.peak_bytes - self.rss0)
        f.seconds = time.monotonic() - self.start
        examples: dict[str, Trace | None] = {}
        for prop in self.examples:
            k = self.found.get(prop.name)
            examples[prop.name] = self.rebuild(k) if k is not None else None
        # With keep_going a violation does not cut the search short: the run is complete if it explored everything.
        complete = complete and (self.violation is None or self.opts.keep_going)
        return Result(
            self.spec.name,
            self.engine,
            f,
            self.violation,
            examples,
            complete,
            invariants=self.checked(),
            violations=self.violations,
            continued=self.opts.keep_going,
        )

    def checked(self) -> tuple[str, ...] | None:
        """The invariants this run checks, when ``--invariant`` chose some (None: all)."""
        return None if self.opts.invariants is None else tuple(i.name for i in self.invariants)


def _no_gc(search: Callable[..., Result]) -> Callable[..., Result]:
    """Run a search with the cyclic garbage collector paused.

    States are tuples that form no cycles, so the collector finds nothing, yet it
    walks the ever-growing seen-set on every generation-2 pass: 5-12% of a run.
    """

    @functools.wraps(search)
    def run(*args: Any, **kwargs: Any) -> Result:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return search(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return run


def _observe(observers: Sequence[Observer]) -> tuple[Callable[[Any, Any, bool], None], Callable[[Any, Any, int], None]]:
    """One callable per event for the observers (the loops call them only when there are observers)."""
    if len(observers) == 1:
        return observers[0].on_state, observers[0].on_edge

    def state(k: Any, s: Any, initial: bool) -> None:
        for o in observers:
            o.on_state(k, s, initial)

    def edge(a: Any, b: Any, ai: int) -> None:
        for o in observers:
            o.on_edge(a, b, ai)

    return state, edge


CHUNK = 1024
"""Frontier states expanded between two batched probes of the seen set."""


def reducer_for(spec: Spec, search: _Search) -> Reducer | None:
    """The partial-order reducer of a run, or None when the run explores every enabled step.

    Off when asked (``--no-reduction``), when no action declares a footprint, and with a
    symmetry or a constraint (a constraint cuts paths that a reordered path would keep).
    None means no reduction code runs at all: the search takes its plain path.
    """
    if not search.opts.reduction or search.engine != "bfs":
        return None
    if all(a.writes is None for a in search.actions):
        return None
    if spec.overrides("symmetry") or spec.overrides("constraint"):
        return None
    visible = [inv.reads for inv in search.invariants] + [p.reads for p in search.examples]
    reducer = Reducer(search.actions, visible)
    return reducer if reducer.active else None


Pick = tuple[int, int, int, list[bool]]
"""(state in the chunk, start, end, chosen): the steps the reducer would explore of one state."""


@dataclass
class Expansion:
    """The successors of a chunk of frontier states, in the order a state-by-state search meets them.

    They come in *blocks*: the successors one action gave one state, block ``b`` from
    ``ends[b - 1]`` (0 for the first) to ``ends[b]``, given by state ``owner[b]`` (its place
    in the chunk) and action ``act[b]``.
    """

    states: list[Any]
    owner: list[int]
    act: list[int]
    ends: list[int]
    fps: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Their fingerprints (0 for a successor the constraint cuts)."""
    cut: list[int] = field(default_factory=list)
    """Successors the constraint cuts: checked, neither stored nor explored."""
    failure: tuple[int, int, BaseException] | None = None
    """(state in the chunk, action, exception): the spec raised there; what came before it stands."""
    params: list[Any] = field(default_factory=list)
    """Each successor's parameters (only when a reducer needs them)."""
    _arrays: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None

    def start(self, b: int) -> int:
        return self.ends[b - 1] if b else 0

    def arrays(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The blocks as arrays (owner, act, length), converted once (a change to the blocks clears them)."""
        if self._arrays is None:
            ends = np.asarray(self.ends, dtype=np.int64)
            lengths = np.diff(ends, prepend=np.int64(0))
            self._arrays = (np.asarray(self.owner, dtype=np.int64), np.asarray(self.act, dtype=np.int64), lengths)
        return self._arrays

    def per_successor(self, values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """A per-block value (``owner``, ``act``) repeated for each successor of the block."""
        return np.repeat(values, self.arrays()[2])

    def counts(self, n_actions: int) -> tuple[list[int], list[int]]:
        """Per action: successors generated, and states it gave some (enabled in)."""
        _owner, act, lengths = self.arrays()
        generated = np.bincount(act, weights=lengths, minlength=n_actions)
        return generated.astype(np.int64).tolist(), np.bincount(act, minlength=n_actions).tolist()

    def idle(self, n_states: int) -> list[int]:
        """The states of the chunk that have no successor (before the one the spec raised in, if it did)."""
        upto = self.failure[0] if self.failure is not None else n_states
        busy = np.zeros(n_states, dtype=np.bool_)
        busy[self.owner] = True
        return [ci for ci in np.flatnonzero(~busy).tolist() if ci < upto]

    def truncate(self, j: int, exc: BaseException) -> None:
        """The spec raised at successor ``j`` (in a hook run on it): keep what comes before, fail there."""
        k = next(b for b, end in enumerate(self.ends) if end > j)
        ci, ai = self.owner[k], self.act[k]
        keep = k + 1 if j > self.start(k) else k
        del self.owner[keep:], self.act[keep:], self.ends[keep:]
        if keep > k:
            self.ends[k] = j
        del self.states[j:]
        del self.params[j:]
        self.cut = [c for c in self.cut if c < j]
        self.failure = (ci, ai, exc)
        self._arrays = None

    def pick(self, reducer: Reducer) -> list[Pick]:
        """(state in chunk, start, end, chosen steps) for each state the reducer would explore partly."""
        out = []
        owner, act = self.owner, self.act
        failed = self.failure[0] if self.failure is not None else -1
        b = 0
        while b < len(owner):
            ci = owner[b]
            k = b
            while k < len(owner) and owner[k] == ci:
                k += 1
            start, end = self.start(b), self.ends[k - 1]
            if end - start > 1 and ci != failed:
                steps = [(act[i], self.params[j]) for i in range(b, k) for j in range(self.start(i), self.ends[i])]
                pick = reducer.choose(steps)
                if pick is not None:
                    out.append((ci, start, end, pick))
            b = k
        return out

    def chosen(self, picks: Sequence[Pick]) -> I64:
        """The fingerprints the chosen steps of ``picks`` lead to, in order (what the proviso asks about)."""
        at = [j for _ci, start, end, pick in picks for j, keep in zip(range(start, end), pick, strict=True) if keep]
        return self.fps[at]

    def apply(self, picks: Sequence[Pick], old: Sequence[bool]) -> None:
        """Reduce each picked state to its chosen steps unless one of them is ``old`` (in a closed level)."""
        keep = np.ones(len(self.states), dtype=np.bool_)
        at = 0
        for _ci, start, end, pick in picks:
            n = sum(pick)
            if not any(old[at : at + n]):
                keep[start:end] = pick
            at += n
        self.keep(keep)

    def keep(self, keep: Bools) -> None:
        """Keep only the successors ``keep`` marks (the blocks shrink with them)."""
        if keep.all():
            return
        idx = np.flatnonzero(keep).tolist()
        self.states = [self.states[j] for j in idx]
        self.params = [self.params[j] for j in idx] if self.params else []
        self.fps = self.fps[idx]
        new_pos = np.cumsum(keep) - 1
        self.cut = [int(new_pos[c]) for c in self.cut if keep[c]]
        starts = [self.start(b) for b in range(len(self.ends))]
        counts = np.add.reduceat(keep.astype(np.int64), starts).tolist() if starts else []
        owner, act, ends = [], [], []
        pos = 0
        for b, n in enumerate(counts):
            if n:
                pos += n
                owner.append(self.owner[b])
                act.append(self.act[b])
                ends.append(pos)
        self.owner, self.act, self.ends = owner, act, ends
        self._arrays = None


def _first_raising(fn: Callable[[Any], Any], items: Sequence[Any]) -> tuple[int, BaseException]:
    """The first item ``fn`` raises on (a bulk ``map`` raised somewhere: find where)."""
    for j, item in enumerate(items):
        try:
            fn(item)
        except Exception as exc:
            return j, exc
    raise AssertionError("a bulk map raised, one at a time nothing does")  # pragma: no cover


class Expander:
    """Generates the successors of frontier chunks and fingerprints them: one code path for every BFS.

    Per successor only the action runs in Python; the constraint, the symmetry/view and
    ``hash`` are mapped over the chunk's successors at once.
    """

    def __init__(self, search: _Search, with_params: bool) -> None:
        self.indexed = list(enumerate(a.fn for a in search.actions))
        self.constraint = search.constraint
        self.key = search.key
        # The builtin hash when it is the fingerprint (0 is mapped to ZERO_FP on the array): no call per successor.
        self.hash: Callable[[Any], int] = hash if search.fingerprint is fingerprint else search.fingerprint
        self.with_params = with_params

    def expand(self, chunk: Sequence[Any]) -> Expansion:
        ts: list[Any] = []
        owner: list[int] = []
        act: list[int] = []
        ends: list[int] = []
        params: list[Any] = []
        failure: tuple[int, int, BaseException] | None = None
        append, own, acts, end = ts.append, owner.append, act.append, ends.append
        ai = -1
        a0 = 0
        for ci, s in enumerate(chunk):
            try:
                if self.with_params:
                    put = params.append
                    for ai, fn in self.indexed:
                        for p, t in fn(s):
                            append(t)
                            put(p)
                        n = len(ts)
                        if n > a0:
                            own(ci)
                            acts(ai)
                            end(n)
                            a0 = n
                else:
                    for ai, fn in self.indexed:
                        for _p, t in fn(s):
                            append(t)
                        n = len(ts)
                        if n > a0:
                            own(ci)
                            acts(ai)
                            end(n)
                            a0 = n
            except Exception as exc:
                failure = (ci, ai, exc)
                if len(ts) > a0:
                    own(ci)
                    acts(ai)
                    end(len(ts))
                break
        x = Expansion(ts, owner, act, ends, failure=failure, params=params)
        self.fingerprint(x)
        return x

    def fingerprint(self, x: Expansion) -> None:
        """Cut what the constraint rejects, then fingerprint the rest (in bulk; a raising hook fails its state)."""
        constraint, key = self.constraint, self.key
        while True:
            ts = x.states
            try:
                kept: Sequence[Any] = ts
                if constraint is not None:
                    ok = list(map(constraint, ts))
                    if not all(ok):
                        x.cut = np.flatnonzero(~np.asarray(ok, dtype=np.bool_)).tolist()
                        kept = list(compress(ts, ok))
                # The views are hashed as they are made (a list of them would hold a chunk's worth).
                values = kept if key is None else map(key, kept)
                fps = np.fromiter(map(self.hash, values), dtype=np.int64, count=len(kept))
            except Exception:
                # Find the successor the constraint, the view or the hash raised on; that state fails there.
                def one(t: Any) -> None:
                    if constraint is None or constraint(t):
                        self.hash(t if key is None else key(t))

                j, exc = _first_raising(one, ts)
                x.cut = []
                x.truncate(j, exc)
                continue
            fps[fps == 0] = ZERO_FP
            if x.cut:
                full = np.zeros(len(ts), dtype=np.int64)
                keep = np.ones(len(ts), dtype=np.bool_)
                keep[x.cut] = False
                full[keep] = fps
                fps = full
            x.fps = fps
            return

    def reduce(self, x: Expansion, reducer: Reducer, closed: Callable[[I64], Bools]) -> None:
        """Keep, per state, only the steps the reducer chooses, unless one of them leads back to a closed
        level (``closed`` says which fingerprints lie in one: the proviso); then all of its steps."""
        picks = x.pick(reducer)
        if picks:
            x.apply(picks, closed(x.chosen(picks)).tolist())


@_no_gc
def bfs(spec: Spec, opts: Options | None = None, observers: Sequence[Observer] = ()) -> Result:
    """Breadth-first search: the counterexample it reports is a shortest one.

    A level is expanded a chunk of states at a time: the chunk's successors are
    generated, fingerprinted and probed against the seen set in one numpy batch
    (:class:`Expander`), then walked in the order a state-by-state search meets them,
    so the figures, the verdict and the counterexample are those of one successor at
    a time. The walk visits only the successors it must look at (new ones, those the
    constraint cuts; every one for observers); the figures of a chunk are added at
    once, and taken back to the successor a stop happens at.

    With a reducer (partial-order reduction), a state explores only the steps the
    reducer chooses, unless one of them reaches a state seen at a depth no greater
    than its own (the proviso, C3): then all of its steps. Every cycle of the explored
    graph has such a step (depths cannot grow all the way around a cycle), so every
    cycle has a fully expanded state. The proviso looks only at levels closed before
    this one, so the explored graph does not depend on the order within a level.
    """
    opts = opts or Options()
    search = _Search(spec, opts, "bfs")
    reducer = reducer_for(spec, search)
    search.reduced = reducer is not None
    f = search.figures
    cov = f.coverage
    names = [a.name for a in search.actions]
    key = search.key
    constraint = search.constraint
    seen = search.seen
    levels = search.levels
    on_state, on_edge = _observe(observers)
    observed = bool(observers)
    level: list[Any] = []
    level_keys: list[Any] = []
    complete = True
    try:
        try:
            lint(spec, search.inits[:1])
            init_fps: list[int] = []
            for s in search.inits:
                f.generated += 1
                search.check_state(None, s, -1)
                if constraint is not None and not constraint(s):
                    continue
                k = key(s) if key else s
                fp = fingerprint(k)
                if not seen.add(as_fps([fp]))[0]:
                    continue
                init_fps.append(fp)
                f.distinct += 1
                search.check_examples((0, len(level)), s)
                level.append(s)
                if observed:
                    level_keys.append(k)
                    on_state(k, s, True)
            levels.append(as_fps(init_fps), np.zeros(len(init_fps), dtype=np.uint32))
            levels.close()
        except (_Stop, KeyboardInterrupt, SpecError, ReplayError):
            raise
        except BaseException as exc:  # SystemExit too: a spec's sys.exit() must not decide the exit code
            raise search.wrap(exc, -1) from exc
        f.depth = 1 if level else 0
        depth = 1
        # Figures live in locals and per-action lists, written back to `f` at each
        # progress tick and at the end (attribute updates per successor cost a third
        # of the time on small states).
        expander = Expander(search, with_params=reducer is not None)
        n_actions = len(search.actions)
        enabled = [0] * n_actions
        generated = [0] * n_actions
        found = [0] * n_actions
        inv_fns = [inv.fn for inv in search.invariants]
        # A violation stops the search inside a chunk, so its unvisited successors are taken off the figures;
        # with keep_going the search goes on through them.
        stops = 0 if opts.keep_going else 1
        examples = bool(search.examples)
        deadlock = opts.deadlock
        max_states = opts.max_states
        # --max-states N stops at the N-th distinct state, not at the end of the state being expanded.
        limit = -1 if max_states is None else max_states
        distinct = f.distinct
        ai = -1
        next_seen = FPSet() if reducer is not None else None
        """The fingerprints of the level being built: the proviso must not count them as seen."""

        def closed(fps: I64) -> Bools:
            assert next_seen is not None
            return seen.contains(fps) & ~next_seen.contains(fps)

        def sync() -> None:
            f.distinct = distinct
            f.generated = len(search.inits) + sum(generated)
            for a_i, name in enumerate(names):
                c = cov[name]
                c.enabled, c.generated, c.distinct = enabled[a_i], generated[a_i], found[a_i]

        def take_back(x: Expansion, b: int, j: int) -> None:
            """A stop at successor ``j`` of block ``b``: the figures leave out what comes after it."""
            generated[x.act[b]] -= (x.ends[b] - j - 1) * stops
            untake(x, b + 1)

        def untake(x: Expansion, b: int) -> None:
            """A stop before block ``b``: the figures leave out the blocks from there on."""
            for k in range(b, len(x.ends)):
                generated[x.act[k]] -= x.ends[k] - x.start(k)
                enabled[x.act[k]] -= 1

        def deadlocked(x: Expansion, lo: int, ci: int, left: int) -> None:
            """State ``ci`` of the chunk has no successor (``left``: the states of this level and of the next
            found so far)."""
            untake(x, bisect.bisect_right(x.owner, ci))
            sync()
            f.queue = left - lo - ci - 1
            search.fail_deadlock((depth - 1, lo + ci))

        try:
            while level:
                if opts.max_depth is not None and depth >= opts.max_depth:
                    complete = False
                    f.stopped = "max-depth"
                    f.queue = len(level)
                    break
                nxt: list[Any] = []
                nxt_keys: list[Any] = []
                append = nxt.append
                for lo in range(0, len(level), CHUNK):
                    f.queue = len(level) - lo + len(nxt)
                    sync()
                    search.tick_now()
                    if max_states is not None and distinct >= max_states:
                        f.stopped = "max-states"
                        raise _Stop
                    chunk = level[lo : lo + CHUNK]
                    x = expander.expand(chunk)
                    if reducer is not None:
                        expander.reduce(x, reducer, closed)
                    ts = x.states
                    # -- probe the seen set: one batch for the chunk -------------------------------
                    fps = x.fps
                    if x.cut:
                        kept = np.ones(len(fps), dtype=np.bool_)
                        kept[x.cut] = False
                        is_new = np.zeros(len(fps), dtype=np.bool_)
                        is_new[kept] = seen.add(fps[kept])
                    else:
                        is_new = seen.add(fps)
                    if next_seen is not None:
                        next_seen.add(fps[is_new])
                    new_at = np.flatnonzero(is_new)
                    owners_b, _acts_b, lengths = x.arrays()
                    parents = x.per_successor(owners_b)[new_at] + lo
                    levels.append(fps[new_at], parents.astype(np.uint32))
                    # -- the chunk's figures at once, then its successors in order ------------------
                    gen_n, ena_n = x.counts(n_actions)
                    for a_i in range(n_actions):
                        generated[a_i] += gen_n[a_i]
                        enabled[a_i] += ena_n[a_i]
                    # What the walk stops at: 1 a new successor, 2 one the constraint cuts (0: seen
                    # before, visited only for the observers' edges); then the states without successors.
                    kind = is_new.astype(np.int8)
                    if x.cut:
                        kind[x.cut] = 2
                    kinds: list[int] = kind.tolist()
                    at = np.arange(len(ts)) if observed else np.flatnonzero(kind)
                    block_of = np.repeat(np.arange(len(x.ends)), lengths)[at].tolist()
                    idle = x.idle(len(chunk)) if deadlock else []
                    idle.append(CHUNK)  # a sentinel
                    di = 0
                    owner, act = x.owner, x.act
                    for j, b in zip(at.tolist(), block_of, strict=True):
                        ci = owner[b]
                        while idle[di] < ci:
                            deadlocked(x, lo, idle[di], len(level) + len(nxt))
                            di += 1
                        ai = act[b]
                        t = ts[j]
                        what = kinds[j]
                        if what == 2:
                            for inv_fn in inv_fns:
                                if not inv_fn(t):
                                    take_back(x, b, j)
                                    sync()
                                    search.fail_invariant_fn(inv_fn, (depth - 1, lo + ci), t, ai)
                            continue
                        if observed:
                            k = key(t) if key else t
                            on_edge(level_keys[lo + ci], k, ai)
                            if not what:
                                continue
                            on_state(k, t, False)
                            nxt_keys.append(k)
                        distinct += 1
                        found[ai] += 1
                        if not nxt:
                            f.depth = depth + 1
                        for inv_fn in inv_fns:
                            if not inv_fn(t):
                                take_back(x, b, j)
                                sync()
                                f.queue = len(level) - lo - ci - 1 + len(nxt)
                                search.fail_invariant_fn(inv_fn, (depth - 1, lo + ci), t, ai)
                        if examples:
                            search.check_examples((depth, len(nxt)), t)
                        append(t)
                        if distinct == limit:
                            untake(x, b + 1)
                            sync()
                            f.stopped = "max-states"
                            f.queue = len(level) - lo - ci + len(nxt)
                            raise _Stop
                    while idle[di] < CHUNK:
                        deadlocked(x, lo, idle[di], len(level) + len(nxt))
                        di += 1
                    if x.failure is not None:
                        ai = x.failure[1]
                        raise x.failure[2]
                    del x, ts  # before the next chunk's successors are made
                levels.close()
                if next_seen is not None:
                    next_seen = FPSet(max(1 << 14, 2 * len(nxt)))
                level, level_keys = nxt, nxt_keys
                depth += 1
                f.queue = len(level)
        except (_Stop, KeyboardInterrupt, SpecError, ReplayError):
            raise
        except BaseException as exc:  # SystemExit too: a spec's sys.exit() must not decide the exit code
            raise search.wrap(exc, ai) from exc
        finally:
            sync()
    except _Stop:
        complete = False
    except KeyboardInterrupt:
        f.stopped = "interrupted"
        complete = False
    return search.result(complete and f.stopped is None)


def _successors(search: _Search, s: Any) -> Iterable[tuple[int, Any]]:
    for ai, act in enumerate(search.actions):
        try:
            for item in act.fn(s):
                yield ai, item[1]
        except (SpecError, _Stop, KeyboardInterrupt, GeneratorExit):
            raise  # GeneratorExit: the search closed this generator (it stopped inside it)
        except BaseException as exc:
            raise search.wrap(exc, ai) from exc


@_no_gc
def dfs(spec: Spec, opts: Options | None = None, observers: Sequence[Observer] = ()) -> Result:
    """Depth-first search: less memory for the queue; counterexamples are not shortest."""
    opts = opts or Options()
    search = _Search(spec, opts, "dfs")
    f = search.figures
    cov = f.coverage
    names = [a.name for a in search.actions]
    key = search.key
    constraint = search.constraint
    parent = search.parent
    on_state, on_edge = _observe(observers)
    observed = bool(observers)
    depth_of: dict[Any, int] = {}
    stack: list[tuple[Any, int]] = []
    complete = True
    try:
        lint(spec, search.inits[:1])
        for s in search.inits:
            f.generated += 1
            search.check_state(None, s, -1)
            if constraint is not None and not constraint(s):
                continue
            k = key(s) if key else s
            if k in parent:
                continue
            parent[k] = None
            depth_of[k] = 1
            f.distinct += 1
            if observed:
                on_state(k, s, True)
            search.check_examples(k, s)
            stack.append((s, 1))
        f.depth = 1 if stack else 0
        while stack:
            search.tick()
            if search.full():
                f.stopped = "max-states"
                raise _Stop
            s, d = stack.pop()
            pk = key(s) if key else s
            if depth_of.get(pk, d) < d:
                continue  # re-reached at a smaller depth since it was pushed
            if opts.max_depth is not None and d >= opts.max_depth:
                complete = False
                f.stopped = f.stopped or "max-depth"
                continue
            any_succ = False
            last_ai = -1
            for ai, t in _successors(search, s):
                any_succ = True
                c = cov[names[ai]]
                if ai != last_ai:
                    c.enabled += 1
                    last_ai = ai
                c.generated += 1
                f.generated += 1
                if constraint is not None and not constraint(t):
                    search.check_state(pk, t, ai)
                    continue
                k = key(t) if key else t
                if observed:
                    on_edge(pk, k, ai)
                seen_depth = depth_of.get(k)
                if seen_depth is not None:
                    if opts.max_depth is not None and d + 1 < seen_depth:
                        depth_of[k] = d + 1
                        parent[k] = pk
                        stack.append((t, d + 1))
                    continue
                parent[k] = pk
                depth_of[k] = d + 1
                f.distinct += 1
                if observed:
                    on_state(k, t, False)
                c.distinct += 1
                f.depth = max(f.depth, d + 1)
                search.check_state(pk, t, ai)
                search.check_examples(k, t)
                stack.append((t, d + 1))
                if search.full():  # at the N-th distinct state, as in bfs
                    f.stopped = "max-states"
                    raise _Stop
            if not any_succ and opts.deadlock:
                search.fail_deadlock(pk)
            f.queue = len(stack)
    except _Stop:
        complete = False
    except KeyboardInterrupt:
        f.stopped = "interrupted"
        complete = False
    except (SpecError, ReplayError):
        raise
    except BaseException as exc:
        stop = search.wrap(exc, -1)
        if not isinstance(stop, _Stop):
            raise stop from exc
        complete = False
    f.queue = len(stack)
    return search.result(complete and f.stopped is None)


def search(
    spec: Spec, opts: Options | None = None, engine: Engine = "bfs", observers: Sequence[Observer] = ()
) -> Result:
    """Run ``bfs`` or ``dfs`` in this process (safety only; :func:`ahvlab.checker.run.check` adds liveness
    and sends ``--workers``/``--ray`` to the partitioned search)."""
    if engine == "bfs":
        return bfs(spec, opts, observers)
    if engine == "dfs":
        return dfs(spec, opts, observers)
    raise ValueError(f"unknown engine {engine!r} (bfs or dfs)")


LassoHook = Callable[[Sequence[Step], Sequence[tuple[int, Any, Any]] | None], Violation | None]
"""Shown each state a walk reaches (the walk so far, then the state's steps as ``(action index, params,
successor)``, or None when the walk ends there without enumerating them); returns a violation the walk
shows, or None. :class:`ahvlab.checker.lasso.WalkLassos` checks the temporal properties on the lassos."""


def simulate(
    spec: Spec,
    runs: int,
    steps: int,
    seed: int = 0,
    opts: Options | None = None,
    lassos: LassoHook | None = None,
) -> Result:
    """Random simulation: ``runs`` behaviours of at most ``steps`` steps, reproducible from ``seed``.

    ``lassos`` is shown every state a walk reaches within the constraint (after its
    invariants); a violation it returns ends the simulation.
    """
    opts = opts or Options()
    rng = random.Random(seed)
    search = _Search(spec, opts, "simulate")
    actions = search.actions
    key = search.key or (lambda s: s)
    constraint = search.constraint
    f = search.figures
    inits = search.inits
    examples = search.examples
    found: dict[str, Trace | None] = {p.name: None for p in examples}
    seen: set[Any] = set()

    def finish(trace: list[Step], kind: Literal["invariant", "deadlock"], name: str, doc: str) -> Violation:
        replayed = replay(spec, [st.state for st in trace], [(st.action, st.params) for st in trace], inits)
        blame = blame_of(spec, name, replayed.last) if kind == "invariant" else None
        return Violation(kind, name, doc, replayed, blame)

    ai = -1
    try:
        lint(spec, inits[:1])
        for _run in range(runs):
            s = rng.choice(inits)
            trace = [Step(s)]
            f.generated += 1
            for depth in range(1, steps + 1):
                k = key(s)
                if k not in seen:
                    seen.add(k)
                    f.distinct += 1
                f.depth = max(f.depth, depth)
                for inv in search.invariants:
                    if not inv.fn(s):
                        search.violation = finish(trace, "invariant", inv.name, inv.doc)
                        raise _Stop
                for prop in examples:
                    if found[prop.name] is None and prop.p(s):
                        found[prop.name] = Trace(tuple(trace))
                if constraint is not None and not constraint(s):
                    break
                if depth == steps:
                    if lassos is not None:
                        search.violation = lassos(trace, None)
                        if search.violation is not None:
                            raise _Stop
                    break
                succ: list[tuple[int, Any, Any]] = []
                for ai, act in enumerate(actions):
                    n0 = len(succ)
                    for params, t in act.fn(s):
                        succ.append((ai, params, t))
                    c = f.coverage[act.name]
                    if len(succ) > n0:
                        c.enabled += 1
                        c.generated += len(succ) - n0
                ai = -1
                f.generated += len(succ)
                if not succ and opts.deadlock:
                    search.violation = finish(trace, "deadlock", "deadlock", "no action is enabled")
                    raise _Stop
                if lassos is not None:
                    search.violation = lassos(trace, succ)
                    if search.violation is not None:
                        raise _Stop
                if not succ:
                    break
                pick, params, s = rng.choice(succ)
                trace.append(Step(s, actions[pick].name, dict(params)))
                search.tick_now()
    except _Stop:
        pass
    except KeyboardInterrupt:
        f.stopped = "interrupted"
    except (SpecError, ReplayError):
        raise
    except BaseException as exc:
        stop = search.wrap(exc, ai)
        if not isinstance(stop, _Stop):
            raise stop from exc
    f.seconds = time.monotonic() - search.start
    return Result(spec.name, "simulate", f, search.violation, found, complete=False, invariants=search.checked())
