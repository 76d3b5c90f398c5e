"""``ahvlab mutations``: the mutation matrix, every mutation x every invariant and temporal property."""

from __future__ import annotations

import argparse
import json

from rich.console import Console

from ahvlab.checker.errors import UsageError
from ahvlab.checker.junit import Case, Suite, write_junit
from ahvlab.checker.output import check_outputs
from ahvlab.commands.common import positive
from ahvlab.model.matrix import Matrix, Row, compute, write_cache
from ahvlab.model.mutations import MUTATIONS, UnknownMutation, mutations

EXIT_SURVIVORS = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "mutations",
        help="the mutation matrix: which property catches which mutation, and what nothing catches",
        description="Check every mutation of the AHV model once (as `check --continue`: every violated invariant "
        "and temporal property, each with its shortest counterexample) and print mutation x property. Exit codes: "
        "0 every mutation is caught, 1 some mutation survives (no property catches it), 2 usage.",
    )
    p.add_argument("mutation", nargs="*", metavar="NAME", help="only these mutations (default: all)")
    p.add_argument("--json", action="store_true", help="print the matrix as one JSON object")
    p.add_argument("--junit", metavar="FILE", help="write JUnit XML: a testcase per mutation, failed if it survives")
    p.add_argument("--max-states", type=positive(int), metavar="N", help="bound each check (cells then say so)")
    p.add_argument("--force", action="store_true", help="overwrite output files even if ahvlab did not write them")
    p.add_argument(
        "--write-cache",
        action="store_true",
        help="also rewrite ahvlab/model/mutation_matrix.json, the matrix `check --list-mutations` reads",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_outputs([("--junit", args.junit, "junit")], force=args.force, stdout_taken="--json" if args.json else None)
    try:
        chosen = sorted(mutations(args.mutation), key=list(MUTATIONS).index) if args.mutation else None
    except UnknownMutation as exc:
        raise UsageError(str(exc), expected=f"one of: {', '.join(MUTATIONS)}") from None
    console = Console(stderr=bool(args.json), highlight=False, soft_wrap=True)

    def progress(row: Row) -> None:
        caught = ", ".join(row.caught_by) or "nothing"
        console.print(f"  {row.mutation or '(' + row.config + ' config)'}: {caught}", markup=False)

    matrix = compute(chosen, max_states=args.max_states, progress=progress)
    if args.write_cache:
        write_cache(matrix)
    if args.junit:
        write_junit(args.junit, junit(matrix), force=args.force)
    survivors = matrix.uncaught()
    if args.json:
        print(json.dumps({**matrix.to_json(), "exit_code": EXIT_SURVIVORS if survivors else 0}, indent=2))
    else:
        print_matrix(matrix, console)
    return EXIT_SURVIVORS if survivors else 0


def short(cell: str) -> str:
    """A cell as the table prints it: ``8`` for caught in 8 states, ``.`` for holds, blank when not in its config."""
    if cell.startswith("caught in "):
        return cell.removeprefix("caught in ")
    return {"holds": ".", "n/a": ""}.get(cell, ".*")


def matrix_lines(matrix: Matrix) -> list[str]:
    """The matrix as plain text: properties numbered as columns (a legend first), a row per mutation."""
    props = matrix.properties
    lines = ["Properties (columns):"]
    lines += [f"  {i:>2} {p}" for i, p in enumerate(props, start=1)]
    names = [r.mutation or f"(none: {r.config} config)" for r in matrix.rows]
    width = max(len(n) for n in names)
    lines.append("")
    lines.append(f"{'mutation'.ljust(width)}  " + " ".join(f"{i:>2}" for i in range(1, len(props) + 1)))
    for name, r in zip(names, matrix.rows, strict=True):
        cells = " ".join(f"{short(r.cell(p)):>2}" for p in props)
        lines.append(f"{name.ljust(width)}  {cells}".rstrip())
    lines.append("")
    lines.append(
        "A number is the length (states) of the shortest counterexample; '.' holds; blank: not in that config."
    )
    bounded = [r for r in matrix.rows if not r.complete]
    if bounded:
        where = ", ".join(f"{r.mutation or r.config + ' config'} {r.states}" for r in bounded)
        lines.append(f"'.*' holds within a bound of states explored: {where}.")
    homes = [r for r in matrix.rows if r.mutation is None and r.caught_by]
    for r in homes:
        lines.append(
            f"The {r.config} config breaks {', '.join(r.caught_by)} by itself: a mutation at home there"
            " is caught by what it breaks beyond that."
        )
    lines.append(f"Mutations no property catches: {', '.join(matrix.uncaught()) or 'none'}.")
    lines.append(f"Properties no mutation breaks: {', '.join(matrix.unbroken()) or 'none'}.")
    return lines


def print_matrix(matrix: Matrix, console: Console) -> None:
    for line in matrix_lines(matrix):
        console.print(line, markup=False, highlight=False)


def junit(matrix: Matrix) -> list[Suite]:
    """A testcase per mutation (failed when no property catches it), and one per property (skipped if unbroken)."""
    cls = "ahvlab.mutations"
    cases = []
    for r in matrix.mutations:
        if r.caught_by:
            caught = ", ".join(f"{p} in {n} states" for p, n in r.caught_by.items())
            cases.append(Case(str(r.mutation), cls, details=f"caught by {caught}"))
        else:
            cases.append(Case(str(r.mutation), cls, failure=f"mutation {r.mutation} survives: no property catches it"))
    unbroken = set(matrix.unbroken())
    for p in matrix.properties:
        if p in unbroken:
            cases.append(Case(f"property {p}", cls, skipped=f"no mutation breaks {p}"))
        else:
            killers = [str(r.mutation) for r in matrix.mutations if p in r.caught_by]
            cases.append(Case(f"property {p}", cls, details=f"broken by {', '.join(killers)}"))
    return [Suite("mutations", cases)]
