"""The shell's command registry: a decorator fills it, ``help`` and the completer read it."""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from ahvlab.shell.context import Context

ArgKind = Literal[
    "choice",  # an enabled action's number or name
    "param",  # key=value of the action being taken
    "step",  # a step index of the trace
    "count",  # a positive number of steps
    "path",  # a field path into the state: host[2].cvm_up
    "invariant",
    "mutation",
    "on_off",
    "timing",
    "seconds",
    "target",  # a scenario name or a file
    "file",
    "command",
    "word",  # a fixed word among ``choices``
]


class ShellError(Exception):
    """A command that cannot run; the message is one line for the user."""


@dataclass(frozen=True)
class Arg:
    """One argument of a command: its name in the usage line and the kind of value it takes."""

    name: str
    kind: ArgKind
    optional: bool = False
    repeat: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flag:
    """An option such as ``--depth N``; ``arg`` is None for a switch."""

    name: str
    help: str
    arg: Arg | None = None
    repeat: bool = False


@dataclass(frozen=True)
class Call:
    """What a command receives: its words (shell-quoted) and the raw text after its name."""

    words: list[str]
    text: str
    flags: dict[str, list[str]] = field(default_factory=dict)

    def flag(self, name: str) -> str | None:
        values = self.flags.get(name)
        return values[-1] if values else None


Handler = Callable[[Context, Call], None]


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    fn: Handler
    args: tuple[Arg, ...] = ()
    aliases: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    raw: bool = False
    """Hand the raw text to the command instead of checking its words (``do`` parses ``name(k=v)`` itself)."""

    @property
    def short_usage(self) -> str:
        """The name and arguments; ``[OPTIONS]`` stands for the flags."""
        parts = [self.name]
        for a in self.args:
            text = a.name + (" ..." if a.repeat else "")
            parts.append(f"[{text}]" if a.optional else text)
        if self.flags:
            parts.append("[OPTIONS]")
        return " ".join(parts)

    @property
    def usage(self) -> str:
        parts = [self.short_usage.removesuffix(" [OPTIONS]")]
        for f in self.flags:
            parts.append(f"[{f.name}{' ' + f.arg.name if f.arg else ''}]")
        return " ".join(parts)

    def flag_named(self, name: str) -> Flag | None:
        return next((f for f in self.flags if f.name == name), None)

    def parse(self, text: str) -> Call:
        """Split the arguments, check their number and collect the flags; a :class:`ShellError` if they are wrong."""
        try:
            words = shlex.split(text)
        except ValueError as exc:
            raise ShellError(f"{self.name}: {exc} (usage: {self.usage})") from None
        if self.raw:
            return Call(words, text.strip())
        positional: list[str] = []
        flags: dict[str, list[str]] = {}
        it = iter(words)
        for w in it:
            if w.startswith("--") and len(w) > 2:
                flag = self.flag_named(w)
                if flag is None:
                    known = ", ".join(f.name for f in self.flags) or "none"
                    raise ShellError(f"{self.name}: unknown option {w} (options: {known})")
                if flag.arg is None:
                    flags.setdefault(flag.name, []).append("")
                    continue
                value = next(it, None)
                if value is None:
                    raise ShellError(f"{self.name}: {w} needs a value {flag.arg.name}")
                flags.setdefault(flag.name, []).append(value)
                if not flag.repeat and len(flags[flag.name]) > 1:
                    raise ShellError(f"{self.name}: {w} given twice")
            else:
                positional.append(w)
        required = sum(1 for a in self.args if not a.optional)
        unbounded = any(a.repeat for a in self.args)
        if len(positional) < required:
            missing = self.args[len(positional)].name
            raise ShellError(f"{self.name}: missing {missing} (usage: {self.usage})")
        if not unbounded and len(positional) > len(self.args):
            raise ShellError(f"{self.name}: too many arguments (usage: {self.usage})")
        for a, w in zip(self.args, positional, strict=False):
            if a.choices and w not in a.choices:
                raise ShellError(f"{self.name}: {a.name} must be one of {', '.join(a.choices)}, not {w!r}")
        return Call(positional, text.strip(), flags)


class Registry:
    """The commands, in the order they were registered (the order ``help`` lists them)."""

    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}
        self._names: dict[str, str] = {}

    def command(
        self,
        name: str,
        help: str,
        *,
        args: tuple[Arg, ...] = (),
        aliases: tuple[str, ...] = (),
        flags: tuple[Flag, ...] = (),
        raw: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Register the decorated function ``(context, call) -> None`` as command ``name``."""

        def mark(fn: Handler) -> Handler:
            for n in (name, *aliases):
                if n in self._names:
                    raise ValueError(f"shell command name {n!r} registered twice")
                self._names[n] = name
            self._commands[name] = Command(name, help, fn, args, aliases, flags, raw)
            return fn

        return mark

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands.values())

    def names(self) -> list[str]:
        """Every name a command answers to, aliases included."""
        return list(self._names)

    def lookup(self, name: str) -> Command | None:
        key = self._names.get(name)
        return self._commands[key] if key else None

    def suggest(self, word: str) -> str | None:
        close = difflib.get_close_matches(word, self.names(), n=1, cutoff=0.6)
        return close[0] if close else None


COMMANDS = Registry()
"""The shell's commands; :mod:`ahvlab.shell.commands` fills it when imported."""
