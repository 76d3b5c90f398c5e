"""The explored state graph as a networkx graph, written as DOT (TLC's ``-dump dot`` shape) or GraphML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from ahvlab.checker.engine import GraphRecorder, Options, bfs
from ahvlab.checker.errors import UsageError
from ahvlab.checker.output import safe_write_text
from ahvlab.checker.result import Result
from ahvlab.checker.spec import Spec

DEFAULT_MAX_NODES = 50_000


def explore_graph(spec: Spec, opts: Options | None = None) -> tuple[nx.MultiDiGraph, Result]:
    """Explore with BFS while keeping every edge; nodes are numbered in discovery order.

    Node attributes: ``state`` (the state), ``label`` (TLC-style ``/\\ var = value`` lines),
    ``initial`` (bool). Edge attributes: ``action`` (the action's name).
    """
    rec = GraphRecorder()
    result = bfs(spec, opts or Options(), (rec,))
    return graph_of(spec, rec), result


def graph_of(spec: Spec, rec: GraphRecorder) -> nx.MultiDiGraph:
    """The recorded graph as networkx: nodes numbered in discovery order, one edge per (source, target, action)."""
    index = {k: i for i, k in enumerate(rec.nodes)}
    initial = set(rec.initial)
    g = nx.MultiDiGraph(name=spec.name)
    for k, i in index.items():
        state = rec.nodes[k]
        g.add_node(i, state=state, label=state_label(spec, state), initial=k in initial)
    names = [a.name for a in spec.actions()]
    seen_edges: set[tuple[int, int, int]] = set()
    for src, dst, ai in rec.edges:
        if src in index and dst in index:
            e = (index[src], index[dst], ai)
            if e not in seen_edges:
                seen_edges.add(e)
                g.add_edge(e[0], e[1], action=names[ai])
    return g


def state_label(spec: Spec, state: Any) -> str:
    return "\n".join(f"/\\ {k} = {v!r}" for k, v in spec.format_state(state).items())


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(g: nx.MultiDiGraph) -> str:
    """The graph in TLC's DOT shape: ``strict digraph DiskGraph``, initial states filled."""
    lines = [
        f"// state graph of {g.name}, written by ahvlab",
        "strict digraph DiskGraph {",
        "rankdir=LR;",
        "nodesep=0.35;",
    ]
    for n, data in g.nodes(data=True):
        style = " style = filled" if data.get("initial") else ""
        lines.append(f'{n} [label="{_dot_escape(data["label"])}"{style}];')
    for a, b, data in g.edges(data=True):
        lines.append(f'{a} -> {b} [label="{_dot_escape(data["action"])}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_graph(path: str | Path, g: nx.MultiDiGraph, *, force: bool = False) -> None:
    """Write DOT for ``*.dot``/``*.gv`` and GraphML for ``*.graphml`` (never over a user's own file)."""
    p = Path(path)
    if p.suffix in (".graphml", ".xml"):
        h = nx.MultiDiGraph(name=f"{g.name} (written by ahvlab)")
        for n, data in g.nodes(data=True):
            h.add_node(n, label=data["label"], initial=bool(data["initial"]))
        for a, b, data in g.edges(data=True):
            h.add_edge(a, b, action=data["action"])
        safe_write_text(p, "\n".join(nx.generate_graphml(h)) + "\n", force=force)
    elif p.suffix in (".dot", ".gv", ""):
        safe_write_text(p, to_dot(g), force=force)
    else:
        raise UsageError(f"cannot tell the graph format from {p.name!r}", expected="a .dot, .gv or .graphml file")
