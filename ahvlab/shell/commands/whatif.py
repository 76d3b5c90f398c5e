"""What-ifs of the AHV model: mutate, timing."""

from __future__ import annotations

from ahvlab.shell.commands.common import must_know
from ahvlab.shell.context import Context
from ahvlab.shell.registry import COMMANDS, Arg, Call, ShellError
from ahvlab.shell.render import report

command = COMMANDS.command


@command(
    "mutate",
    "switch a what-if of the AHV model on or off (no arguments: list them)",
    args=(Arg("NAME", "mutation", optional=True), Arg("on|off", "on_off", optional=True, choices=("on", "off"))),
)
def cmd_mutate(ctx: Context, call: Call) -> None:
    known = ctx.bench.mutations()
    if not known:
        raise ShellError("this spec has no mutations: they belong to the AHV model (`load` it or a scenario)")
    if not call.words:
        width = max(len(n) for n in known)
        for name, (doc, on) in known.items():
            ctx.say(f"  {'on ' if on else 'off'}  {name.ljust(width)}  {doc}")
        return
    name = call.words[0]
    must_know("mutation", name, known)
    if len(call.words) < 2:
        raise ShellError(f"mutate {name}: say on or off")
    before = len(ctx.session)
    kept = ctx.bench.set_mutation(name, call.words[1] == "on")
    ctx.say(f"mutation {name} is {call.words[1]}; the trace replays on the new model: {kept} of {before} steps kept")
    if kept < before:
        report(ctx, changes=False)


@command(
    "timing",
    "set one of the model's timings in seconds (no arguments: list them)",
    args=(Arg("NAME", "timing", optional=True), Arg("SECONDS", "seconds", optional=True)),
)
def cmd_timing(ctx: Context, call: Call) -> None:
    known = ctx.bench.timings()
    if not known:
        raise ShellError("this model has no timings to change")
    if not call.words:
        width = max(len(n) for n in known)
        for name, seconds in known.items():
            ctx.say(f"  {name.ljust(width)}  {seconds:g} s")
        return
    name = call.words[0]
    must_know("timing", name, known)
    if len(call.words) < 2:
        raise ShellError(f"timing {name} is {known[name]:g} s; to change it: timing {name} SECONDS")
    try:
        seconds = float(call.words[1])
    except ValueError:
        raise ShellError(f"timing {name}: SECONDS must be a number, not {call.words[1]!r}") from None
    before = len(ctx.session)
    kept = ctx.bench.set_timing(name, seconds)
    ctx.say(f"timing {name} = {seconds:g} s; the trace replays on the new model: {kept} of {before} steps kept")
