"""Every bundled scenario verifies against the AHV model: its script plays, its checkpoints and checks pass."""

from __future__ import annotations

import pytest

from ahvlab.scenarios import bundled_names, find_scenario
from ahvlab.testing import assert_scenario_verifies

NAMES = bundled_names()


@pytest.mark.parametrize("name", NAMES)
def test_the_bundled_scenario_verifies(name):
    report = assert_scenario_verifies(name)
    assert report.outcomes[0].kind == "script"
    scenario = find_scenario(name)
    assert len(report.outcomes) == 1 + len(scenario.checkpoints) + len(scenario.checks)
