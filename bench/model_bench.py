"""AHV model figures: distinct states, states/s, peak memory and bytes per state of an exhaustive BFS.

Run: ``.venv/bin/python bench/model_bench.py`` (a minute or two: the storage path
alone, the default model, 4 hosts), each config on its full graph and with
``symmetry = ["sessions"]`` (a VM's disks and queues interchangeable; docs/model.md).
``--large`` adds 5 hosts and the two-failure configs, stopped after ``--max-seconds``;
``--workers N`` runs the partitioned BFS; ``--symmetry off`` (or ``on``) runs one of the
two only; ``--repeat N`` runs the list N times (a config's runs interleaved with the
others'). Each run is a fresh process, so that its peak memory is its own; CPU seconds
are printed next to the wall for one process (a '-' with workers) (the machine is shared). The AHV
model declares no footprints (docs/checker.md says why): partial-order reduction does
not apply to it, and the runs take the plain path.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ahvlab.checker.engine import Options
from ahvlab.checker.run import search
from ahvlab.model import AHVSpec, Config, VMConfig, default_config


def configs(large: bool) -> dict[str, Config]:
    c = default_config()
    out = {
        "storage path only, 3 hosts": dataclasses.replace(c, submodels=frozenset({"storage"})),
        "default (3 hosts, 3 VMs, 1 failure)": c,
        "4 hosts, 3 VMs, 1 failure": dataclasses.replace(c, host_memory=(32,) * 4, leader=4),
    }
    if large:
        one_vm = (VMConfig("VM1", vcpus=1, memory=8, io_path="frodo", host=1, network="vlan10"),)
        two_vms = (
            VMConfig("VM1", vcpus=1, memory=8, disks=2, io_path="classic", host=1, network="vlan10"),
            VMConfig("VM2", vcpus=4, memory=8, io_path="frodo", num_queues=2, host=2, network="vlan10"),
        )
        out |= {
            "5 hosts, 3 VMs, 1 failure": dataclasses.replace(c, host_memory=(32,) * 5, leader=5),
            "3 hosts, 1 VM, 2 failures": dataclasses.replace(c, max_failures=2, vms=one_vm),
            "3 hosts, 2 VMs, 2 failures": dataclasses.replace(c, max_failures=2, vms=two_vms),
        }
    return out


def one(name: str, large: bool, symmetry: bool, workers: int, max_seconds: float) -> dict[str, object]:
    """One run in this process; its figures as a dict."""
    config = configs(large)[name]
    if symmetry:
        config = dataclasses.replace(config, symmetry=frozenset({"sessions"}))
    spec = AHVSpec(config)
    t0, c0 = time.perf_counter(), time.process_time()
    r = search(spec, Options(max_seconds=max_seconds, workers=workers, examples=False))
    dt = time.perf_counter() - t0
    cpu = time.process_time() - c0
    f = r.figures
    return {
        "verdict": r.verdict if r.complete or r.violation else f"stopped({f.stopped})",
        "distinct": f.distinct,
        "generated": f.generated,
        "depth": f.depth,
        "seconds": dt,
        "cpu_seconds": cpu,
        "peak_mib": f.peak_bytes / 2**20,
        "bytes_per_state": f.growth_bytes / f.distinct if f.distinct else 0.0,
    }


def cpu(r: dict[str, float], workers: int) -> str:
    """The CPU columns: the process's own seconds, which say nothing of the workers' when there are workers."""
    if workers != 1:
        return f"{'-':>7} {'-':>9}"
    return f"{r['cpu_seconds']:>7.1f} {r['distinct'] / r['cpu_seconds']:>9,.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--large", action="store_true", help="also 5 hosts and the two-failure configs")
    ap.add_argument("--max-seconds", type=float, default=300.0, help="stop one run after this long")
    ap.add_argument("--workers", type=int, default=1, help="processes of the partitioned BFS (1)")
    ap.add_argument("--only", help="run only the configs whose name contains this")
    ap.add_argument("--symmetry", choices=("on", "off", "both"), default="both", help="session symmetry (both)")
    ap.add_argument("--repeat", type=int, default=1, help="run each config this many times (interleaved)")
    ap.add_argument("--run", nargs=2, metavar=("NAME", "SYMMETRY"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        name, symmetry = args.run
        print(json.dumps(one(name, args.large, symmetry == "on", args.workers, args.max_seconds)))
        return
    head = f"{'config':36} {'sym':3} {'verdict':9} {'distinct':>9} {'generated':>10} {'depth':>5}"
    print(head + f" {'seconds':>8} {'states/s':>9} {'CPU s':>7} {'st/CPU-s':>9} {'peak MiB':>8} {'B/state':>7}")
    names = [name for name in configs(args.large) if not args.only or args.only in name]
    modes = ("off", "on") if args.symmetry == "both" else (args.symmetry,)
    # --repeat runs the whole list again: a config's runs are interleaved with the others', not back to back.
    for _round, name, symmetry in itertools.product(range(args.repeat), names, modes):
        cmd = [sys.executable, __file__, "--run", name, symmetry, "--workers", str(args.workers)]
        cmd += ["--max-seconds", str(args.max_seconds)] + (["--large"] if args.large else [])
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{name:36} {symmetry:3} {r['verdict']:9} {r['distinct']:>9,} {r['generated']:>10,} {r['depth']:>5}"
            f" {r['seconds']:>8.1f} {r['distinct'] / r['seconds']:>9,.0f}"
            f" {cpu(r, args.workers)} {r['peak_mib']:>8.0f}"
            f" {r['bytes_per_state']:>7.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
