"""The bottom toolbar: model time, step, leader, what-ifs, violated invariants. Redrawn on every key: it never raises."""

from __future__ import annotations

from prompt_toolkit.formatted_text import FormattedText

from ahvlab.checker.values import show, show_time
from ahvlab.shell.context import Context
from ahvlab.workbench import Workbench


def leader_of(bench: Workbench) -> str | None:
    """The Acropolis leader(s) now, from the AHV picture or a ``leader`` variable; None if the spec has none."""
    picture = bench.picture()
    if picture is not None:
        return " and ".join(str(h) for h in sorted(picture.leaders)) or "none"
    variables = bench.session.variables()
    if "leader" not in variables:
        return None
    value = variables["leader"]
    return "none" if value is None else show(value)


def status(ctx: Context) -> list[tuple[str, str]]:
    """The toolbar's parts as ``(kind, text)``: T+seconds, step, leader, what-ifs, violated invariants."""
    s = ctx.session
    parts: list[tuple[str, str]] = []
    t = show_time(s.time())
    if t:
        parts.append(("time", t))
    parts.append(("step", f"step {s.cursor}/{len(s) - 1}"))
    leader = leader_of(ctx.bench)
    if leader is not None:
        parts.append(("leader", f"leader {leader}"))
    on = ctx.bench.active_mutations()
    if on:
        parts.append(("mutations", "mutations " + ",".join(on)))
    timings = ctx.bench.changed_timings()
    if timings:
        parts.append(("timings", " ".join(f"{k}={v:g}" for k, v in timings.items())))
    bad = [v.name for v in s.violated()]
    if bad:
        parts.append(("bad", "VIOLATED " + ",".join(bad)))
    return parts


def toolbar(ctx: Context) -> FormattedText:
    out: list[tuple[str, str]] = []
    try:
        parts = status(ctx)
    except Exception as exc:  # the toolbar is redrawn on every key: it must never raise
        return FormattedText([("class:bottom-toolbar", f" status unavailable: {exc}")])
    for kind, text in parts:
        style = "class:bottom-toolbar.bad" if kind == "bad" else "class:bottom-toolbar.key"
        out.append((style, f" {text} "))
        out.append(("class:bottom-toolbar", " "))
    return FormattedText(out)
