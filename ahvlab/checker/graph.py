"""The explored state graph as a networkx graph, written as DOT (TLC's ``-dump dot`` shape) or GraphML."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx

from ahvlab.checker.engine import GraphRecorder, Options, bfs
from ahvlab.checker.output import HEADER_TAIL, STDOUT, check_output_path, safe_write_text
from ahvlab.checker.report import show_value
from ahvlab.checker.result import Result
from ahvlab.checker.spec import Spec

DEFAULT_MAX_NODES = 50_000
GRAPHML_XMLNS = "http://graphml.graphdrawing.org/xmlns"


def explore_graph(spec: Spec, opts: Options | None = None) -> tuple[nx.MultiDiGraph, Result]:
    """Explore with BFS while keeping one edge per (source, target, action).

    Nodes are numbered in a canonical order (BFS level, then label), so the same
    spec gives the same graph, byte for byte, whatever order its successors came
    in (string hashing, and so set iteration, differs between runs).
    Node attributes: ``state`` (the state), ``label`` (TLC-style ``/\\ var = value``
    lines, values shown as the report shows them), ``initial`` (bool). Edge
    attributes: ``action`` (the action's name).
    """
    rec = GraphRecorder()
    result = bfs(spec, opts or Options(), (rec,))
    return graph_of(spec, rec), result


def graph_of(spec: Spec, rec: GraphRecorder) -> nx.MultiDiGraph:
    """The recorded graph as networkx, in the canonical numbering (BFS level, then label), one edge per action."""
    names = [a.name for a in spec.actions()]
    keys = list(rec.nodes)
    found = {k: i for i, k in enumerate(keys)}
    labels = [state_label(spec, rec.nodes[k]) for k in keys]
    edges = {(found[a], found[b], names[ai]) for a, b, ai in rec.edges if a in found and b in found}
    level = _levels(len(keys), [found[k] for k in rec.initial if k in found], edges)
    order = sorted(range(len(keys)), key=lambda i: (level[i], labels[i], i))
    number = {old: new for new, old in enumerate(order)}
    initial = set(rec.initial)
    g = nx.MultiDiGraph(name=spec.name)
    for old in order:
        k = keys[old]
        g.add_node(number[old], state=rec.nodes[k], label=labels[old], initial=k in initial)
    for a, b, action in sorted((number[a], number[b], action) for a, b, action in edges):
        g.add_edge(a, b, action=action)
    return g


def _levels(n: int, initial: list[int], edges: set[tuple[int, int, str]]) -> list[float]:
    succ: dict[int, set[int]] = {}
    for a, b, _action in edges:
        succ.setdefault(a, set()).add(b)
    level: list[float] = [math.inf] * n
    frontier = sorted(set(initial))
    for i in frontier:
        level[i] = 0
    depth = 0
    while frontier:
        depth += 1
        nxt = sorted({b for a in frontier for b in succ.get(a, ()) if level[b] == math.inf})
        for b in nxt:
            level[b] = depth
        frontier = nxt
    return level


def state_label(spec: Spec, state: Any) -> str:
    """TLC's ``/\\ var = value`` lines, each value shown as the report shows it (sets sorted)."""
    return "\n".join(f"/\\ {k} = {show_value(v)}" for k, v in spec.format_state(state).items())


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")


def header(g: nx.MultiDiGraph) -> str:
    """The first line of every graph ahvlab writes: how ahvlab knows a file it may replace."""
    name = " ".join(str(g.name).split())
    return f"state graph of {name}{HEADER_TAIL}"


def to_dot(g: nx.MultiDiGraph) -> str:
    """The graph in TLC's DOT shape, initial states filled.

    ``digraph``, not TLC's ``strict digraph``: a strict graph merges the edges of two
    actions between the same states, and each is a step of its own.
    """
    lines = [
        f"// {header(g)}",
        "digraph DiskGraph {",
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


def to_graphml(g: nx.MultiDiGraph) -> str:
    """The graph as GraphML: node ``label`` and ``initial`` (``true``/``false``), edge ``action``, unique ids."""
    root = ET.Element("graphml", xmlns=GRAPHML_XMLNS)
    for key, where, kind in (("label", "node", "string"), ("initial", "node", "boolean"), ("action", "edge", "string")):
        ET.SubElement(root, "key", {"id": key, "for": where, "attr.name": key, "attr.type": kind})
    graph = ET.SubElement(root, "graph", {"id": str(g.name), "edgedefault": "directed"})
    for n, data in g.nodes(data=True):
        node = ET.SubElement(graph, "node", {"id": f"n{n}"})
        ET.SubElement(node, "data", {"key": "label"}).text = data["label"]
        ET.SubElement(node, "data", {"key": "initial"}).text = "true" if data.get("initial") else "false"
    for i, (a, b, data) in enumerate(g.edges(data=True)):
        edge = ET.SubElement(graph, "edge", {"id": f"e{i}", "source": f"n{a}", "target": f"n{b}"})
        ET.SubElement(edge, "data", {"key": "action"}).text = data["action"]
    ET.indent(root)
    # "--" may not appear inside an XML comment; a spec's name could hold it.
    comment = header(g).replace("--", "- -")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n<!-- {comment} -->\n{body}\n'


def write_graph(path: str | Path, g: nx.MultiDiGraph, *, force: bool = False) -> None:
    """Write DOT for ``*.dot``/``*.gv`` (and ``-``, stdout), GraphML for ``*.graphml``/``*.xml``; never over a user's file."""
    name = str(path)
    check_output_path(name, "dot", force=force)
    graphml = name != STDOUT and Path(name).suffix.lower() in (".graphml", ".xml")
    safe_write_text(name, to_graphml(g) if graphml else to_dot(g), kind="dot", force=force)
