"""``--workers N``: a level-synchronous BFS partitioned by fingerprint over N processes.

Each worker (a :class:`Partition`) owns the states whose fingerprint falls to it: it
keeps their fingerprints, their parents and its share of the frontier. A level runs in
the workers, in phases separated by exchanges between them; the driver only starts the
level, hands each worker the handles of what the others left for it, and adds the
figures up at the end:

1. *Expand*: a worker expands its frontier a chunk at a time (the
   :class:`~ahvlab.checker.engine.Expander` of the one-process BFS). The successors it
   owns it probes against its seen set at once: the new ones are checked and kept for
   the next level. The others it sorts by owner (a level's duplicates dropped) and
   sends their fingerprints, with parent references and actions, to their owners.
2. *Claim*: an owner probes the fingerprints it was sent; it answers each sender which
   of them were new (and records them, with their parents, in its level).
3. *Ship*: a sender sends only the states its owners claimed.
4. *Absorb*: an owner checks the states it received and keeps them as its share of the
   next level.

So a state crosses from one process to another at most once, the states already seen
never travel, and a fingerprint travels as 8 bytes in a numpy array. With partial-order
reduction two phases come first: every worker generates the successors of its whole
frontier and asks the owners which of the chosen ones lie in a level already closed
(the proviso), then reduces and goes on as above.

The set of states of each level does not depend on the number of workers nor on
the order inside a level, so a complete run gives the figures of ``--workers 1``:
distinct states, states generated, depth and the verdict; a counterexample is a
shortest one, like the sequential one (maybe another of the same length). A run
stopped early (a violation, a bound) stops at the end of a level: its partial figures
are those of that moment. The per-action *distinct* column credits a state found by
two actions in one level to whichever its owner met first.

The transports: forked processes on this machine (:class:`ProcessPool`: the workers
inherit the spec and Python's hash secret, so fingerprints agree; what one worker
leaves for another is a file in shared memory, ``/dev/shm``, which the other reads and
removes) and Ray actors (:mod:`ahvlab.checker.cluster`: object refs).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from ahvlab.checker.engine import (
    CHUNK,
    Expander,
    Expansion,
    Options,
    Pick,
    SpecError,
    _no_gc,
    _Search,
    _Stop,
    lint,
    peak_bytes,
    reducer_for,
    resident_bytes,
)
from ahvlab.checker.fpset import I64, U32, Bools, FPSet, Levels, as_fps, stable_fingerprint
from ahvlab.checker.result import Result, Violation
from ahvlab.checker.spec import Spec
from ahvlab.checker.trace import ReplayError, Trace

_MIX = np.uint64(0xFF51AFD7ED558CCD)


def owners(fps: I64, parts: int) -> I64:
    """The worker that owns each fingerprint (a mix of the bits other than the table's)."""
    return (((fps.view(np.uint64) * _MIX) >> np.uint64(40)) % np.uint64(parts)).astype(np.int64)


@dataclass
class Report:
    """What a worker answers at the end of a level: figures and, maybe, what stops the search."""

    generated: list[int] = field(default_factory=list)
    enabled: list[int] = field(default_factory=list)
    found: list[int] = field(default_factory=list)
    distinct: int = 0
    frontier: int = 0
    stop: tuple[Any, ...] | None = None
    """("invariant", name, parent ref, state, action) / ("deadlock", position) / ("error", message)
    / ("trace", violation) / ("memory",)."""
    examples: dict[str, int] = field(default_factory=dict)
    """Example name -> position in the level just built."""
    peak: int = 0
    """The worker's peak resident memory, bytes."""
    growth: int = 0
    """What the search added to the worker's memory."""


@dataclass
class Outbox:
    """The successors of a level bound for one owner: fingerprints, parent references, actions, states."""

    fps: list[I64] = field(default_factory=list)
    refs: list[U32] = field(default_factory=list)
    acts: list[Any] = field(default_factory=list)
    states: list[Any] = field(default_factory=list)

    def offer(self) -> tuple[I64, U32, Any] | None:
        """Drop the level's duplicates (the first stays) and give what the owner is asked to claim."""
        if not self.fps:
            return None
        fps = np.concatenate(self.fps)
        _u, first = np.unique(fps, return_index=True)
        first.sort()
        self.states = _take(self.states, first)
        return fps[first], np.concatenate(self.refs)[first], np.concatenate(self.acts)[first]

    def claimed(self, mask: Bools | None) -> list[Any] | None:
        """The states the owner claimed (``mask`` over what was offered), in order."""
        if mask is None or not mask.any():
            return None
        return _take(self.states, np.flatnonzero(mask))


def _take(items: Sequence[Any], at: I64) -> list[Any]:
    """``[items[i] for i in at]``, by ``operator.itemgetter`` (in C)."""
    if len(at) > 1:
        return list(itemgetter(*at.tolist())(items))
    return [items[int(i)] for i in at]


Items = list[Any]
"""One item per worker (None for none): what a phase leaves for each of them, or what it received."""
Level = Generator[Items, Items, Report]


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
        self.expander = Expander(self.search, with_params=self.reducer is not None)
        self.seen = FPSet()
        self.levels = Levels()
        self.frontier: list[Any] = []
        self.n_actions = len(self.search.actions)
        self.invs = [inv.fn for inv in self.search.invariants]
        self.names = {inv.fn: inv.name for inv in self.search.invariants}
        self._level: Level | None = None

    def _report(self) -> Report:
        n = self.n_actions
        peak = peak_bytes()
        return Report([0] * n, [0] * n, [0] * n, peak=peak, growth=max(0, peak - self.rss0))

    def _key(self, t: Any) -> int:
        key = self.search.key
        return self.fp(key(t) if key else t)

    # -- the initial states ------------------------------------------------------------

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
        return rep

    def _example(self, rep: Report, s: Any, pos: int) -> None:
        for prop in self.search.examples:
            if prop.name not in rep.examples and prop.p(s):
                rep.examples[prop.name] = pos

    # -- a level, phase by phase -------------------------------------------------------

    def begin(self) -> tuple[Report | None, Items]:
        """Start the next level: run it up to its first exchange."""
        self._level = self.level()
        return None, next(self._level)

    def advance(self, received: Items) -> tuple[Report | None, Items]:
        """Go on with what the other workers left for this one; the report once the level is done."""
        assert self._level is not None
        try:
            return None, self._level.send(received)
        except StopIteration as done:
            self._level = None
            return done.value, [None] * self.parts

    def level(self) -> Level:
        """Expand this worker's frontier into its share of the next level (one exchange per ``yield``)."""
        rep = self._report()
        parts, me = self.parts, self.index
        nxt: list[Any] = []
        boxes = [Outbox() for _ in range(parts)]
        if self.reducer is not None:
            # Reduced: every chunk's successors are held until the owners have answered the proviso.
            xs = yield from self._reduced(rep)
            xs.reverse()
            while xs and rep.stop is None:
                lo, x = xs.pop()
                self._route(x, lo, rep, boxes, nxt)
        else:
            for lo in range(0, len(self.frontier), CHUNK):
                if rep.stop is not None:
                    break
                x = self.expander.expand(self.frontier[lo : lo + CHUNK])
                self._route(x, lo, rep, boxes, nxt)
                del x  # before the next chunk's successors are made
        # Claim: each owner keeps the fingerprints that are new to it and says which.
        offers = [None if o == me else boxes[o].offer() for o in range(parts)]
        asked = yield offers
        masks: Items = [None] * parts
        claims: list[tuple[int, Any, U32]] = []
        for w, offer in enumerate(asked):
            if offer is None or w == me:
                continue
            fps, refs, acts = offer
            new = self.seen.add(fps)
            at = np.flatnonzero(new)
            self.levels.append(fps[at], refs[at])
            claims.append((w, acts[at], refs[at]))
            masks[w] = new
        answers = yield masks
        # Ship: only the claimed states travel.
        got = yield [None if o == me else boxes[o].claimed(answers[o]) for o in range(parts)]
        # Absorb them, in the order they were claimed (so that positions match the level's log).
        for w, acts, refs in claims:
            states = got[w] or []
            self._keep(states, acts.tolist(), refs.tolist(), rep, nxt)
            if rep.stop is not None:
                break
        self.levels.close()
        self.frontier = nxt
        rep.distinct = rep.frontier = len(nxt)
        return rep

    def _reduced(self, rep: Report) -> Generator[Items, Items, list[tuple[int, Expansion]]]:
        """With a reducer: the whole frontier's successors, reduced once the owners answered the proviso."""
        assert self.reducer is not None
        parts, me = self.parts, self.index
        xs: list[tuple[int, Expansion]] = []
        picks: list[list[Pick]] = []
        try:
            for lo in range(0, len(self.frontier), CHUNK):
                x = self.expander.expand(self.frontier[lo : lo + CHUNK])
                xs.append((lo, x))
                picks.append(x.pick(self.reducer))
        except Exception as exc:
            self._fail(rep, exc, -1)
        wanted = np.concatenate([x.chosen(p) for (_lo, x), p in zip(xs, picks, strict=True)] or [np.zeros(0, np.int64)])
        own = owners(wanted, parts)
        # Nothing of this level is in the seen sets yet: what they hold is the closed levels.
        asks = yield [wanted[own == o] for o in range(parts)]
        said = yield [None if a is None else self.seen.contains(a) for a in asks]
        old = np.zeros(len(wanted), dtype=np.bool_)
        for o in range(parts):
            old[own == o] = said[o] if o != me else self.seen.contains(wanted[own == o])
        flags: list[bool] = old.tolist()
        at = 0
        for (_lo, x), p in zip(xs, picks, strict=True):
            n = sum(sum(pick) for _ci, _s, _e, pick in p)
            x.apply(p, flags[at : at + n])
            at += n
        return xs

    def _route(self, x: Expansion, lo: int, rep: Report, boxes: list[Outbox], nxt: list[Any]) -> None:
        """Count a chunk's successors; keep the new ones this worker owns, put the others in the outboxes."""
        search = self.search
        parts, me = self.parts, self.index
        ts = x.states
        gen_n, ena_n = x.counts(self.n_actions)
        for a in range(self.n_actions):
            rep.generated[a] += gen_n[a]
            rep.enabled[a] += ena_n[a]
        owner_b, act_b, _lengths = x.arrays()
        refs = (x.per_successor(owner_b) * parts + (lo * parts + me)).astype(np.uint32)
        acts = x.per_successor(act_b)
        try:
            for j in x.cut:
                for inv in self.invs:
                    if not inv(ts[j]):
                        rep.stop = ("invariant", self.names[inv], int(refs[j]), ts[j], int(acts[j]))
                        return
            if search.opts.deadlock:
                idle = x.idle(min(CHUNK, len(self.frontier) - lo))
                if idle:
                    rep.stop = ("deadlock", lo + idle[0])
                    return
            if x.failure is not None:
                raise x.failure[2]
        except Exception as exc:
            self._fail(rep, exc, x.failure[1] if x.failure else -1)
            return
        fps = x.fps
        own = owners(fps, parts)
        if x.cut:
            own[x.cut] = -1
        for o in range(parts):
            idx = np.flatnonzero(own == o)
            if not len(idx):
                continue
            if o == me:
                new = idx[self.seen.add(fps[idx])]
                self.levels.append(fps[new], refs[new])
                self._keep(_take(ts, new), acts[new].tolist(), refs[new].tolist(), rep, nxt)
                if rep.stop is not None:
                    return
            else:
                box = boxes[o]
                box.fps.append(fps[idx])
                box.refs.append(refs[idx])
                box.acts.append(acts[idx])
                box.states.extend(_take(ts, idx))

    def _keep(self, states: Sequence[Any], acts: list[int], refs: list[int], rep: Report, nxt: list[Any]) -> None:
        """New states of the next level: check them and keep them (the one path for own and received states)."""
        found = rep.found
        invs = self.invs
        examples = bool(self.search.examples)
        try:
            for n, t in enumerate(states):
                found[acts[n]] += 1
                for inv in invs:
                    if not inv(t):
                        rep.stop = ("invariant", self.names[inv], refs[n], t, acts[n])
                        return
                if examples:
                    self._example(rep, t, len(nxt))
                nxt.append(t)
        except Exception as exc:
            self._fail(rep, exc, -1)

    def _fail(self, rep: Report, exc: BaseException, ai: int) -> None:
        """The spec raised (or memory ran out): what stops the search, for the driver."""
        err = self.search.wrap(exc, ai)
        rep.stop = ("memory",) if isinstance(err, _Stop) else ("error", str(err))

    # -- traces ---------------------------------------------------------------------------

    def entry(self, level: int, position: int) -> tuple[int, int]:
        return self.levels.entry(level, position)

    def replay(self, chain: Sequence[tuple[int, int]]) -> Trace:
        """Replay a chain of (fingerprint, action or -1) from an initial state (in a worker: its hash seed)."""
        return self.search.replay_chain(chain)

    def fingerprint(self, state: Any) -> int:
        return self._key(state)


class Pool:
    """How the driver reaches its workers: one call per phase, to all of them."""

    parts: int

    def call(self, method: str, args: Sequence[Sequence[Any]] | None = None) -> list[Any]:
        """Call ``method`` on every worker (with that worker's arguments) and return the answers in worker order."""
        raise NotImplementedError

    def call_one(self, worker: int, method: str, *args: Any) -> Any:
        raise NotImplementedError

    def level(self) -> list[Report]:
        """Run one level in every worker: begin it, then pass each phase's items to their addressees."""
        out = self.call("begin")
        while out[0][0] is None:
            received = [[items[o] for _r, items in out] for o in range(self.parts)]
            out = self.call("advance", [[r] for r in received])
        return [r for r, _items in out]

    def idle(self) -> bool:
        """Whether every call made has been answered (not so after Ctrl-C in the middle of a phase)."""
        return True

    def close(self) -> None:
        pass


def _exchange_folder() -> str:
    """Where forked workers leave one another their items: shared memory where there is some."""
    shm = Path("/dev/shm")
    return tempfile.mkdtemp(prefix="ahvlab-", dir=shm if shm.is_dir() and os.access(shm, os.W_OK) else None)


class _Mailbox:
    """A forked worker's side of the exchange: an item for another worker is a file it reads and removes."""

    def __init__(self, folder: str, index: int) -> None:
        self.folder = folder
        self.index = index
        self.phase = 0

    def post(self, items: Items) -> Items:
        self.phase += 1
        paths: Items = []
        for o, item in enumerate(items):
            if item is None:
                paths.append(None)
                continue
            path = os.path.join(self.folder, f"{self.phase}-{self.index}-{o}")
            with open(path, "wb") as fh:
                pickle.dump(item, fh, protocol=pickle.HIGHEST_PROTOCOL)
            paths.append(path)
        return paths

    @staticmethod
    def fetch(paths: Items) -> Items:
        out: Items = []
        for path in paths:
            if path is None:
                out.append(None)
                continue
            with open(path, "rb") as fh:
                out.append(pickle.load(fh))
            os.unlink(path)
        return out


def _serve(conn: Connection, spec: Spec, opts: Options, index: int, parts: int, folder: str) -> None:
    """A forked worker's loop: run the methods the driver names until it says stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's: it stops the workers
    part = Partition(spec, opts, index, parts)
    mail = _Mailbox(folder, index)
    while True:
        method, args = pickle.loads(conn.recv_bytes())
        if method == "stop":
            break
        try:
            if method in ("begin", "advance"):
                rep, items = part.begin() if method == "begin" else part.advance(mail.fetch(args[0]))
                result: Any = (rep, mail.post(items))
            else:
                result = getattr(part, method)(*args)
        except BaseException as exc:
            result = exc
        conn.send_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))


class ProcessPool(Pool):
    """Workers forked from this process: one pipe each to the driver, files in shared memory between them."""

    def __init__(self, spec: Spec, opts: Options, parts: int) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        self.parts = parts
        self.folder = _exchange_folder()
        self.conns: list[Connection] = []
        self.procs = []
        self.unread: set[int] = set()
        """Workers whose answer was not read (an interrupted call): nothing more is asked of the pool."""
        for i in range(parts):
            mine, theirs = ctx.Pipe()
            p = ctx.Process(target=_serve, args=(theirs, spec, opts, i, parts, self.folder), daemon=True)
            p.start()
            theirs.close()
            self.conns.append(mine)
            self.procs.append(p)

    def _recv(self, i: int) -> Any:
        data = self.conns[i].recv_bytes()
        self.unread.discard(i)
        out = pickle.loads(data)
        if isinstance(out, BaseException):
            raise out
        return out

    def idle(self) -> bool:
        return not self.unread

    def call(self, method: str, args: Sequence[Sequence[Any]] | None = None) -> list[Any]:
        for i, c in enumerate(self.conns):
            c.send_bytes(pickle.dumps((method, tuple(args[i]) if args else ()), protocol=pickle.HIGHEST_PROTOCOL))
            self.unread.add(i)
        out, failure = [], None
        for i in range(self.parts):
            try:
                out.append(self._recv(i))
            except Exception as exc:  # read the others' answers all the same: the pipes stay in step
                failure = failure or exc
        if failure is not None:
            raise failure
        return out

    def call_one(self, worker: int, method: str, *args: Any) -> Any:
        self.conns[worker].send_bytes(pickle.dumps((method, args)))
        self.unread.add(worker)
        return self._recv(worker)

    def close(self) -> None:
        for c in self.conns:
            with contextlib.suppress(OSError):
                c.send_bytes(pickle.dumps(("stop", ())))
        for p in self.procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


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
            if kind == "memory":
                f.stopped = "out-of-memory"
                raise _Stop
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
            last_progress = start
            while frontier:
                sync()
                f.queue = frontier
                if opts.progress is not None and time.monotonic() - last_progress >= opts.progress_interval:
                    last_progress = time.monotonic()
                    opts.progress(f)
                if opts.max_depth is not None and depth >= opts.max_depth:
                    complete = False
                    f.stopped = "max-depth"
                    break
                if opts.max_states is not None and f.distinct >= opts.max_states:
                    f.stopped = "max-states"
                    raise _Stop
                if opts.max_seconds is not None and time.monotonic() - start >= opts.max_seconds:
                    f.stopped = "max-seconds"
                    raise _Stop
                if opts.cancel is not None and opts.cancel():
                    f.stopped = "cancelled"
                    raise _Stop
                reports = pool.level()
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
            if pool.idle():  # after Ctrl-C in the middle of a phase the workers are not asked again
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
