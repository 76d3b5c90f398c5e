"""--ray: the partitioned search on a local Ray cluster of 2 CPUs gives the sequential figures."""

from __future__ import annotations

import pytest

from ahvlab.checker.engine import Options, bfs
from ahvlab.checker.examples import DieHard, DiningPhilosophers, TwoPhase
from ahvlab.checker.run import search

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def cluster():
    # One Ray instance for the module: starting one costs seconds.
    ray.init(num_cpus=2, include_dashboard=False, runtime_env={"env_vars": {"PYTHONHASHSEED": "0"}})
    yield
    ray.shutdown()


def figures(r):
    f = r.figures
    if r.violation is not None:
        return (r.verdict, len(r.violation.trace))
    return (r.verdict, f.distinct, f.generated, f.depth)


@pytest.mark.parametrize("spec", [TwoPhase(3), DiningPhilosophers(5), DieHard()], ids=lambda s: s.name)
def test_ray_actors_give_the_sequential_figures(cluster, spec):
    one = bfs(spec, Options(deadlock=False))
    on_ray = search(spec, Options(deadlock=False, ray="local", workers=2))
    assert figures(on_ray) == figures(one)
    assert on_ray.figures.workers == 2


def test_ray_actors_give_the_ahv_default_models_figures(cluster):
    from ahvlab.model import AHVSpec

    r = search(AHVSpec(), Options(ray="local", workers=2, examples=False))
    assert (r.verdict, r.figures.distinct) == ("ok", 17450)
