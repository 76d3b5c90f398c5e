"""The shell itself: help, quit."""

from __future__ import annotations

import textwrap

from ahvlab.shell.context import Context
from ahvlab.shell.registry import COMMANDS, Arg, Call, ShellError

command = COMMANDS.command


@command(
    "help", "the commands, or one command in detail", aliases=("?",), args=(Arg("COMMAND", "command", optional=True),)
)
def cmd_help(ctx: Context, call: Call) -> None:
    if call.words:
        cmd = COMMANDS.lookup(call.words[0])
        if cmd is None:
            hint = COMMANDS.suggest(call.words[0])
            raise ShellError(f"no command {call.words[0]!r}" + (f"; did you mean {hint!r}?" if hint else ""))
        ctx.say(f"{cmd.usage}")
        for line in textwrap.wrap(cmd.help, 76):
            ctx.say(f"  {line}")
        if cmd.aliases:
            ctx.say(f"  also: {', '.join(cmd.aliases)}")
        for f in cmd.flags:
            ctx.say(f"  {f.name}{' ' + f.arg.name if f.arg else ''}: {f.help}")
        return
    width = max(len(c.short_usage) for c in COMMANDS)
    for cmd in COMMANDS:
        ctx.say(f"  {cmd.short_usage.ljust(width)}  {cmd.help}")
    ctx.say("Tab completes commands, actions, parameters, field paths and scenario names.")


@command("quit", "leave the shell (Ctrl-D too)", aliases=("exit", "q"))
def cmd_quit(ctx: Context, call: Call) -> None:
    ctx.done = True
