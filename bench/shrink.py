"""simulate --shrink on mutations of the AHV model: length before and after shrinking, and the time it takes.

Three mutations that an invariant catches (the walk is a counterexample) and three that only a temporal property
catches (the walk ends in a lasso: a state where it may stutter forever, or a loop, with no fair action left undone).

Run: .venv/bin/python bench/shrink.py   (200-step walks, 100 runs, seeds 1..3; BFS length for reference: the
shortest counterexample of `ahvlab check`, whose lasso for a temporal property is the liveness checker's)
"""

from __future__ import annotations

import time

from ahvlab.checker.engine import Options
from ahvlab.checker.run import check, simulate
from ahvlab.checker.shrink import simulate_shrinking
from ahvlab.model import AHVSpec, default_config

MUTATIONS = (
    "no_fencing",
    "timeout_too_short",
    "election_without_quorum",
    "no_restart",
    "no_failback",
    "dhcp_local_only",
)
SEEDS = (1, 2, 3)


def main() -> None:
    print(
        f"{'mutation':<24} {'caught by':<19} {'seed':>4} {'bfs':>4} {'found':>6} {'shrunk':>6} "
        f"{'walks s':>8} {'shrink s':>9}"
    )
    for name in MUTATIONS:
        spec = AHVSpec(default_config().with_mutations(name))
        shortest = check(spec, Options()).violation
        assert shortest is not None
        for seed in SEEDS:
            t0 = time.monotonic()
            walked = simulate(spec, 100, 200, seed)
            t1 = time.monotonic()
            shrunk = simulate_shrinking(spec, 100, 200, seed).violation
            t2 = time.monotonic()
            if walked.violation is None or shrunk is None:
                print(f"{name:<24} {'':<19} {seed:>4} {len(shortest.trace):>4}   (no violation in 100 walks)")
                continue
            # simulate_shrinking runs the same walks first: the shrinking alone is the difference.
            print(
                f"{name:<24} {shrunk.name:<19} {seed:>4} {len(shortest.trace):>4} {len(walked.violation.trace):>6} "
                f"{len(shrunk.trace):>6} {t1 - t0:>8.2f} {t2 - t1 - (t1 - t0):>9.2f}"
            )


if __name__ == "__main__":
    main()
