"""README's exit-code table has every code ahvlab can exit with, and no other."""

from __future__ import annotations

import re
from pathlib import Path

from ahvlab.checker import result
from ahvlab.shell import app as shell_app

README = Path(__file__).resolve().parent.parent / "README.md"


def documented_codes() -> set[int]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Exit codes") :].split("\n## ", 1)[0]
    return {int(m) for m in re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)}


def test_readme_lists_every_exit_code():
    codes = {v for k, v in vars(result).items() if k.startswith("EXIT_") and isinstance(v, int)}
    codes |= {v for k, v in vars(shell_app).items() if k.startswith("EXIT_") and isinstance(v, int)}
    assert documented_codes() == codes
