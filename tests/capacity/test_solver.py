"""z3, behind one module: exact placements and optima, proofs over symbolic instances, the MTHM miss."""

from __future__ import annotations

import ast
import itertools
import pathlib

from hypothesis import given, settings
from hypothesis import strategies as st

from ahvlab.model import solver
from ahvlab.model.capacity import mthm

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "ahvlab"


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


def test_z3_proves_the_rule_protects_every_single_host_failure_up_to_4_hosts_and_6_vms() -> None:
    got = solver.prove_up_to(4, 6)
    assert got == solver.Proved("max_per_host: admitted => restartable (2..4 hosts, 1..6 VMs)")


def test_reserve_as_a_sum_is_safe_too() -> None:
    assert isinstance(solver.prove_up_to(4, 6, rule="sum"), solver.Proved)


def test_one_segment_too_few_has_a_counterexample_with_two_vms_on_one_host() -> None:
    got = solver.prove_up_to(4, 6, rule="max_segment")
    assert isinstance(got, solver.CounterExample)
    assert len(got.capacities) == 2 and len(got.vms) == 2
    # Replay the counterexample in plain Python: admitted by the wrong rule, yet a failure overflows.
    caps = got.capacities
    for h in (1, 2):
        used = sum(size for size, host, _ in got.vms if host == h)
        reserve = max((size for size, _, seg in got.vms if seg == h), default=0)
        assert used + reserve <= caps[h - 1]
    g = got.failed_host
    load = {h: sum(size for size, host, _ in got.vms if host == h) for h in (1, 2)}
    for size, host, seg in got.vms:
        if host == g:
            load[seg] += size
    assert any(load[h] > caps[h - 1] for h in (1, 2) if h != g)


def test_the_search_finds_the_smallest_instance_mthm_refuses_but_z3_packs() -> None:
    got = solver.find_mthm_miss(max_items=3, max_bins=2, max_size=4)
    assert got == solver.Miss((3, 2, 2), (3, 4), (0, 1, None), (0, 1, 1))
    assert mthm(list(got.items), list(got.items), list(got.bins)) == list(got.mthm)


def test_no_miss_among_two_item_instances() -> None:
    assert solver.find_mthm_miss(max_items=2, max_bins=3, max_size=6) is None


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
