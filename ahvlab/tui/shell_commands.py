"""The shell's commands. Each is a function ``(shell, call)`` registered with its arguments and help."""

from __future__ import annotations

import difflib
import re
import shlex
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ahvlab.checker.engine import Options
from ahvlab.checker.report import figure_lines, format_time, show_value, trace_lines
from ahvlab.checker.result import Figures
from ahvlab.checker.session import Choice, Session
from ahvlab.tui.shell_registry import COMMANDS, Arg, Call, Flag, ShellError
from ahvlab.tui.shell_values import (
    child,
    children,
    deep_changes,
    is_container,
    parse_value,
    resolve,
    same_value,
)
from ahvlab.tui.shell_views import change_names, shown_names, state_names
from ahvlab.tui.workbench import open_workbench

if TYPE_CHECKING:
    from ahvlab.tui.shell import Shell

command = COMMANDS.command
LONG = 100
"""A value whose one-line form is longer than this is shown one part per line."""


# -- helpers shared by the commands ----------------------------------------------


def _int(text: str, what: str, *, minimum: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ShellError(f"{what} must be a whole number, not {text!r}") from None
    if minimum is not None and value < minimum:
        raise ShellError(f"{what} must be at least {minimum}, not {value}")
    return value


def header(session: Session, index: int | None = None) -> str:
    i = session.cursor if index is None else index
    t = format_time(session.time(i))
    return f"step {i}/{len(session) - 1}" + (f"  {t}" if t else "") + f"  {session.label(i)}"


def change_lines(session: Session, index: int | None = None) -> list[str]:
    """What a step changed, down to the deepest field that differs (the whole state for step 0)."""
    i = session.cursor if index is None else index
    spec = session.spec
    if i == 0:
        out: list[str] = []
        for name, value in shown_names(spec, session.steps[0].state).items():
            out.extend(value_lines(name, value, "  "))
        return out
    before = change_names(spec, session.steps[i - 1].state)
    after = change_names(spec, session.steps[i].state)
    out = []
    for name, new in after.items():
        for path, was, now in deep_changes(name, before.get(name), new):
            out.append(f"  {path} = {show_value(now)}    (was {show_value(was)})")
    if not out:
        was, now = session.time(i - 1), session.time(i)
        if was != now:
            return [f"  (time passes: {format_time(was)} -> {format_time(now)})"]
    return out or ["  (nothing changed)"]


def report(shell: Shell, *, changes: bool) -> None:
    """The step the cursor is on: header, what changed, the narration and any violated invariant."""
    s = shell.session
    shell.say(header(s))
    if changes:
        for line in change_lines(s):
            shell.say(line)
    shell.show_narration()
    for v in s.violated():
        shell.say(f"  !! invariant {v.name} violated" + (f": {v.doc}" if v.doc else ""))


def value_lines(path: str, value: Any, indent: str = "") -> list[str]:
    """``path = value``; a long record, tuple or map one part per line instead (one level deep)."""
    text = show_value(value)
    if len(text) <= LONG or not is_container(value):
        return [f"{indent}{path} = {text}"]
    out = [f"{indent}{path}:"]
    for seg in children(value):
        out.append(f"{indent}  {path}.{seg} = {show_value(child(value, seg, path))}")
    return out


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


def param_keys(choices: list[Choice]) -> list[str]:
    keys: list[str] = []
    for c in choices:
        keys.extend(k for k in c.params if k not in keys)
    return keys


def resolve_choice(session: Session, name: str, pairs: list[tuple[str | None, str]]) -> Choice:
    """The enabled choice an action name and typed values mean; one clear error if there is none."""
    names = session.action_names()
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean {close[0]}?" if close else f"actions: {', '.join(names)}"
        raise ShellError(f"no action {name!r}; {hint}")
    enabled = session.enabled()
    same = [c for c in enabled if c.action == name]
    if not same:
        explain = getattr(session.spec, "explain_disabled", None)
        reason = explain(session.state, name) if explain else None
        if reason:
            raise ShellError(f"{name} is not enabled here: {reason}")
        now = [n for n in names if any(c.action == n for c in enabled)]
        raise ShellError(f"{name} is not enabled here; enabled now: {', '.join(now) or 'nothing (a deadlock)'}")
    keys = param_keys(same)
    wanted: dict[str, Any] = {}
    for key, raw in pairs:
        if key is None:
            free = [k for k in keys if k not in wanted]
            if not free:
                raise ShellError(f"{name}: too many values; its parameters are: {', '.join(keys) or 'none'}")
            key = free[0]
        elif key not in keys:
            raise ShellError(f"{name} has no parameter {key!r}; its parameters are: {', '.join(keys) or 'none'}")
        values = [c.params[key] for c in same if key in c.params]
        wanted[key] = next((v for v in values if same_value(v, raw)), parse_value(raw))
    return session.find(name, wanted)


# -- the commands, in the order `help` lists them --------------------------------------


@command(
    "actions",
    "the actions enabled now, numbered (`--all` adds the disabled ones and why)",
    aliases=("ls",),
    flags=(Flag("--all", "also list the actions that are not enabled"),),
)
def cmd_actions(shell: Shell, call: Call) -> None:
    s = shell.session
    choices = s.enabled()
    if not choices:
        shell.say("no action is enabled here (a deadlock)")
    width = max((len(c.label) for c in choices), default=0)
    iw = len(str(len(choices) - 1))
    for c in choices:
        shell.say(f"  [{str(c.index).rjust(iw)}] {c.label.ljust(width)}" + (f"  {c.doc}" if c.doc else "").rstrip())
    if "--all" in call.flags:
        enabled = {c.action for c in choices}
        explain = getattr(s.spec, "explain_disabled", None)
        for name in s.action_names():
            if name not in enabled:
                reason = explain(s.state, name) if explain else None
                shell.say(f"  (-) {name}: not enabled" + (f": {reason}" if reason else ""))


@command(
    "do",
    "take an action: its number from `actions`, or its name and parameters",
    args=(Arg("N|NAME", "choice"), Arg("KEY=VALUE", "param", optional=True, repeat=True)),
    raw=True,
)
def cmd_do(shell: Shell, call: Call) -> None:
    s = shell.session
    choice, pairs = parse_do(call.text)
    if isinstance(choice, int):
        s.do(choice)
    else:
        s.do(resolve_choice(s, choice, pairs))
    report(shell, changes=True)


@command("back", "go back N steps (1)", aliases=("b",), args=(Arg("N", "count", optional=True),))
def cmd_back(shell: Shell, call: Call) -> None:
    n = _int(call.words[0], "N", minimum=1) if call.words else 1
    shell.session.back(n)
    report(shell, changes=False)


@command(
    "forward", "go forward N steps along the trace (1)", aliases=("fwd", "f"), args=(Arg("N", "count", optional=True),)
)
def cmd_forward(shell: Shell, call: Call) -> None:
    n = _int(call.words[0], "N", minimum=1) if call.words else 1
    shell.session.forward(n)
    report(shell, changes=True)


@command("goto", "jump to a step of the trace (a number, `first` or `last`)", args=(Arg("STEP", "step"),))
def cmd_goto(shell: Shell, call: Call) -> None:
    s = shell.session
    word = call.words[0]
    if word == "first":
        s.first()
    elif word in ("last", "end"):
        s.last()
    else:
        s.goto(_int(word, "STEP"))
    report(shell, changes=False)


@command(
    "show",
    "the current state, or one field of it (`show host.2.up`, `show vm.VM1`)",
    args=(Arg("PATH", "path", optional=True),),
)
def cmd_show(shell: Shell, call: Call) -> None:
    s = shell.session
    if call.words:
        path = call.words[0]
        for line in value_lines(path, resolve(state_names(s.spec, s.state), path)):
            shell.say(line)
        return
    for name, value in shown_names(s.spec, s.state).items():
        for line in value_lines(name, value):
            shell.say(line)


@command("diff", "what the current step (or STEP) changed", args=(Arg("STEP", "step", optional=True),))
def cmd_diff(shell: Shell, call: Call) -> None:
    s = shell.session
    i = _int(call.words[0], "STEP") if call.words else s.cursor
    if not 0 <= i < len(s):
        raise ShellError(f"no step {i}: the trace has steps 0..{len(s) - 1}")
    shell.say(header(s, i))
    for line in change_lines(s, i):
        shell.say(line)


@command(
    "trace",
    "the steps so far with T+seconds (`trace full`: every state, TLC style)",
    args=(Arg("full", "word", optional=True, choices=("full",)),),
)
def cmd_trace(shell: Shell, call: Call) -> None:
    s = shell.session
    if call.words:
        for line in trace_lines(s.spec, s.trace):
            shell.say(line)
        return
    times = [format_time(s.time(i)) for i in range(len(s))]
    tw = max(len(t) for t in times)
    for i in range(len(s)):
        mark = ">" if i == s.cursor else " "
        bad = [v.name for v in s.violated(i)]
        tail = f"   !! {', '.join(bad)}" if bad else ""
        shell.say(f"{mark}{i:>3}  {times[i].ljust(tw)}  {s.label(i)}{tail}")


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
def cmd_check(shell: Shell, call: Call) -> None:
    s = shell.session
    names = call.flags.get("--invariant")
    known = [i.name for i in s.invariants()]
    for n in names or ():
        if n not in known:
            close = difflib.get_close_matches(n, known, n=1)
            hint = f"did you mean {close[0]}?" if close else f"invariants: {', '.join(known) or 'none'}"
            raise ShellError(f"check: no invariant {n!r}; {hint}")
    depth = call.flag("--depth")
    max_states = call.flag("--max-states")
    steps = _int(depth, "--depth", minimum=1) if depth is not None else None
    opts = Options(
        max_depth=steps + 1 if steps is not None else None,  # the engine counts the start state as level 1
        max_states=_int(max_states, "--max-states", minimum=1) if max_states is not None else None,
        deadlock="--no-deadlock" not in call.flags,
        invariants=names,
        progress=None if shell.script else _progress(shell),
    )
    start = s.cursor
    bound = f", at most {steps} steps" if steps is not None else ""
    shell.say(f"checking from step {start} (bfs{bound}; Ctrl-C stops it)")
    result = shell.bench.check(opts)
    v = result.violation
    f = result.figures
    if v is not None:
        if v.kind == "invariant":
            shell.say(f"Invariant {v.name} is violated" + (f": {v.doc.rstrip('.')}" if v.doc else "") + ".")
        elif v.kind == "deadlock":
            shell.say("Deadlock reached: no action is enabled.")
        else:
            shell.say(f"Property {v.name} is violated.")
    lines = figure_lines(f)
    for line in lines if not shell.script else lines[:-1]:  # seconds differ run to run: keep transcripts stable
        shell.say(line)
    if v is not None:
        if len(v.trace) == 1:
            shell.say("The current state itself is the counterexample.")
        else:
            shell.say(
                f"Counterexample loaded as steps {start + 1}..{start + len(v.trace) - 1}: "
                "`forward` or `walk` to follow it, `trace` to list it."
            )
    elif f.stopped:
        shell.say(f"Stopped early ({f.stopped}): no error found in the part explored.")
    elif not result.complete:
        shell.say(f"No error within {steps} steps of here (the search was bounded).")
    else:
        shell.say("No error has been found from this state.")


def _progress(shell: Shell) -> Any:
    def tick(f: Figures) -> None:
        shell.say(f"  ... {f.distinct:,} distinct states, depth {f.depth}, {f.queue:,} on the queue")

    return tick


@command("inv", "every invariant and whether it holds now", aliases=("invariants",))
def cmd_inv(shell: Shell, call: Call) -> None:
    statuses = shell.session.invariant_status()
    if not statuses:
        shell.say("this spec has no invariants")
    width = max((len(st.name) for st in statuses), default=0)
    for st in statuses:
        shell.say(f"  {'ok  ' if st.holds else 'FAIL'}  {st.name.ljust(width)}  {st.doc}".rstrip())


@command(
    "mutate",
    "switch a what-if of the AHV model on or off (no arguments: list them)",
    args=(Arg("NAME", "mutation", optional=True), Arg("on|off", "on_off", optional=True, choices=("on", "off"))),
)
def cmd_mutate(shell: Shell, call: Call) -> None:
    known = shell.bench.mutations()
    if not known:
        raise ShellError("this spec has no mutations: they belong to the AHV model (`load` it or a scenario)")
    if not call.words:
        width = max(len(n) for n in known)
        for name, (doc, on) in known.items():
            shell.say(f"  {'on ' if on else 'off'}  {name.ljust(width)}  {doc}")
        return
    name = call.words[0]
    _must_know("mutation", name, known)
    if len(call.words) < 2:
        raise ShellError(f"mutate {name}: say on or off")
    before = len(shell.session)
    kept = shell.bench.set_mutation(name, call.words[1] == "on")
    shell.say(f"mutation {name} is {call.words[1]}; the trace replays on the new model: {kept} of {before} steps kept")
    if kept < before:
        report(shell, changes=False)


def _must_know(kind: str, name: str, known: Iterable[str]) -> None:
    """One line for a name that is not there: the closest one, or the whole list."""
    names = list(known)
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        raise ShellError(
            f"no {kind} {name!r}; " + (f"did you mean {close[0]}?" if close else f"{kind}s: {', '.join(names)}")
        )


@command(
    "timing",
    "set one of the model's timings in seconds (no arguments: list them)",
    args=(Arg("NAME", "timing", optional=True), Arg("SECONDS", "seconds", optional=True)),
)
def cmd_timing(shell: Shell, call: Call) -> None:
    known = shell.bench.timings()
    if not known:
        raise ShellError("this model has no timings to change")
    if not call.words:
        width = max(len(n) for n in known)
        for name, seconds in known.items():
            shell.say(f"  {name.ljust(width)}  {seconds:g} s")
        return
    name = call.words[0]
    _must_know("timing", name, known)
    if len(call.words) < 2:
        raise ShellError(f"timing {name} is {known[name]:g} s; to change it: timing {name} SECONDS")
    try:
        seconds = float(call.words[1])
    except ValueError:
        raise ShellError(f"timing {name}: SECONDS must be a number, not {call.words[1]!r}") from None
    before = len(shell.session)
    kept = shell.bench.set_timing(name, seconds)
    shell.say(f"timing {name} = {seconds:g} s; the trace replays on the new model: {kept} of {before} steps kept")


def scenario_names(*, titles: bool = False) -> list[tuple[str, str]]:
    """``[(name, title)]`` of the bundled scenarios (titles only when asked: each costs a parse)."""
    try:
        from ahvlab import scenarios
    except ImportError:
        return []
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
def cmd_load(shell: Shell, call: Call) -> None:
    if not call.words:
        found = scenario_names(titles=True)
        if not found:
            shell.say("no scenarios in this build; `load FILE.itf.json` or `load default`")
        width = max((len(n) for n, _ in found), default=0)
        for name, title in found:
            shell.say(f"  {name.ljust(width)}  {title}".rstrip())
        return
    target = call.words[0]
    shell.bench = open_workbench(None if target == "default" else target)
    n = len(shell.session)
    shell.say(f"loaded {shell.bench.title}: {n} step{'s' if n != 1 else ''}")
    for message in shell.bench.messages:
        shell.say(message)
    report(shell, changes=False)


@command(
    "save",
    "write the trace as ITF JSON",
    args=(Arg("FILE", "file"),),
    flags=(Flag("--force", "overwrite a file ahvlab did not write"),),
)
def cmd_save(shell: Shell, call: Call) -> None:
    path = call.words[0]
    shell.bench.save(path, force="--force" in call.flags)
    shell.say(f"saved {len(shell.session)} states to {path} (ITF)")


@command(
    "walk",
    "the scenario's next narrated step (its script, or the narration ahead of the cursor)",
    aliases=("w", "next"),
)
def cmd_walk(shell: Shell, call: Call) -> None:
    script = getattr(shell.bench.scenario, "steps", None)
    if script:
        _walk_script(shell, list(script))
        return
    s = shell.session
    if s.cursor >= len(s) - 1:
        raise ShellError("the walk is over: no step after this one (`actions` to go on by hand)")
    later = [i for i in s.narration if i > s.cursor]
    target = min(later) if later else s.cursor + 1
    for i in range(s.cursor + 1, target):
        shell.say(f"  ({header(s, i)})")
    s.goto(target)
    report(shell, changes=True)


def _follows(step: Any, scripted: Any) -> bool:
    """A trace step is the scripted one: same action, and the parameters the script names (a wait names none)."""
    return bool(step.action == scripted.action and all(step.params.get(k) == v for k, v in scripted.params.items()))


def _walk_script(shell: Shell, script: list[Any]) -> None:
    """Take the script's step after the cursor: forward along the trace if it is there, else take it anew."""
    s = shell.session
    for k in range(1, min(s.cursor, len(script)) + 1):
        said = script[k - 1]
        if not _follows(s.steps[k], said):
            raise ShellError(
                f"step {k} left the scenario's script, which says {s.spec.format_step(said.action, said.params)}; "
                f"`goto {k - 1}` then `walk` to follow it again"
            )
    if s.cursor >= len(script):
        raise ShellError(f"the script is over after step {len(script)} (`actions` to go on by hand, `check` to search)")
    nxt = script[s.cursor]
    if s.cursor < len(s) - 1 and _follows(s.steps[s.cursor + 1], nxt):
        s.forward()
    else:
        s.do(s.find(nxt.action, dict(nxt.params)))
        if getattr(nxt, "say", ""):
            s.narration[s.cursor] = nxt.say
    report(shell, changes=True)


@command(
    "help", "the commands, or one command in detail", aliases=("?",), args=(Arg("COMMAND", "command", optional=True),)
)
def cmd_help(shell: Shell, call: Call) -> None:
    if call.words:
        cmd = COMMANDS.lookup(call.words[0])
        if cmd is None:
            hint = COMMANDS.suggest(call.words[0])
            raise ShellError(f"no command {call.words[0]!r}" + (f"; did you mean {hint!r}?" if hint else ""))
        shell.say(f"{cmd.usage}")
        for line in textwrap.wrap(cmd.help, 76):
            shell.say(f"  {line}")
        if cmd.aliases:
            shell.say(f"  also: {', '.join(cmd.aliases)}")
        for f in cmd.flags:
            shell.say(f"  {f.name}{' ' + f.arg.name if f.arg else ''}: {f.help}")
        return
    width = max(len(c.short_usage) for c in COMMANDS)
    for cmd in COMMANDS:
        shell.say(f"  {cmd.short_usage.ljust(width)}  {cmd.help}")
    shell.say("Tab completes commands, actions, parameters, field paths and scenario names.")


@command("quit", "leave the shell (Ctrl-D too)", aliases=("exit", "q"))
def cmd_quit(shell: Shell, call: Call) -> None:
    shell.done = True
