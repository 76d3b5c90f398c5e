# isort: skip_file
"""The shell's commands by topic; importing this package fills :data:`ahvlab.shell.registry.COMMANDS`.

The order of the imports is the order ``help`` lists the commands in.
"""

from ahvlab.shell.commands import stepping
from ahvlab.shell.commands import inspect
from ahvlab.shell.commands import watching
from ahvlab.shell.commands import checking
from ahvlab.shell.commands import whatif
from ahvlab.shell.commands import files
from ahvlab.shell.commands import meta

__all__ = ["checking", "files", "inspect", "meta", "stepping", "watching", "whatif"]
