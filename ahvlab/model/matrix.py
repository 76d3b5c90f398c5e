"""The mutation matrix: every mutation of the model x every invariant and temporal property.

Each mutation is checked once on its home config with ``check --continue`` (every
violated invariant and temporal property recorded, each with its shortest
counterexample), so a cell is "caught in N states" or "holds". Two kinds of
weakness stand out: a mutation that no property catches (a mechanism nothing
checks), and a property that no mutation breaks (a property nothing tests).

``check --list-mutations`` reads the "caught by" column from
``mutation_matrix.json`` next to this module: a JSON file committed with the model
(the matrix takes a minute and a half, too long for a listing) and kept current by
a test that recomputes it, so the listing never drifts from what the checker finds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ahvlab.checker.engine import Options
from ahvlab.checker.liveness import temporal_properties
from ahvlab.checker.run import check
from ahvlab.model.config import Config, VMConfig, default_config
from ahvlab.model.mutations import Mutation
from ahvlab.model.spec import AHVSpec

CACHE = Path(__file__).with_name("mutation_matrix.json")

GUARANTEE = Config(
    host_memory=(100, 100, 100),
    vms=(
        VMConfig("VM1", memory=20, host=1),
        VMConfig("VM2", memory=40, host=2),
        VMConfig("VM3", memory=50, host=2),
        VMConfig("VM4", memory=70, host=None),
    ),
    networks=(),
    submodels=frozenset({"storage", "ha"}),
    ha_mode="guarantee",
    failures=frozenset({"host"}),
    max_cvm_failures=0,
    leader=1,
)
"""Guarantee mode's cluster (the scenario what-if-segments-shared-wrongly): the home of its mutation."""

TWO_LEADERS = default_config().with_mutations(Mutation.ELECTION_WITHOUT_QUORUM)
"""The default cluster where a CVM may lead without quorum: the home of a mutation of what a second leader does."""

HOMES: dict[Mutation, tuple[str, Config]] = {
    Mutation.SEGMENTS_NOT_SHARED_CORRECTLY: ("guarantee", GUARANTEE),
    Mutation.FENCE_REACHABLE_ONLY: ("two-leaders", TWO_LEADERS),
}
"""A mutation that only matters in another config than the default one, and that config's name.

A home config may itself break properties (two-leaders breaks at_most_one_leader): a
mutation checked there is caught by what it breaks beyond its home's own violations.
"""

CONFIGS: dict[str, Config] = {"default": default_config(), **dict(HOMES.values())}

BOUNDS: dict[str, int] = {"election_without_quorum": 40_000, "two-leaders": 40_000, "fence_reachable_only": 40_000}
"""Rows whose graph is too large to check whole in CI (by mutation or home config), and the states they explore.

With two leaders acting at once (each CVM its own belief, each fencing and restarting), the
default config's graph passes 370,000 states; what the rows find is found within 40,000.
The cells say "holds (within 40000 states)" for the rest.
"""


def home(mutation: Mutation) -> tuple[str, Config]:
    """The config a mutation is checked on (by name): the default one unless :data:`HOMES` says otherwise."""
    return HOMES.get(mutation, ("default", default_config()))


@dataclass(frozen=True)
class Row:
    """One mutation (None: the model as it is) and what its check found."""

    mutation: str | None
    config: str
    properties: tuple[str, ...]
    """Every invariant and temporal property of its config, in the spec's order."""
    caught_by: dict[str, int]
    """Property -> the length (states) of its shortest counterexample."""
    states: int
    complete: bool
    """False when a bound stopped the search: "holds" then means within ``states`` states."""

    def cell(self, prop: str) -> str:
        if prop not in self.properties:
            return "n/a"
        if prop in self.caught_by:
            return f"caught in {self.caught_by[prop]}"
        return "holds" if self.complete else f"holds (within {self.states} states)"


@dataclass(frozen=True)
class Matrix:
    rows: tuple[Row, ...]
    """The unmutated configs first (``mutation`` None: what every property must hold on), then every mutation."""

    @property
    def properties(self) -> list[str]:
        """Every property of any row's config, in order of first appearance."""
        out: list[str] = []
        for r in self.rows:
            out.extend(p for p in r.properties if p not in out)
        return out

    @property
    def mutations(self) -> list[Row]:
        return [r for r in self.rows if r.mutation is not None]

    def uncaught(self) -> list[str]:
        """Mutations no property catches."""
        return [str(r.mutation) for r in self.mutations if not r.caught_by]

    def unbroken(self) -> list[str]:
        """Properties no mutation breaks."""
        return [p for p in self.properties if not any(p in r.caught_by for r in self.mutations)]

    def to_json(self) -> dict[str, Any]:
        """``{"mutations": [{"mutation", "caught_by": [{"property", "length"}], ...}], ...}`` (pinned)."""
        return {
            "mutations": [_row_json(r) for r in self.mutations],
            "baselines": [_row_json(r) for r in self.rows if r.mutation is None],
            "properties": self.properties,
            "uncaught_mutations": self.uncaught(),
            "unbroken_properties": self.unbroken(),
        }


def _row_json(r: Row) -> dict[str, Any]:
    return {
        "mutation": r.mutation,
        "config": r.config,
        "caught_by": [{"property": p, "length": n} for p, n in r.caught_by.items()],
        "holds": [p for p in r.properties if p not in r.caught_by],
        "states": r.states,
        "complete": r.complete,
    }


def check_row(
    mutation: Mutation | None,
    max_states: int | None = None,
    config: str = "default",
    baseline: Row | None = None,
) -> Row:
    """One check with ``--continue`` of a mutation on its home config (None: ``config`` unmutated).

    ``baseline``: the home config's own row; what it already breaks does not count as caught.
    """
    if mutation is not None:
        config, base = home(mutation)
        spec = AHVSpec(base.with_mutations(mutation))
    else:
        spec = AHVSpec(CONFIGS.get(config, default_config()))
    bounds = [b for b in (BOUNDS.get(config), BOUNDS.get(str(mutation)), max_states) if b is not None]
    result = check(spec, Options(keep_going=True, max_states=min(bounds) if bounds else None))
    props = (*(i.name for i in spec.invariants()), *(p.name for p in temporal_properties(spec)))
    already = baseline.caught_by if baseline is not None and mutation is not None else {}
    caught = {v.name: len(v.trace) for v in result.all_violations() if v.name in props and v.name not in already}
    caught = {p: caught[p] for p in props if p in caught}  # in the spec's order, as the columns are
    return Row(str(mutation) if mutation else None, config, props, caught, result.figures.distinct, result.complete)


def compute(
    mutations: list[Mutation] | None = None,
    *,
    max_states: int | None = None,
    progress: Callable[[Row], None] | None = None,
) -> Matrix:
    """Each home config as it is, then each mutation (all by default), checked once each."""
    chosen = list(Mutation) if mutations is None else mutations
    configs = ["default", *dict.fromkeys(home(m)[0] for m in chosen if home(m)[0] != "default")]
    rows = []
    baselines: dict[str, Row] = {}
    for config, m in [*((c, None) for c in configs), *((home(m)[0], m) for m in chosen)]:
        row = check_row(m, max_states, config, baselines.get(config))
        if m is None:
            baselines[config] = row
        if progress is not None:
            progress(row)
        rows.append(row)
    return Matrix(tuple(rows))


def from_json(data: dict[str, Any]) -> Matrix:
    """A matrix read back from :meth:`Matrix.to_json` (the committed cache)."""
    rows = [*data.get("baselines", []), *data["mutations"]]
    return Matrix(
        tuple(
            Row(
                r["mutation"],
                r["config"],
                tuple(sorted({*(c["property"] for c in r["caught_by"]), *r["holds"]}, key=_order(data))),
                {c["property"]: c["length"] for c in r["caught_by"]},
                r["states"],
                r["complete"],
            )
            for r in rows
        )
    )


def _order(data: dict[str, Any]) -> Callable[[str], int]:
    order = {p: i for i, p in enumerate(data["properties"])}
    return lambda p: order.get(p, len(order))


def cached() -> Matrix | None:
    """The committed matrix, or None when the file is missing or unreadable."""
    try:
        return from_json(json.loads(CACHE.read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def caught_by(mutation: str) -> str:
    """The listing's column for one mutation, from the committed matrix: ``no_phantom_vm (8), ...``."""
    m = cached()
    row = next((r for r in m.rows if r.mutation == mutation), None) if m is not None else None
    if row is None:
        return "(not in the committed matrix: run `ahvlab mutations`)"
    if not row.caught_by:
        return "nothing: no property catches it"
    return ", ".join(f"{p} ({n})" for p, n in row.caught_by.items())


def write_cache(matrix: Matrix) -> None:
    CACHE.write_text(json.dumps(matrix.to_json(), indent=2) + "\n")
