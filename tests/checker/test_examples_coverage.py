"""Coverage figures stay consistent when a search stops at a violation (found with the DieHard port)."""

from __future__ import annotations

from ahvlab.checker.engine import bfs
from ahvlab.checker.examples import DieHard


def test_an_action_that_produced_the_violating_state_counts_as_enabled_there():
    result = bfs(DieHard())
    assert result.verdict == "invariant"
    # Every DieHard action yields exactly one successor in every state.
    for name, cov in result.figures.coverage.items():
        assert cov.enabled == cov.generated, name
