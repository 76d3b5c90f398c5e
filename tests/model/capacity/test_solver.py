"""z3, behind one module: exact placements and optima, typed unknowns, and who may import what."""

from __future__ import annotations

import ast
import itertools
import pathlib

from hypothesis import given, settings
from hypothesis import strategies as st

from ahvlab.model import solver

PACKAGE = pathlib.Path(__file__).resolve().parents[3] / "ahvlab"


def test_z3_is_imported_by_exactly_one_module_of_the_package() -> None:
    importers = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "z3" or n.startswith("z3.") for n in names):
                importers.append(path.relative_to(PACKAGE).as_posix())
    assert sorted(set(importers)) == ["model/solver.py"]


def imports_of(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / "model" / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_the_knapsack_code_imports_nothing_of_ahvlab_and_solver_only_the_knapsack_code() -> None:
    assert not {m for m in imports_of("knapsack") if m.startswith("ahvlab")}
    assert {m for m in imports_of("solver") if m.startswith("ahvlab")} == {
        "ahvlab.model.knapsack",
        "ahvlab.model.knapsack.is_feasible",
        "ahvlab.model.knapsack.packed_profit",
    }


def test_capacity_and_placement_import_their_helpers_at_the_top_and_never_by_name() -> None:
    for module in ("capacity", "placement"):
        tree = ast.parse((PACKAGE / "model" / f"{module}.py").read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                assert id(node) in top, (module, node.lineno)
        assert "importlib" not in imports_of(module)
        assert "getattr" not in {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def test_place_packs_every_item_or_proves_it_impossible() -> None:
    assert solver.place((3, 3), (5,)) == solver.NoPlacement()
    got = solver.place((4, 3, 3), (6, 4))
    assert isinstance(got, solver.Placed)
    assert sorted(got.assignment) == [0, 0, 1] and got.assignment[0] == 1
    assert solver.place((), (1,)) == solver.Placed(())
    assert solver.place((1,), ()) == solver.NoPlacement()


def test_place_honours_a_forbidden_bin_per_item() -> None:
    assert solver.place((5, 5), (5, 5), forbidden=(0, 0)) == solver.NoPlacement()
    assert solver.place((5, 5), (5, 5), forbidden=(0, 1)) == solver.Placed((1, 0))


def test_knapsack_optimum_is_exact() -> None:
    got = solver.knapsack_optimum((10, 6, 6), (5, 3, 2), (5, 3))
    assert got == solver.Optimum(16, (0, 1, None)) or (isinstance(got, solver.Optimum) and got.value == 16)
    assert solver.knapsack_optimum((1, 2), (3, 4), ()) == solver.Optimum(0, (None, None))


def test_a_timeout_is_an_unknown_not_none() -> None:
    got = solver.knapsack_optimum(tuple(range(1, 30)), tuple(range(30, 59)), (200, 210, 190, 180, 170), timeout_ms=1)
    assert isinstance(got, solver.Unknown)
    assert got.reason


def brute_force_fits(items: tuple[int, ...], bins: tuple[int, ...], forbidden: tuple[int | None, ...] | None) -> bool:
    for choice in itertools.product(range(len(bins)), repeat=len(items)):
        if forbidden is not None and any(c == f for c, f in zip(choice, forbidden, strict=True)):
            continue
        load = [0] * len(bins)
        for size, c in zip(items, choice, strict=True):
            load[c] += size
        if all(x <= b for x, b in zip(load, bins, strict=True)):
            return True
    return False


@settings(max_examples=80, deadline=None)
@given(
    items=st.lists(st.integers(min_value=0, max_value=6), min_size=0, max_size=5),
    bins=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=3),
    data=st.data(),
)
def test_place_agrees_with_brute_force_despite_its_symmetry_breaking(
    items: list[int], bins: list[int], data: st.DataObject
) -> None:
    forbidden = None
    if data.draw(st.booleans()):
        forbidden = tuple(data.draw(st.integers(min_value=0, max_value=len(bins) - 1)) for _ in items)
    ordered = tuple(sorted(items))
    got = solver.place(ordered, tuple(bins), forbidden=forbidden)
    assert isinstance(got, solver.Placed) == brute_force_fits(ordered, tuple(bins), forbidden)
    if isinstance(got, solver.Placed):
        load = [0] * len(bins)
        for j, (size, c) in enumerate(zip(ordered, got.assignment, strict=True)):
            assert forbidden is None or c != forbidden[j]
            load[c] += size
        assert all(x <= b for x, b in zip(load, bins, strict=True))
