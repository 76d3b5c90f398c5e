"""``symmetry = ["sessions"]``: a VM's disks (or queues) are interchangeable, and the verdicts never move."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ahvlab.checker.engine import Options
from ahvlab.checker.errors import SpecLoadError
from ahvlab.checker.run import check, search
from ahvlab.cli import main
from ahvlab.model import MUTATIONS, AHVSpec, VMConfig, default_config, load_config
from ahvlab.model.state import AHVState

SESSIONS = frozenset({"sessions"})


def _symmetric(config=None):
    return dataclasses.replace(config or default_config(), symmetry=SESSIONS)


def test_the_default_model_with_session_symmetry_holds_in_fewer_states():
    full = check(AHVSpec(), Options(), liveness=True)
    sym = check(AHVSpec(_symmetric()), Options(), liveness=True)
    assert (full.verdict, full.figures.distinct, full.figures.depth) == ("ok", 17450, 19)
    assert (sym.verdict, sym.figures.distinct, sym.figures.depth) == ("ok", 12852, 19)
    assert sym.figures.liveness_seconds is not None


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_every_mutation_is_caught_as_without_symmetry_with_a_counterexample_as_short(mutation):
    config = default_config().with_mutations(mutation)
    opts = Options(examples=False, max_states=30_000)
    full = search(AHVSpec(config), opts)
    sym = search(AHVSpec(_symmetric(config)), opts)
    assert full.complete or full.violation is not None  # the graph is small enough to say for sure
    assert sym.verdict == full.verdict
    if full.violation is not None:
        assert (sym.violation.name, len(sym.violation.trace)) == (full.violation.name, len(full.violation.trace))
        spec = AHVSpec(config)
        inv = next(i for i in spec.invariants() if i.name == sym.violation.name)
        assert not inv.fn(sym.violation.trace.last)  # the real state, replayed
    else:
        assert sym.figures.distinct < full.figures.distinct


def test_a_liveness_violation_is_found_as_without_symmetry():
    config = default_config().with_mutations("no_failback")
    full = check(AHVSpec(config), Options(), liveness=True)
    sym = check(AHVSpec(_symmetric(config)), Options(), liveness=True)
    assert full.verdict == sym.verdict == "liveness"
    assert sym.violation.name == full.violation.name == "SessionsFailBack"


def _permuted(s: AHVState, rng: random.Random) -> AHVState:
    """The state with one copy's sessions in another order."""
    copies = [list(cs) for cs in s.copies]
    multi = [(vm, ci) for vm, cs in enumerate(copies) for ci, c in enumerate(cs) if len(c.sessions) > 1]
    if not multi:
        return s
    vm, ci = rng.choice(multi)
    c = copies[vm][ci]
    sessions = list(c.sessions)
    rng.shuffle(sessions)
    copies[vm][ci] = c._replace(sessions=tuple(sessions))
    return s._replace(copies=tuple(tuple(cs) for cs in copies))


FOUR_QUEUES = dataclasses.replace(
    default_config(),
    max_failures=2,
    vms=(
        VMConfig("VM1", vcpus=2, memory=8, disks=3, io_path="classic", host=1, network="vlan10"),
        VMConfig("VM2", vcpus=4, memory=8, io_path="frodo", num_queues=4, host=2, network="vlan10"),
    ),
)


@given(st.integers(0, 2**32), st.integers(0, 60), st.sampled_from(["default", "four_queues"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_sessions_of_a_copy_are_interchangeable(seed, walk, which):
    """Along a random walk: a state and the same state with one copy's sessions reordered satisfy the same
    invariants and have the same successors, up to the order of sessions (the view)."""
    spec = AHVSpec(_symmetric(FOUR_QUEUES if which == "four_queues" else default_config()))
    rng = random.Random(seed)
    s = next(iter(spec.init()))
    for _ in range(walk):
        t = _permuted(s, rng)
        assert spec.view(t) == spec.view(s)
        assert [inv.fn(t) for inv in spec.invariants()] == [inv.fn(s) for inv in spec.invariants()]

        def successors(state):
            return Counter((a.name, spec.view(n)) for a in spec.actions() for _p, n in a.fn(state))

        succ = successors(s)
        assert successors(t) == succ
        steps = [n for a in spec.actions() for _p, n in a.fn(s)]
        if not steps:
            break
        s = rng.choice(steps)


def test_a_config_file_asks_for_it_and_a_wrong_name_is_one_line(tmp_path: Path, capsys):
    good = tmp_path / "sym.toml"
    good.write_text('symmetry = ["sessions"]\n')
    assert load_config(good).symmetry == SESSIONS
    bad = tmp_path / "bad.toml"
    bad.write_text('hosts = [32, 32, 32]\nsymmetry = ["hosts"]\n')
    with pytest.raises(SpecLoadError) as err:
        load_config(bad)
    assert (
        str(err.value)
        == f"{bad}:2: symmetry: 'hosts' is not something the model can interchange (expected ['sessions'])"
    )
    assert main(["check", "--config", str(bad)]) == 150
    assert capsys.readouterr().err.strip().splitlines() == [f"ahvlab: error: {err.value}"]
    (tmp_path / "type.toml").write_text('symmetry = "sessions"\n')
    with pytest.raises(SpecLoadError, match="expected a list of strings"):
        load_config(tmp_path / "type.toml")
