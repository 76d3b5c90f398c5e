"""AHV model figures: distinct states, states/s and depth of an exhaustive BFS, per cluster size.

Run: ``.venv/bin/python bench/model_bench.py`` (about a minute: the storage path
alone, the default model, 4 hosts). ``--large`` adds the bigger compositions (two
failures per run, 5 hosts; a few minutes each), stopped after ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from ahvlab.checker.engine import Options, bfs
from ahvlab.model import AHVSpec, Config, VMConfig, default_config


def configs(large: bool) -> list[tuple[str, Config]]:
    c = default_config()
    out = [
        ("storage path only, 3 hosts", dataclasses.replace(c, submodels=frozenset({"storage"}))),
        ("default (3 hosts, 3 VMs, 1 failure)", c),
        ("4 hosts, 3 VMs, 1 failure", dataclasses.replace(c, host_memory=(32,) * 4, leader=4)),
    ]
    if large:
        one_vm = (VMConfig("VM1", vcpus=1, memory=8, io_path="frodo", host=1, network="vlan10"),)
        out += [
            ("3 hosts, 1 VM, 2 failures", dataclasses.replace(c, max_failures=2, vms=one_vm)),
            ("3 hosts, 3 VMs, 2 failures", dataclasses.replace(c, max_failures=2)),
            ("5 hosts, 3 VMs, 1 failure", dataclasses.replace(c, host_memory=(32,) * 5, leader=5)),
        ]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--large", action="store_true", help="also the larger compositions")
    ap.add_argument("--max-seconds", type=float, default=300.0, help="stop one run after this long")
    args = ap.parse_args()
    print(f"{'config':40} {'verdict':9} {'distinct':>9} {'generated':>10} {'depth':>5} {'seconds':>8} {'states/s':>9}")
    for name, config in configs(args.large):
        spec = AHVSpec(config)
        t0 = time.perf_counter()
        r = bfs(spec, Options(max_seconds=args.max_seconds))
        dt = time.perf_counter() - t0
        f = r.figures
        verdict = r.verdict if r.complete or r.violation else f"stopped({f.stopped})"
        print(
            f"{name:40} {verdict:9} {f.distinct:>9} {f.generated:>10} {f.depth:>5} {dt:>8.1f} {f.distinct / dt:>9.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
