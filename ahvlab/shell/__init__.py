"""ahvlab.shell: the teaching shell, a prompt-toolkit REPL and script runner over a workbench.

Modules: :mod:`~ahvlab.shell.context` (what commands work on), :mod:`~ahvlab.shell.registry`
(commands and their arguments), :mod:`~ahvlab.shell.commands` (by topic),
:mod:`~ahvlab.shell.render`, :mod:`~ahvlab.shell.completer`, :mod:`~ahvlab.shell.toolbar`
and :mod:`~ahvlab.shell.app` (the :class:`Shell`).
"""

from ahvlab.shell.app import PROMPT, Shell, history_path

__all__ = ["PROMPT", "Shell", "history_path"]
