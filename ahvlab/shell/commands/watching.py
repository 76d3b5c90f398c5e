"""Expressions at the cursor: eval, watch, unwatch (the checkpoint language, as in `ahvlab trace --expr`)."""

from __future__ import annotations

from ahvlab.checker.expr import ExprError, parse
from ahvlab.checker.watch import error_line, evaluate
from ahvlab.shell.context import Context
from ahvlab.shell.registry import COMMANDS, Arg, Call, ShellError
from ahvlab.shell.render import watch_lines

command = COMMANDS.command


def _parse(text: str, name: str) -> str:
    text = text.strip()
    if not text:
        raise ShellError(f"{name}: missing EXPR (usage: {name} EXPR, e.g. `{name} vm.VM1.copies`)")
    try:
        parse(text)
    except ExprError as exc:
        raise ShellError(f"{name}: {error_line(text, exc)}") from None
    return text


@command(
    "eval",
    "the value of an expression at the current step (`eval len(vm.VM1.copies) > 1`)",
    aliases=("print",),
    args=(Arg("EXPR", "word"),),
    raw=True,
)
def cmd_eval(ctx: Context, call: Call) -> None:
    text = _parse(call.text, "eval")
    s = ctx.session
    (value,) = evaluate(s.spec, s.state, [parse(text)])
    if value.error is not None:
        raise ShellError(f"eval: {value.error}")
    ctx.say(f"{text} = {value.text}")


@command(
    "watch",
    "show an expression's value after every step (`watch` alone lists the watched ones)",
    args=(Arg("EXPR", "word", optional=True),),
    raw=True,
)
def cmd_watch(ctx: Context, call: Call) -> None:
    if not call.text.strip():
        if not ctx.watches:
            ctx.say("nothing is watched: `watch EXPR` to add one")
        for line in watch_lines(ctx):
            ctx.say(line)
        return
    text = _parse(call.text, "watch")
    if text not in ctx.watches:
        ctx.watches.append(text)
    for line in watch_lines(ctx, [text]):
        ctx.say(line)


@command(
    "unwatch",
    "stop watching an expression (its text or its number in `watch`; `unwatch all`)",
    args=(Arg("EXPR", "word"),),
    raw=True,
)
def cmd_unwatch(ctx: Context, call: Call) -> None:
    text = call.text.strip()
    if text == "all":
        ctx.watches.clear()
        ctx.say("nothing is watched now")
        return
    if text.isdigit() and 1 <= int(text) <= len(ctx.watches):
        text = ctx.watches[int(text) - 1]
    if text not in ctx.watches:
        known = ", ".join(f"{i}: {w}" for i, w in enumerate(ctx.watches, start=1)) or "none"
        raise ShellError(f"unwatch: {text!r} is not watched (watched: {known})")
    ctx.watches.remove(text)
    ctx.say(f"no longer watching {text}")
