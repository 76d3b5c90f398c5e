"""Benchmark: what the search keeps per distinct state, on Counters with N = 100 (1,030,301 states).

Run from the repository root::

    .venv/bin/python bench/storage.py              # --workers 1 and 2
    .venv/bin/python bench/storage.py --n 60 --workers 1

Each run is a fresh process (its peak memory is its own). A row: distinct states,
seconds, distinct states per second, peak resident memory and the bytes the search
added to the process per distinct state (peak less what the process held when the
search started; with workers, the driver's and every worker's growth added up), as
the report and ``--json`` give them. Issue 13's target is 40 bytes per state or less at
1M states (the fingerprint table, 8 bytes a slot kept between 3/8 and 3/4 full, and
the parents' log, 12 bytes a state, plus the frontier's states while a level is open).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def one(n: int, workers: int) -> dict[str, float]:
    from ahvlab.checker.engine import Options
    from ahvlab.checker.examples import Counters
    from ahvlab.checker.report import bytes_per_state, states_per_second
    from ahvlab.checker.run import search

    r = search(Counters(n=n), Options(workers=workers, examples=False))
    f = r.figures
    return {
        "distinct": f.distinct,
        "seconds": f.seconds,
        "states_per_second": states_per_second(f),
        "peak_mib": f.peak_bytes / 2**20,
        "bytes_per_state": bytes_per_state(f) or 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--n", type=int, default=100, help="Counters' bound (100: 1,030,301 states)")
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="the --workers of each row (1 2)")
    ap.add_argument("--run", nargs=2, type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.run:
        print(json.dumps(one(*args.run)))
        return 0
    print(f"Counters N={args.n}")
    print(f"{'workers':>7} {'distinct':>10} {'seconds':>8} {'states/s':>9} {'peak MiB':>8} {'B/state':>7}")
    for w in args.workers:
        cmd = [sys.executable, __file__, "--run", str(args.n), str(w)]
        r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
        print(
            f"{w:>7} {r['distinct']:>10,} {r['seconds']:>8.1f} {r['states_per_second']:>9,.0f}"
            f" {r['peak_mib']:>8.0f} {r['bytes_per_state']:>7.1f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
