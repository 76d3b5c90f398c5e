"""Benchmark: liveness vs safety alone on the AHV model, and our SCC code vs networkx on growing graphs.

Run from the repository root::

    .venv/bin/python bench/liveness.py                 # AHV default model + torus sizes 20,40,60
    .venv/bin/python bench/liveness.py --sizes 20,50,100 --no-ahv

Every measurement runs in a fresh interpreter, so the peak RSS it reports
(``resource.getrusage``) belongs to that measurement alone (the interpreter with
ahvlab imported is the "baseline" row). The SCC comparison times each phase
without tracing, then repeats it under ``tracemalloc`` for the peak of what that
phase allocated.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ahvlab.checker import Options, Property, Spec, action
from ahvlab.checker.engine import GraphRecorder, bfs
from ahvlab.checker.liveness import StateGraph, strongly_connected
from ahvlab.checker.run import check


class Point(NamedTuple):
    x: int
    y: int
    z: int


class Torus(Spec):
    """Three counters mod n, each stepped by a weakly fair action: n**3 states, 3 * n**3 edges, one big SCC."""

    def __init__(self, n: int) -> None:
        self.n = n

    def init(self):
        yield Point(0, 0, 0)

    @action(fair="weak")
    def inc_x(self, s):
        yield {}, s._replace(x=(s.x + 1) % self.n)

    @action(fair="weak")
    def inc_y(self, s):
        yield {}, s._replace(y=(s.y + 1) % self.n)

    @action(fair="weak")
    def inc_z(self, s):
        yield {}, s._replace(z=(s.z + 1) % self.n)

    def properties(self):
        return [Property("XComesBackTo0", "always_eventually", lambda s: s.x == 0)]


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _traced(fn: Callable[[], Any]) -> tuple[float, float]:
    """(seconds untraced, peak MiB allocated under tracemalloc)."""
    t0 = time.perf_counter()
    fn()
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 2**20


def one(kind: str, n: int) -> dict[str, Any]:
    """One measurement, in this process."""
    if kind == "baseline":
        return {"rss_mib": _rss_mib()}
    if kind in ("ahv-safety", "ahv-liveness"):
        from ahvlab.model import AHVSpec

        spec: Spec = AHVSpec()
        t0 = time.perf_counter()
        result = check(spec, Options(), liveness=kind != "ahv-safety")
        return {
            "seconds": time.perf_counter() - t0,
            "liveness_seconds": result.figures.liveness_seconds,
            "properties": result.figures.liveness_properties,
            "distinct": result.figures.distinct,
            "verdict": result.verdict,
            "rss_mib": _rss_mib(),
        }
    if kind == "scc":
        spec = Torus(n)
        rec = GraphRecorder()
        t0 = time.perf_counter()
        result = bfs(spec, Options(), (rec,))
        explore = time.perf_counter() - t0
        import networkx as nx

        def ours() -> Any:
            g = StateGraph.from_recorder(rec)
            nodes = range(len(g))
            return strongly_connected(nodes, g.succ, nodes)

        def theirs() -> Any:
            h = nx.DiGraph()
            h.add_edges_from((a, b) for a, b, _ai in rec.edges if a != b)
            return list(nx.strongly_connected_components(h))

        own_s, own_mib = _traced(ours)
        nx_s, nx_mib = _traced(theirs)
        t0 = time.perf_counter()
        live = check(spec, Options())
        return {
            "states": result.figures.distinct,
            "edges": len(rec.edges),
            "explore_s": explore,
            "own_s": own_s,
            "own_mib": own_mib,
            "nx_s": nx_s,
            "nx_mib": nx_mib,
            "check_s": time.perf_counter() - t0,
            "liveness_part_s": live.figures.liveness_seconds,
            "verdict": live.verdict,
        }
    raise SystemExit(f"unknown measurement {kind!r}")


def _child(kind: str, n: int = 0) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", kind, "--n", str(n)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20,40,60", help="torus sides n (n**3 states), comma-separated")
    ap.add_argument("--no-ahv", action="store_true", help="skip the AHV model")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.n)))
        return
    base = _child("baseline")["rss_mib"]
    print(f"baseline: interpreter with ahvlab imported, peak RSS {base:.0f} MiB")
    if not args.no_ahv:
        print("\nAHV default model: safety alone (check --no-liveness) vs safety + liveness (check)")
        for kind in ("ahv-safety", "ahv-liveness"):
            r = _child(kind)
            extra = ""
            if r["liveness_seconds"] is not None:
                extra = f", of which liveness {r['liveness_seconds']:.2f}s for {r['properties']} properties"
            print(
                f"  {kind:13s} {r['distinct']:>9,} states  {r['seconds']:7.2f}s{extra}  "
                f"peak RSS {r['rss_mib']:.0f} MiB  verdict {r['verdict']}"
            )
    print("\nSCCs of the recorded graph (torus, one component): ours vs networkx.DiGraph")
    print(f"  {'n':>4} {'states':>10} {'edges':>10} {'explore':>8} {'ours':>7} {'MiB':>6} {'networkx':>9} {'MiB':>6}")
    for n in (int(x) for x in args.sizes.split(",")):
        r = _child("scc", n)
        print(
            f"  {n:>4} {r['states']:>10,} {r['edges']:>10,} {r['explore_s']:>7.2f}s {r['own_s']:>6.2f}s "
            f"{r['own_mib']:>6.0f} {r['nx_s']:>8.2f}s {r['nx_mib']:>6.0f}   "
            f"(check {r['check_s']:.2f}s, liveness part {r['liveness_part_s']:.2f}s)"
        )


if __name__ == "__main__":
    main()
