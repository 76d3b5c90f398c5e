"""The teaching shell: a prompt-toolkit REPL, and a script runner, over a :class:`Workbench`.

The shell keeps no model logic: every command goes through the workbench and
its checker session, exactly like the Textual app. Commands are registered by
topic in :mod:`ahvlab.shell.commands` and take a :class:`Context`. Output is text written to
``out`` (coloured only on a terminal), so a script's transcript reads the same
as an interactive session.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style

from ahvlab.checker.engine import SpecError
from ahvlab.checker.errors import UserError
from ahvlab.checker.session import Session, SessionError
from ahvlab.checker.trace import ReplayError
from ahvlab.checker.values import PathError
from ahvlab.shell import commands  # noqa: F401  (fills the registry)
from ahvlab.shell.completer import ShellCompleter, tab_bindings
from ahvlab.shell.context import Context
from ahvlab.shell.registry import COMMANDS, ShellError
from ahvlab.shell.toolbar import status, toolbar
from ahvlab.workbench import Workbench

PROMPT = "ahvlab> "
EXIT_OK = 0
EXIT_COMMAND_FAILED = 1
EXIT_INVARIANT = 12

STYLE = Style.from_dict(
    {
        "prompt": "bold",
        "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
        "bottom-toolbar.key": "bold",
        "bottom-toolbar.bad": "bold bg:#aa0000 #ffffff",
    }
)


def history_path() -> Path:
    """Where the history lives: ``$AHVLAB_HISTORY``, else ``$XDG_DATA_HOME/ahvlab/shell_history``."""
    override = os.environ.get("AHVLAB_HISTORY")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ahvlab" / "shell_history"


def open_history(path: Path | None = None) -> History:
    """A file history; an in-memory one when the file cannot be created (read-only home, say)."""
    p = path or history_path()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.touch(exist_ok=True)
    except OSError:
        return InMemoryHistory()
    return FileHistory(str(p))


class Shell:
    """One shell over one workbench (``load`` replaces it). ``script`` mode keeps the transcript deterministic."""

    def __init__(self, bench: Workbench, out: TextIO | None = None, *, script: bool = False) -> None:
        self.ctx = Context.for_output(bench, out if out is not None else sys.stdout, script=script)

    @property
    def bench(self) -> Workbench:
        return self.ctx.bench

    @property
    def out(self) -> TextIO:
        return self.ctx.out

    @property
    def script(self) -> bool:
        return self.ctx.script

    @property
    def color(self) -> bool:
        return self.ctx.color

    @property
    def session(self) -> Session:
        return self.ctx.session

    @property
    def done(self) -> bool:
        return self.ctx.done

    @property
    def failures(self) -> list[str]:
        return self.ctx.failures

    def say(self, text: str = "") -> None:
        self.ctx.say(text)

    def fail(self, message: str) -> bool:
        return self.ctx.fail(message)

    # -- running one line ------------------------------------------------------

    def execute(self, line: str) -> bool:
        """Run one command line; False (after one error line) when it failed. Never raises on bad input."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        name, *rest = re.split(r"\s+", text, maxsplit=1)
        cmd = COMMANDS.lookup(name)
        if cmd is None:
            return self.fail(self._unknown(name))
        try:
            cmd.fn(self.ctx, cmd.parse(rest[0] if rest else ""))
        except (ShellError, SessionError, UserError, PathError) as exc:
            return self.fail(str(exc))
        except (SpecError, ReplayError) as exc:
            return self.fail(f"spec error: {exc}")
        except KeyboardInterrupt:
            return self.fail("interrupted")
        except Exception as exc:  # a bug in a spec or in the shell must not end a class
            return self.fail(f"{name} failed: {type(exc).__name__}: {exc}")
        return True

    def _unknown(self, name: str) -> str:
        actions = self.session.action_names()
        if name in actions:
            return f"unknown command {name!r}; {name} is an action: `do {name}`"
        hint = COMMANDS.suggest(name)
        if hint:
            return f"unknown command {name!r}; did you mean {hint!r}?"
        close = difflib.get_close_matches(name, actions, n=1)
        if close:
            return f"unknown command {name!r}; did you mean `do {close[0]}`?"
        return f"unknown command {name!r}; type `help` for the commands"

    # -- the bottom toolbar ----------------------------------------------------

    def status(self) -> list[tuple[str, str]]:
        """The toolbar's parts: T+seconds, step, leader, what-ifs, violated invariants."""
        return status(self.ctx)

    def toolbar(self) -> FormattedText:
        return toolbar(self.ctx)

    # -- the two ways to run ---------------------------------------------------

    def prompt_session(
        self, *, input: Input | None = None, output: Output | None = None, history: History | None = None
    ) -> PromptSession[str]:
        return PromptSession(
            [("class:prompt", PROMPT)],
            completer=ShellCompleter(self.ctx),
            history=history if history is not None else open_history(),
            auto_suggest=AutoSuggestFromHistory(),
            bottom_toolbar=self.toolbar,
            style=STYLE,
            complete_while_typing=True,
            key_bindings=tab_bindings(),
            input=input,
            output=output,
        )

    def run_interactive(
        self, *, input: Input | None = None, output: Output | None = None, history: History | None = None
    ) -> int:
        """The REPL: Ctrl-C drops the line, Ctrl-D or ``quit`` leaves. Returns 0."""
        ps = self.prompt_session(input=input, output=output, history=history)
        self.say(f"{self.bench.title}. Type `help` for the commands, Tab to complete, Ctrl-D to leave.")
        for message in self.bench.messages:
            self.say(message)
        self.show_narration()
        while not self.done:
            try:
                line = ps.prompt()
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            self.execute(line)
        return EXIT_OK

    def run_script(self, lines: Iterable[str], *, keep_going: bool = False) -> int:
        """Run commands as a transcript. 0 ok; 1 a command failed; 12 the final trace violates an invariant."""
        self.say(f"# {self.bench.title}")
        for message in self.bench.messages:
            self.say(f"# {message}")
        self.show_narration()
        for number, raw in enumerate(lines, start=1):
            line = raw.rstrip("\n")
            if not line.strip():
                continue
            if line.lstrip().startswith("#"):
                self.say(line)
                continue
            self.say(PROMPT + line.strip())
            if not self.execute(line) and not keep_going:
                self.say(f"# script stopped: line {number} failed")
                return EXIT_COMMAND_FAILED
            if self.done:
                break
        if self.failures:
            self.say(f"# {len(self.failures)} command(s) failed")
            return EXIT_COMMAND_FAILED
        at = self.session.first_violation()
        if at is not None:
            names = ", ".join(v.name for v in self.session.violated(at))
            self.say(f"# invariant violated at step {at}: {names}")
            return EXIT_INVARIANT
        return EXIT_OK

    def show_narration(self) -> None:
        self.ctx.show_narration()

    def __repr__(self) -> str:
        return f"Shell({self.bench.title!r}, step {self.session.cursor})"
