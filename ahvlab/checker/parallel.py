"""``--workers N``: a level-synchronous BFS partitioned by fingerprint over N processes.

Each worker (a :class:`Partition`) owns the states whose fingerprint falls to it: it
keeps their fingerprints, their parents and its share of the frontier. A level is
two rounds. *Expand*: every worker expands its frontier and sorts the successors by
owner (dropping the duplicates of each batch). *Absorb*: every owner probes the
batches it receives against its seen set and keeps the new states as its share of
the next level, checking the invariants on them. The driver only passes batches on
and adds the figures up; with partial-order reduction a third round before Absorb
asks the owners which chosen successors lie in a level already closed (the proviso).

The set of states of each level does not depend on the number of workers nor on
the order inside a level, so a complete run gives the figures of ``--workers 1``:
distinct states, states generated, depth and the verdict; a counterexample is a
shortest one, like the sequential one (maybe another of the same length). A run
stopped early (a violation, a bound) stops at the end of a round: its partial
figures are those of that moment. The per-action *distinct* column credits a state
found by two actions in one level to whichever its owner met first.

The transports: forked processes on this machine (:class:`ProcessPool`: the workers
inherit the spec and Python's hash secret, so fingerprints agree) and Ray actors
(:mod:`ahvlab.checker.cluster`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from ahvlab.checker.engine import (
    Options,
    SpecError,
    _no_gc,
    _Search,
    _Stop,
    lint,
    peak_bytes,
    reducer_for,
    resident_bytes,
)
from ahvlab.checker.fpset import I64, FPSet, Levels, as_fps, stable_fingerprint
from ahvlab.checker.result import Result, Violation
from ahvlab.checker.spec import Spec
from ahvlab.checker.trace import ReplayError, Trace

_MIX = np.uint64(0xFF51AFD7ED558CCD)


def owners(fps: I64, parts: int) -> I64:
    """The worker that owns each fingerprint (a mix of the bits other than the table's)."""
    return (((fps.view(np.uint64) * _MIX) >> np.uint64(40)) % np.uint64(parts)).astype(np.int64)


@dataclass
class Batch:
    """Successors on their way to their owner: fingerprints, states, parent references, action indexes."""

    fps: I64
    states: list[Any]
    parents: Any
    actions: Any


@dataclass
class Report:
    """What a worker answers after a round: figures and, maybe, what stops the search."""

    generated: list[int] = field(default_factory=list)
    enabled: list[int] = field(default_factory=list)
    found: list[int] = field(default_factory=list)
    distinct: int = 0
    frontier: int = 0
    stop: tuple[Any, ...] | None = None
    """("invariant", name, parent ref, state, action) / ("deadlock", position) / ("error", message)."""
    examples: dict[str, int] = field(default_factory=dict)
    """Example name -> position in the level just absorbed."""
    peak: int = 0
    """The worker's peak resident memory, bytes."""
    growth: int = 0
    """What the search added to the worker's memory."""


def _peak() -> int:
    return peak_bytes()


class Partition:
    """One worker's share of the search."""

    def __init__(self, spec: Spec, opts: Options, index: int, parts: int, stable: bool = False) -> None:
        self.rss0 = resident_bytes()
        self.search = _Search(spec, opts, "bfs")
        if stable:
            self.search.fingerprint = stable_fingerprint
        self.fp: Callable[[Any], int] = self.search.fingerprint
        self.index = index
        self.parts = parts
        self.reducer = reducer_for(spec, self.search)
        self.seen = FPSet()
        self.levels = Levels()
        self.frontier: list[Any] = []
        self.next: list[Any] = []
        self.pending: list[tuple[int, list[bool] | None, list[tuple[int, Any]]]] = []
        self._asked: I64 = np.zeros(0, dtype=np.int64)
        n = len(self.search.actions)
        self.n_actions = n
        self.depth = 0

    def _report(self) -> Report:
        n = self.n_actions
        peak = _peak()
        return Report([0] * n, [0] * n, [0] * n, peak=peak, growth=max(0, peak - self.rss0))

    def _key(self, t: Any) -> int:
        key = self.search.key
        return self.fp(key(t) if key else t)

    # -- round 0: the initial states --------------------------------------------------

    def start(self) -> Report:
        rep = self._report()
        search = self.search
        try:
            lint(search.spec, search.inits[:1])
            fps: list[int] = []
            for s in search.inits:
                search.check_state(None, s, -1)
                c = search.constraint
                if c is not None and not c(s):
                    continue
                fp = self._key(s)
                if owners(as_fps([fp]), self.parts)[0] != self.index:
                    continue
                if not self.seen.add(as_fps([fp]))[0]:
                    continue
                fps.append(fp)
                self._example(rep, s, len(self.frontier))
                self.frontier.append(s)
            self.levels.append(as_fps(fps), np.zeros(len(fps), dtype=np.uint32))
            self.levels.close()
        except _Stop:
            v = search.violation
            assert v is not None
            rep.stop = ("trace", v)
        except (SpecError, ReplayError) as exc:
            rep.stop = ("error", str(exc))
        rep.distinct = len(self.frontier)
        rep.frontier = len(self.frontier)
        self.depth = 1
        return rep

    def _example(self, rep: Report, s: Any, pos: int) -> None:
        for prop in self.search.examples:
            if prop.name not in rep.examples and prop.p(s):
                rep.examples[prop.name] = pos

    # -- round 1: expand ----------------------------------------------------------------

    def expand(self) -> tuple[Report, list[I64]]:
        """Generate the successors of the frontier; returns the proviso's queries per owner (empty without reduction)."""
        rep = self._report()
        search = self.search
        indexed = list(enumerate(a.fn for a in search.actions))
        reducer = self.reducer
        self.pending = []
        asked: list[int] = []
        ai = -1
        try:
            for pos, s in enumerate(self.frontier):
                succ: list[tuple[int, Any, Any]] = []
                for ai, fn in indexed:
                    for p, t in fn(s):
                        succ.append((ai, p, t))
                pick = None
                if reducer is not None and len(succ) > 1:
                    pick = reducer.choose([(a, p) for a, p, _t in succ])
                    if pick is not None:
                        asked.extend(self._key(t) for (_a, _p, t), keep in zip(succ, pick, strict=True) if keep)
                self.pending.append((pos, pick, [(a, t) for a, _p, t in succ]))
        except Exception as exc:
            rep.stop = ("error", str(search.wrap(exc, ai)))
        fps = as_fps(asked)
        self._asked = owners(fps, self.parts)
        return rep, [fps[self._asked == o] for o in range(self.parts)]

    def query(self, asks: Sequence[I64]) -> list[Any]:
        """The proviso's answer for each asker: which of its fingerprints are in a closed level (all of ours are)."""
        return [self.seen.contains(a) for a in asks]

    def ship(self, answers: Sequence[Any]) -> tuple[Report, list[Batch]]:
        """Choose the explored steps of each state (the proviso answered) and sort them by owner."""
        rep = self._report()
        search = self.search
        constraint = search.constraint
        key = search.key
        parts = self.parts
        me = self.index
        old_flat = np.zeros(len(self._asked), dtype=np.bool_)
        for o in range(parts):
            old_flat[self._asked == o] = answers[o]
        old_list: list[bool] = old_flat.tolist()
        cursor = 0
        fps: list[int] = []
        states: list[Any] = []
        refs: list[int] = []
        acts: list[int] = []
        generated, enabled = rep.generated, rep.enabled
        fp = self.fp
        try:
            for pos, pick, succ in self.pending:
                explored = succ
                if pick is not None:
                    n = sum(pick)
                    if not any(old_list[cursor : cursor + n]):
                        explored = [x for x, keep in zip(succ, pick, strict=True) if keep]
                    cursor += n
                if not explored:
                    if search.opts.deadlock:
                        rep.stop = ("deadlock", pos)
                        break
                    continue
                last = -1
                ref = pos * parts + me
                for a, t in explored:
                    generated[a] += 1
                    if a != last:
                        enabled[a] += 1
                        last = a
                    if constraint is not None and not constraint(t):
                        for inv in search.invariants:
                            if not inv.fn(t):
                                rep.stop = ("invariant", inv.name, ref, t, a)
                                break
                        continue
                    fps.append(fp(key(t) if key else t))
                    states.append(t)
                    refs.append(ref)
                    acts.append(a)
                if rep.stop is not None:
                    break
        except Exception as exc:
            rep.stop = ("error", str(search.wrap(exc, -1)))
        self.pending = []
        arr = as_fps(fps)
        own = owners(arr, parts)
        ref_arr = np.asarray(refs, dtype=np.uint32)
        act_arr = np.asarray(acts, dtype=np.int32)
        batches = []
        for o in range(parts):
            idx = np.flatnonzero(own == o)
            # Only the first of a batch's duplicates travels.
            _u, first = np.unique(arr[idx], return_index=True)
            idx = idx[np.sort(first)]
            batches.append(Batch(arr[idx], [states[i] for i in idx.tolist()], ref_arr[idx], act_arr[idx]))
        return rep, batches

    # -- round 2: absorb ----------------------------------------------------------------

    def absorb(self, batches: Sequence[Batch]) -> Report:
        """Keep the new states of the batches sent to this owner: the next level's share."""
        rep = self._report()
        search = self.search
        invs = search.invariants
        nxt: list[Any] = []
        try:
            for b in batches:
                if not len(b.fps):
                    continue
                new = self.seen.add(b.fps)
                at = np.flatnonzero(new)
                self.levels.append(b.fps[at], b.parents[at])
                acts = b.actions[at].tolist()
                refs = b.parents[at].tolist()
                for n, j in enumerate(at.tolist()):
                    t = b.states[j]
                    rep.found[acts[n]] += 1
                    for inv in invs:
                        if not inv.fn(t):
                            rep.stop = ("invariant", inv.name, refs[n], t, acts[n])
                            break
                    if rep.stop is not None:
                        break
                    self._example(rep, t, len(nxt))
                    nxt.append(t)
                if rep.stop is not None:
                    break
        except Exception as exc:
            rep.stop = ("error", str(search.wrap(exc, -1)))
        self.levels.close()
        self.frontier = nxt
        self.depth += 1
        rep.distinct = len(nxt)
        rep.frontier = len(nxt)
        return rep

    # -- traces ---------------------------------------------------------------------------

    def entry(self, level: int, position: int) -> tuple[int, int]:
        return self.levels.entry(level, position)

    def replay(self, chain: Sequence[tuple[int, int]]) -> Trace:
        """Replay a chain of (fingerprint, action or -1) from an initial state (in a worker: its hash seed)."""
        return self.search.replay_chain(chain)

    def fingerprint(self, state: Any) -> int:
        return self._key(state)


class Pool:
    """How the driver reaches its workers: one call per round, to all of them."""

    parts: int

    def call(self, method: str, args: Sequence[Sequence[Any]] | None = None) -> list[Any]:
        """Call ``method`` on every worker (with that worker's arguments) and return the answers in worker order."""
        raise NotImplementedError

    def call_one(self, worker: int, method: str, *args: Any) -> Any:
        raise NotImplementedError

    def exchange(self, method: str) -> tuple[list[Report], list[Any]]:
        """Run a round whose answers are (report, one item per owner); the items regrouped per owner."""
        return self.exchange_with(method, None)

    def exchange_with(self, method: str, args: Sequence[Sequence[Any]] | None) -> tuple[list[Report], list[Any]]:
        out = self.call(method, args)
        reports = [r for r, _ in out]
        per_owner = [[items[o] for _r, items in out] for o in range(self.parts)]
        return reports, per_owner

    def close(self) -> None:
        pass


def _serve(conn: Connection, spec: Spec, opts: Options, index: int, parts: int) -> None:
    """A forked worker's loop: run the methods the driver names until it says stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's: it stops the workers
    part = Partition(spec, opts, index, parts)
    while True:
        method, args = pickle.loads(conn.recv_bytes())
        if method == "stop":
            break
        try:
            result = getattr(part, method)(*args)
        except BaseException as exc:
            result = exc
        conn.send_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


class ProcessPool(Pool):
    """Workers forked from this process, one pipe each."""

    def __init__(self, spec: Spec, opts: Options, parts: int) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self.parts = parts
        self.conns: list[Connection] = []
        self.procs = []
        for i in range(parts):
            mine, theirs = ctx.Pipe()
            p = ctx.Process(target=_serve, args=(theirs, spec, opts, i, parts), daemon=True)
            p.start()
            theirs.close()
            self.conns.append(mine)
            self.procs.append(p)

    def _recv(self, i: int) -> Any:
        out = pickle.loads(self.conns[i].recv_bytes())
        if isinstance(out, BaseException):
            raise out
        return out

    def call(self, method: str, args: Sequence[Sequence[Any]] | None = None) -> list[Any]:
        for i, c in enumerate(self.conns):
            c.send_bytes(pickle.dumps((method, tuple(args[i]) if args else ()), protocol=pickle.HIGHEST_PROTOCOL))
        return [self._recv(i) for i in range(self.parts)]

    def call_one(self, worker: int, method: str, *args: Any) -> Any:
        self.conns[worker].send_bytes(pickle.dumps((method, args)))
        return self._recv(worker)

    def close(self) -> None:
        for c in self.conns:
            with contextlib.suppress(OSError):
                c.send_bytes(pickle.dumps(("stop", ())))
        for p in self.procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()


def check_parallel(spec: Spec, opts: Options) -> Result:
    """``--workers N`` on this machine (N = opts.workers, 0: one per core)."""
    n = opts.workers or cores()
    return partitioned_bfs(spec, opts, lambda o: ProcessPool(spec, o, n))


def cores() -> int:
    """The cores this process may run on (``--workers 0``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@_no_gc
def partitioned_bfs(spec: Spec, opts: Options, pool_of: Callable[[Options], Pool], engine: str = "bfs") -> Result:
    """The partitioned BFS, driven from this process over the workers ``pool_of`` starts."""
    search = _Search(spec, opts, engine)
    search.reduced = reducer_for(spec, search) is not None
    f = search.figures
    names = [a.name for a in search.actions]
    start = time.monotonic()
    # The workers' own options: no progress callback (the driver reports), no cancel hook.
    pool = pool_of(dataclasses.replace(opts, progress=None, cancel=None))
    parts = pool.parts
    gen = [0] * len(names)
    ena = [0] * len(names)
    fnd = [0] * len(names)
    peaks = [0] * parts
    growths = [0] * parts
    complete = True
    found: dict[str, tuple[int, int, int]] = {}
    violation: Violation | None = None

    def add(reports: Sequence[Report]) -> None:
        for w, r in enumerate(reports):
            for i in range(len(names)):
                gen[i] += r.generated[i] if r.generated else 0
                ena[i] += r.enabled[i] if r.enabled else 0
                fnd[i] += r.found[i] if r.found else 0
            peaks[w] = max(peaks[w], r.peak)
            growths[w] = max(growths[w], r.growth)

    def sync() -> None:
        f.generated = len(search.inits) + sum(gen)
        for i, n in enumerate(names):
            c = f.coverage[n]
            c.enabled, c.generated, c.distinct = ena[i], gen[i], fnd[i]
        f.seconds = time.monotonic() - start
        f.workers = parts
        f.reduction = search.reduced
        f.peak_bytes = peak_bytes() + sum(peaks)
        f.growth_bytes = max(0, peak_bytes() - search.rss0) + sum(growths)

    def chain(level: int, ref: int) -> list[tuple[int, int]]:
        out = []
        while level >= 0:
            w, pos = ref % parts, ref // parts
            fp, ref = pool.call_one(w, "entry", level, pos)
            out.append((fp, -1))
            level -= 1
        out.reverse()
        return out

    def stop_with(reports: Sequence[Report], depth: int) -> None:
        nonlocal violation
        for w, r in enumerate(reports):
            if r.stop is None:
                continue
            kind = r.stop[0]
            if kind == "error":
                raise SpecError(r.stop[1])
            if kind == "trace":
                violation = r.stop[1]
            elif kind == "deadlock":
                trace = pool.call_one(0, "replay", chain(depth - 1, r.stop[1] * parts + w))
                violation = Violation("deadlock", "deadlock", "no action is enabled", trace)
            else:
                _k, name, ref, state, ai = r.stop
                fp = pool.call_one(0, "fingerprint", state)
                trace = pool.call_one(0, "replay", [*chain(depth - 1, ref), (fp, ai)])
                inv = next(i for i in search.invariants if i.name == name)
                violation = Violation("invariant", name, inv.doc, trace)
            raise _Stop

    def note_examples(reports: Sequence[Report], level: int) -> None:
        for w, r in enumerate(reports):
            for name, pos in r.examples.items():
                if name not in found:
                    found[name] = (level, pos * parts + w, w)

    try:
        try:
            reports = pool.call("start")
            add(reports)
            f.distinct = sum(r.distinct for r in reports)
            note_examples(reports, 0)
            stop_with(reports, 0)
            frontier = sum(r.frontier for r in reports)
            f.depth = 1 if frontier else 0
            depth = 1
            while frontier:
                sync()
                f.queue = frontier
                if opts.progress is not None:
                    opts.progress(f)
                if opts.max_depth is not None and depth >= opts.max_depth:
                    complete = False
                    break
                if opts.max_states is not None and f.distinct >= opts.max_states:
                    f.stopped = "max_states"
                    raise _Stop
                if opts.max_seconds is not None and time.monotonic() - start >= opts.max_seconds:
                    f.stopped = "max_seconds"
                    raise _Stop
                if opts.cancel is not None and opts.cancel():
                    f.stopped = "cancelled"
                    raise _Stop
                reports, queries = pool.exchange("expand")
                add(reports)
                stop_with(reports, depth)
                if search.reduced:
                    answers = pool.call("query", [[queries[o]] for o in range(parts)])
                    per_asker = [[answers[o][w] for o in range(parts)] for w in range(parts)]
                else:
                    per_asker = [[np.zeros(0, dtype=np.bool_)] * parts for _w in range(parts)]
                reports, batches = pool.exchange_with("ship", [[a] for a in per_asker])
                add(reports)
                stop_with(reports, depth)
                reports = pool.call("absorb", [[b] for b in batches])
                add(reports)
                f.distinct += sum(r.distinct for r in reports)
                frontier = sum(r.frontier for r in reports)
                if frontier:
                    f.depth = depth + 1
                note_examples(reports, depth)
                stop_with(reports, depth)
                depth += 1
            f.queue = frontier
        finally:
            sync()
            examples: dict[str, Trace | None] = {p.name: None for p in search.examples}
            for name, (level, ref, _w) in found.items():
                examples[name] = pool.call_one(0, "replay", chain(level, ref))
    except _Stop:
        complete = False
    except KeyboardInterrupt:
        f.stopped = "interrupted"
        complete = False
    finally:
        pool.close()
    f.seconds = time.monotonic() - start
    return Result(spec.name, engine, f, violation, examples, complete and f.stopped is None and violation is None)
