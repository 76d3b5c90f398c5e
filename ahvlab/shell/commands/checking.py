"""Running the model checker from the current state: check."""

from __future__ import annotations

import difflib
from typing import Any

from ahvlab.checker.engine import Options
from ahvlab.checker.report import closing_line, figure_lines, violation_headline
from ahvlab.checker.result import Figures
from ahvlab.shell.commands.common import whole
from ahvlab.shell.context import Context
from ahvlab.shell.registry import COMMANDS, Arg, Call, Flag, ShellError

command = COMMANDS.command


@command(
    "check",
    "run the model checker from the current state; a counterexample is loaded after the cursor",
    flags=(
        Flag("--invariant", "check only this invariant (repeatable)", Arg("X", "invariant"), repeat=True),
        Flag("--depth", "explore at most N steps from here", Arg("N", "count")),
        Flag("--max-states", "stop after N distinct states", Arg("N", "count")),
        Flag("--no-deadlock", "do not report a state without successors"),
    ),
)
def cmd_check(ctx: Context, call: Call) -> None:
    s = ctx.session
    names = call.flags.get("--invariant")
    known = [i.name for i in s.invariants()]
    for n in names or ():
        if n not in known:
            close = difflib.get_close_matches(n, known, n=1)
            hint = f"did you mean {close[0]}?" if close else f"invariants: {', '.join(known) or 'none'}"
            raise ShellError(f"check: no invariant {n!r}; {hint}")
    depth = call.flag("--depth")
    max_states = call.flag("--max-states")
    steps = whole(depth, "--depth", minimum=1) if depth is not None else None
    opts = Options(
        max_depth=steps + 1 if steps is not None else None,  # the engine counts the start state as level 1
        max_states=whole(max_states, "--max-states", minimum=1) if max_states is not None else None,
        deadlock="--no-deadlock" not in call.flags,
        invariants=names,
        progress=None if ctx.script else _progress(ctx),
    )
    start = s.cursor
    bound = f", at most {steps} steps" if steps is not None else ""
    ctx.say(f"checking from step {start} (bfs{bound}; Ctrl-C stops it)")
    result = ctx.bench.check(opts)
    v = result.violation
    f = result.figures
    if v is not None:
        ctx.say(violation_headline(v) + (f": {v.doc.rstrip('.')}" if v.doc and v.kind != "deadlock" else "") + ".")
        if v.blame:
            ctx.say(f"Why: {v.blame}")
    for line in figure_lines(f, result.engine, timing=not ctx.script):  # a script's transcript must be stable
        ctx.say(line)
    if v is not None:
        if len(v.trace) == 1:
            ctx.say("The current state itself is the counterexample.")
        else:
            ctx.say(
                f"Counterexample loaded as steps {start + 1}..{start + len(v.trace) - 1}: "
                "`forward` or `walk` to follow it, `trace` to list it."
            )
    else:
        ctx.say(closing_line(result) or "")


def _progress(ctx: Context) -> Any:
    def tick(f: Figures) -> None:
        ctx.say(f"  ... {f.distinct:,} distinct states, depth {f.depth}, {f.queue:,} on the queue")

    return tick
