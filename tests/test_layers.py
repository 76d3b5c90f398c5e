"""The package's shape: arrows point one way (DESIGN.md), no import circle, no dynamic import but the user-target loader."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1] / "ahvlab"

LAYERS = {
    "checker": 0,
    "model": 1,
    "scenarios": 2,
    "workbench": 3,
    "shell": 4,
    "tui": 4,
    "commands": 5,
    "cli": 5,
    "testing": 5,
}
"""checker <- model <- scenarios <- workbench <- shell, tui <- commands, cli (and ahvlab.testing for users)."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every ahvlab module a file imports, type-only imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("ahvlab"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ahvlab"):
            out.add(node.module)
            # `from ahvlab.model import capacity` imports the module ahvlab.model.capacity
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def graph() -> nx.DiGraph:
    files = {module_name(p): p for p in ROOT.rglob("*.py")}
    g = nx.DiGraph()
    g.add_nodes_from(files)
    for name, path in files.items():
        for target in imports(path):
            if target in files and target != name:
                g.add_edge(name, target)
    return g


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_no_two_files_of_ahvlab_import_each_other_even_for_types_only() -> None:
    g = graph()
    # A package's __init__ re-exports its modules: the edge from a module up to its own package is not a circle.
    for name in list(g.nodes):
        for target in list(g.successors(name)):
            if name.startswith(target + "."):
                g.remove_edge(name, target)
    assert list(nx.simple_cycles(g)) == []


def test_no_module_imports_up_the_layers() -> None:
    upward = [
        (a, b)
        for a, b in graph().edges
        if layer(a) is not None and layer(b) is not None and layer(b) > layer(a)  # type: ignore[operator]
    ]
    assert upward == []


def test_the_only_dynamic_import_is_the_loader_of_a_users_target() -> None:
    found = []
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "import_module(" in text or "__import__(" in text or "spec_from_file_location(" in text:
            found.append(module_name(path))
    assert found == ["ahvlab.checker.loader"]
