"""Opening and saving: load, save."""

from __future__ import annotations

from ahvlab import scenarios
from ahvlab.shell.context import Context
from ahvlab.shell.registry import COMMANDS, Arg, Call, Flag
from ahvlab.shell.render import report
from ahvlab.workbench import open_workbench

command = COMMANDS.command


def scenario_names(*, titles: bool = False) -> list[tuple[str, str]]:
    """``[(name, title)]`` of the bundled scenarios (titles only when asked: each costs a parse)."""
    out: list[tuple[str, str]] = []
    for name in scenarios.bundled_names():
        title = ""
        if titles:
            try:
                title = scenarios.find_scenario(name).title
            except Exception as exc:  # one broken file must not hide the others
                title = f"(cannot be loaded: {exc})"
        out.append((name, title))
    return out


@command(
    "load",
    "open a scenario, an ITF trace (.itf.json) or `default` (no argument: list the scenarios)",
    args=(Arg("SCENARIO|FILE", "target", optional=True),),
)
def cmd_load(ctx: Context, call: Call) -> None:
    if not call.words:
        found = scenario_names(titles=True)
        width = max((len(n) for n, _ in found), default=0)
        for name, title in found:
            ctx.say(f"  {name.ljust(width)}  {title}".rstrip())
        return
    target = call.words[0]
    ctx.bench = open_workbench(None if target == "default" else target)
    n = len(ctx.session)
    ctx.say(f"loaded {ctx.bench.title}: {n} step{'s' if n != 1 else ''}")
    for message in ctx.bench.messages:
        ctx.say(message)
    report(ctx, changes=False)


@command(
    "save",
    "write the trace as ITF JSON",
    args=(Arg("FILE", "file"),),
    flags=(Flag("--force", "overwrite a file ahvlab did not write"),),
)
def cmd_save(ctx: Context, call: Call) -> None:
    path = call.words[0]
    ctx.bench.save(path, force="--force" in call.flags)
    ctx.say(f"saved {len(ctx.session)} states to {path} (ITF)")
