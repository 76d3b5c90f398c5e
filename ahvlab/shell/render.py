"""How the shell prints a step, a value and what changed: the values module's path syntax and renderings."""

from __future__ import annotations

from typing import Any

from ahvlab.checker.env import state_env
from ahvlab.checker.expr import parse
from ahvlab.checker.session import Session
from ahvlab.checker.values import children, deep_changes, is_container, join, show, show_time
from ahvlab.checker.watch import evaluate
from ahvlab.scenarios.show import display_vars
from ahvlab.shell.context import Context

LONG = 100
"""A value whose one-line form is longer than this is shown one part per line."""


def names(session: Session) -> dict[str, Any]:
    """Every name a path may start with at the cursor: the variables and the spec's expression names."""
    return state_env(session.spec, session.state, enabled=False)


def header(session: Session, index: int | None = None) -> str:
    i = session.cursor if index is None else index
    t = show_time(session.time(i))
    return f"step {i}/{len(session) - 1}" + (f"  {t}" if t else "") + f"  {session.label(i)}"


def value_lines(path: str, value: Any, indent: str = "") -> list[str]:
    """``path = value``; a long record, tuple or map one part per line instead (one level deep)."""
    text = show(value)
    if len(text) <= LONG or not is_container(value):
        return [f"{indent}{path} = {text}"]
    return [f"{indent}{path}:", *(f"{indent}  {join(path, k)} = {show(v)}" for k, v in children(value))]


def change_lines(session: Session, index: int | None = None) -> list[str]:
    """What a step changed, down to the deepest part that differs (every variable for step 0)."""
    i = session.cursor if index is None else index
    spec = session.spec
    after = display_vars(spec, session.steps[i].state)
    if i == 0:
        return [line for name, value in after.items() for line in value_lines(name, value, "  ")]
    before = display_vars(spec, session.steps[i - 1].state)
    out = [f"  {c.line()}" for name, new in after.items() for c in deep_changes(name, before.get(name), new)]
    if not out:
        was, now = session.time(i - 1), session.time(i)
        if was != now:
            return [f"  (time passes: {show_time(was)} -> {show_time(now)})"]
    return out or ["  (nothing changed)"]


def report(ctx: Context, *, changes: bool) -> None:
    """The step the cursor is on: header, what changed, the narration and any violated invariant."""
    s = ctx.session
    ctx.say(header(s))
    if changes:
        for line in change_lines(s):
            ctx.say(line)
    ctx.show_narration()
    for v in s.violated():
        ctx.say(f"  !! invariant {v.name} violated" + (f": {v.doc}" if v.doc else ""))
        if v.blame:
            ctx.say(f"  !! why: {v.blame}")
    for line in watch_lines(ctx):
        ctx.say(line)


def watch_lines(ctx: Context, texts: list[str] | None = None) -> list[str]:
    """``  watch 1: vm.VM1.copies = (1, 3)`` for each watched expression (or those of ``texts``) at the cursor."""
    texts = ctx.watches if texts is None else texts
    if not texts:
        return []
    s = ctx.session
    values = evaluate(s.spec, s.state, [parse(t) for t in texts])
    return [f"  watch {ctx.watches.index(t) + 1}: {t} = {v.text}" for t, v in zip(texts, values, strict=True)]
