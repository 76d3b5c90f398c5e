"""Moving through the trace and taking steps: actions, do, back, forward, goto, walk."""

from __future__ import annotations

import re
import shlex

from ahvlab.shell.commands.common import whole
from ahvlab.shell.context import Context
from ahvlab.shell.registry import COMMANDS, Arg, Call, Flag, ShellError
from ahvlab.shell.render import header, report

command = COMMANDS.command


def _split_top(text: str) -> list[str]:
    """Split ``a=1, b=(2, 3), c='x,y'`` at the commas that are not nested or quoted."""
    parts: list[str] = []
    depth = 0
    quote = ""
    cur: list[str] = []
    for ch in text:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def parse_do(text: str) -> tuple[int | str, list[tuple[str | None, str]]]:
    """``3``, ``crash_host 2``, ``crash_host host=2`` or ``crash_host(host=2)`` as (choice, [(key, raw value)])."""
    text = text.strip()
    if not text:
        raise ShellError("do: missing N or NAME (usage: do N | do NAME [KEY=VALUE ...])")
    if re.fullmatch(r"-?\d+", text):
        return int(text), []
    m = re.fullmatch(r"([^\s(]+)\s*\((.*)\)", text, re.S)
    if m:
        name, items = m.group(1), _split_top(m.group(2))
    else:
        name, _, rest = text.partition(" ")
        try:
            items = shlex.split(rest)
        except ValueError as exc:
            raise ShellError(f"do: {exc}") from None
    pairs: list[tuple[str | None, str]] = []
    for item in items:
        key, eq, value = item.partition("=")
        if eq and re.fullmatch(r"\w+", key.strip()):
            pairs.append((key.strip(), value.strip()))
        else:
            pairs.append((None, item))
    return name, pairs


@command(
    "actions",
    "the actions enabled now, numbered (`--all` adds the disabled ones and why)",
    aliases=("ls",),
    flags=(Flag("--all", "also list the actions that are not enabled"),),
)
def cmd_actions(ctx: Context, call: Call) -> None:
    s = ctx.session
    choices = s.enabled()
    if not choices:
        ctx.say("no action is enabled here (a deadlock)")
    width = max((len(c.label) for c in choices), default=0)
    iw = len(str(len(choices) - 1))
    for c in choices:
        ctx.say(f"  [{str(c.index).rjust(iw)}] {c.label.ljust(width)}" + (f"  {c.doc}" if c.doc else "").rstrip())
    if "--all" in call.flags:
        enabled = {c.action for c in choices}
        for name in s.action_names():
            if name not in enabled:
                reason = s.why_disabled(name)
                ctx.say(f"  (-) {name}: not enabled" + (f": {reason}" if reason else ""))


@command(
    "do",
    "take an action: its number from `actions`, or its name and parameters",
    args=(Arg("N|NAME", "choice"), Arg("KEY=VALUE", "param", optional=True, repeat=True)),
    raw=True,
)
def cmd_do(ctx: Context, call: Call) -> None:
    s = ctx.session
    choice, pairs = parse_do(call.text)
    s.do(choice if isinstance(choice, int) else s.resolve(choice, pairs))
    report(ctx, changes=True)


@command("back", "go back N steps (1)", aliases=("b",), args=(Arg("N", "count", optional=True),))
def cmd_back(ctx: Context, call: Call) -> None:
    n = whole(call.words[0], "N", minimum=1) if call.words else 1
    ctx.session.back(n)
    report(ctx, changes=False)


@command(
    "forward", "go forward N steps along the trace (1)", aliases=("fwd", "f"), args=(Arg("N", "count", optional=True),)
)
def cmd_forward(ctx: Context, call: Call) -> None:
    n = whole(call.words[0], "N", minimum=1) if call.words else 1
    ctx.session.forward(n)
    report(ctx, changes=True)


@command("goto", "jump to a step of the trace (a number, `first` or `last`)", args=(Arg("STEP", "step"),))
def cmd_goto(ctx: Context, call: Call) -> None:
    s = ctx.session
    word = call.words[0]
    if word == "first":
        s.first()
    elif word in ("last", "end"):
        s.last()
    else:
        s.goto(whole(word, "STEP"))
    report(ctx, changes=False)


@command(
    "walk",
    "the scenario's next narrated step (its script, or the narration ahead of the cursor)",
    aliases=("w", "next"),
)
def cmd_walk(ctx: Context, call: Call) -> None:
    script = ctx.bench.script()
    if script:
        s = ctx.session
        if s.cursor >= len(script):
            raise ShellError(
                f"the script is over after step {len(script)} (`actions` to go on by hand, `check` to search)"
            )
        s.follow(script)
        report(ctx, changes=True)
        return
    s = ctx.session
    if s.cursor >= len(s) - 1:
        raise ShellError("the walk is over: no step after this one (`actions` to go on by hand)")
    later = [i for i in s.narration if i > s.cursor]
    target = min(later) if later else s.cursor + 1
    for i in range(s.cursor + 1, target):
        ctx.say(f"  ({header(s, i)})")
    s.goto(target)
    report(ctx, changes=True)
