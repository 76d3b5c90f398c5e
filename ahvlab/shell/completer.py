"""Tab completion: command names from the registry, then live names from the session for each argument's kind."""

from __future__ import annotations

import os
from collections.abc import Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from ahvlab import scenarios
from ahvlab.checker.values import canonical, completions, resolve, same_value, show, word_of
from ahvlab.shell.context import Context
from ahvlab.shell.registry import COMMANDS, Arg, Command
from ahvlab.shell.render import names

Option = tuple[str, str]
"""A completion and the note shown next to it."""


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _matches(value: str, prefix: str) -> bool:
    """``value`` completes ``prefix``; a path typed as ``host.2.`` also completes to ``host[2].up``."""
    if value.startswith(prefix):
        return True
    if prefix.endswith("."):
        base = canonical(prefix[:-1])
        return value.startswith((base + ".", base + "["))
    return "." in prefix and value.startswith(canonical(prefix))


class ShellCompleter(Completer):
    """Completes the word before the cursor; any error inside gives no completion rather than a traceback."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        try:
            found = self.complete(document.text_before_cursor)
        except Exception:  # completion runs on every key press; a failure must stay invisible
            return
        yield from found

    def complete(self, text: str) -> list[Completion]:
        """The completions for a line typed so far (the text before the cursor)."""
        words = text.split()
        ended = not text or text[-1].isspace()
        prefix = "" if ended else words[-1]
        if not words or (len(words) == 1 and not ended):
            options: list[Option] = [(n, self._command_note(n)) for n in COMMANDS.names()]
        else:
            cmd = COMMANDS.lookup(words[0])
            if cmd is None:
                return []
            options = self.arguments(cmd, words[1:] if ended else words[1:-1], prefix)
        # A command name is a whole word: completing it types the space before its first argument.
        after = " " if not words or (len(words) == 1 and not ended) else ""
        seen: set[str] = set()
        out: list[Completion] = []
        for value, note in options:
            if _matches(value, prefix) and value not in seen:
                seen.add(value)
                out.append(Completion(value + after, -len(prefix), display=value, display_meta=note))
        return out

    @staticmethod
    def _command_note(name: str) -> str:
        cmd = COMMANDS.lookup(name)
        return _short(cmd.help) if cmd else ""

    # -- arguments ---------------------------------------------------------------

    def arguments(self, cmd: Command, done: list[str], prefix: str) -> list[Option]:
        """Options for the next word of ``cmd`` after the words already typed."""
        if done and done[-1].startswith("--"):
            flag = cmd.flag_named(done[-1])
            if flag is not None and flag.arg is not None:
                return self.values(flag.arg, [], prefix)
        if prefix.startswith("-"):
            return [(f.name, f.help) for f in cmd.flags if f.repeat or f.name not in done]
        positional: list[str] = []
        skip = False
        for w in done:
            if skip:
                skip = False
            elif w.startswith("--"):
                flag = cmd.flag_named(w)
                skip = flag is not None and flag.arg is not None
            else:
                positional.append(w)
        if not cmd.args:
            return [(f.name, f.help) for f in cmd.flags if f.repeat or f.name not in done]
        index = len(positional)
        if index >= len(cmd.args):
            if not cmd.args[-1].repeat:
                return []
            index = len(cmd.args) - 1
        return self.values(cmd.args[index], positional, prefix)

    def values(self, arg: Arg, positional: list[str], prefix: str) -> list[Option]:
        ctx = self.ctx
        s = ctx.session
        kind = arg.kind
        if arg.choices:
            return [(c, "") for c in arg.choices]
        if kind == "choice":
            choices = s.enabled()
            enabled = [(c.action, _short(c.doc or "enabled")) for c in choices]
            return [*enabled, *((str(c.index), c.label) for c in choices)]
        if kind == "param":
            return self.params(positional)
        if kind == "step":
            return [("first", "step 0"), ("last", f"step {len(s) - 1}"), *((str(i), s.label(i)) for i in range(len(s)))]
        if kind == "path":
            variables = names(s)
            options: list[Option] = []
            for p in completions(variables, prefix):
                try:
                    note = _short(show(resolve(variables, p)))
                except Exception:
                    note = ""
                options.append((p, note))
            return options
        if kind == "invariant":
            return [(i.name, _short(i.doc)) for i in s.invariants()]
        if kind == "mutation":
            return [(n, ("on: " if on else "off: ") + _short(doc)) for n, (doc, on) in ctx.bench.mutations().items()]
        if kind == "timing":
            return [(n, f"{v:g} s") for n, v in ctx.bench.timings().items()]
        if kind == "seconds":
            now = ctx.bench.timings().get(positional[0]) if positional else None
            return [(f"{now:g}", "now")] if now is not None else []
        if kind == "target":
            bundled = [(n, "scenario") for n in scenarios.bundled_names()]
            return [*bundled, ("default", "the default model"), *files(prefix, (".json", ".toml"))]
        if kind == "file":
            return files(prefix, ())
        if kind == "command":
            return [(c.name, _short(c.help)) for c in COMMANDS]
        return []

    def params(self, positional: list[str]) -> list[Option]:
        """``key=value`` for the action named first, narrowed by the pairs already typed."""
        if not positional:
            return []
        s = self.ctx.session
        same = [c for c in s.enabled() if c.action == positional[0]]
        keys = [k for c in same for k in c.params]
        given: dict[str, str] = {}
        for w in positional[1:]:
            key, eq, raw = w.partition("=")
            if not eq:  # a bare value fills the next parameter, as `do` reads it
                key, raw = next((k for k in keys if k not in given), ""), w
            given[key] = raw
        fits = [c for c in same if all(k in c.params and same_value(c.params[k], v) for k, v in given.items())]
        options: list[Option] = []
        for c in fits:
            for key, value in c.params.items():
                if key not in given:
                    options.append((f"{key}={word_of(value)}", c.label if len(fits) < 30 else ""))
        return options


def files(prefix: str, suffixes: tuple[str, ...]) -> list[Option]:
    """Files and folders under the folder ``prefix`` points into; only ``suffixes`` when given."""
    folder, _, _ = prefix.rpartition("/")
    where = os.path.expanduser(folder) if folder else "."
    try:
        entries = sorted(os.listdir(where))
    except OSError:
        return []
    out: list[Option] = []
    for name in entries:
        if name.startswith(".") and not prefix.rpartition("/")[2].startswith("."):
            continue
        full = f"{folder}/{name}" if folder else name
        if os.path.isdir(os.path.join(where, name)):
            out.append((full + "/", "folder"))
        elif not suffixes or name.endswith(suffixes):
            out.append((full, "file"))
    return out


def tab_bindings() -> KeyBindings:
    """Tab completes (a lone completion at once), and another Tab moves through the menu, never back to the typed text."""
    kb = KeyBindings()

    @kb.add("tab")
    def _next(event: KeyPressEvent) -> None:
        b = event.current_buffer
        state = b.complete_state
        if state is None or not state.completions:
            # Computed here rather than in the background, so Tab acts on what is typed now.
            found = list(b.completer.get_completions(b.document, CompleteEvent(completion_requested=True)))
            if len(found) == 1:
                b.apply_completion(found[0])
            elif found:
                b._set_completions(found)
                b.go_to_completion(0)
        elif len(state.completions) == 1:
            b.apply_completion(state.completions[0])
        elif state.complete_index is not None and state.complete_index >= len(state.completions) - 1:
            b.go_to_completion(0)
        else:
            b.complete_next()

    @kb.add("s-tab")
    def _previous(event: KeyPressEvent) -> None:
        b = event.current_buffer
        if b.complete_state is not None and b.complete_state.complete_index:
            b.complete_previous()

    return kb
