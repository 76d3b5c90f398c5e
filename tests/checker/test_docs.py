"""The worked example in docs/spec-api.md runs and gives TLC's figures."""

from __future__ import annotations

import re
from pathlib import Path

from ahvlab.checker import Options, bfs

DOC = Path(__file__).resolve().parents[2] / "docs" / "spec-api.md"


def test_the_worked_tcommit_example_in_the_docs_gives_tlcs_figures():
    code = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)[0]
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    result = bfs(namespace["TCommit"](rm=3), Options(deadlock=False))
    assert result.verdict == "ok"
    assert (result.figures.distinct, result.figures.depth) == (34, 7)
