"""Looking at the state: show, diff, trace, inv."""

from __future__ import annotations

from ahvlab.checker.report import trace_lines
from ahvlab.checker.values import PathError, canonical, resolve, show_time
from ahvlab.scenarios.show import display_vars
from ahvlab.shell.commands.common import whole
from ahvlab.shell.context import Context
from ahvlab.shell.registry import COMMANDS, Arg, Call, ShellError
from ahvlab.shell.render import change_lines, header, names, value_lines

command = COMMANDS.command


@command(
    "show",
    "the current state, or one field of it (`show host[2].up`, `show vm.VM1`)",
    args=(Arg("PATH", "path", optional=True),),
)
def cmd_show(ctx: Context, call: Call) -> None:
    s = ctx.session
    if call.words:
        path = canonical(call.words[0])
        try:
            value = resolve(names(s), path)
        except PathError as exc:
            raise ShellError(str(exc)) from None
        for line in value_lines(path, value):
            ctx.say(line)
        return
    for name, value in display_vars(s.spec, s.state).items():
        for line in value_lines(name, value):
            ctx.say(line)


@command("diff", "what the current step (or STEP) changed", args=(Arg("STEP", "step", optional=True),))
def cmd_diff(ctx: Context, call: Call) -> None:
    s = ctx.session
    i = whole(call.words[0], "STEP") if call.words else s.cursor
    if not 0 <= i < len(s):
        raise ShellError(f"no step {i}: the trace has steps 0..{len(s) - 1}")
    ctx.say(header(s, i))
    for line in change_lines(s, i):
        ctx.say(line)


@command(
    "trace",
    "the steps so far with T+seconds (`trace full`: every state, TLC style)",
    args=(Arg("full", "word", optional=True, choices=("full",)),),
)
def cmd_trace(ctx: Context, call: Call) -> None:
    s = ctx.session
    if call.words:
        for line in trace_lines(s.spec, s.trace):
            ctx.say(line)
        return
    times = [show_time(s.time(i)) for i in range(len(s))]
    tw = max(len(t) for t in times)
    for i in range(len(s)):
        mark = ">" if i == s.cursor else " "
        bad = [v.name for v in s.violated(i)]
        tail = f"   !! {', '.join(bad)}" if bad else ""
        ctx.say(f"{mark}{i:>3}  {times[i].ljust(tw)}  {s.label(i)}{tail}")


@command("inv", "every invariant and whether it holds now", aliases=("invariants",))
def cmd_inv(ctx: Context, call: Call) -> None:
    statuses = ctx.session.invariant_status()
    if not statuses:
        ctx.say("this spec has no invariants")
    width = max((len(st.name) for st in statuses), default=0)
    for st in statuses:
        ctx.say(f"  {'ok  ' if st.holds else 'FAIL'}  {st.name.ljust(width)}  {st.doc}".rstrip())
        if st.blame:
            ctx.say(f"        {''.ljust(width)}  why: {st.blame}")
