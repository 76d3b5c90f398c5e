"""The scenarios written out in the docs verify, with the outcomes the pages show."""

from __future__ import annotations

import re
from pathlib import Path

from ahvlab.scenarios import parse_scenario, verify

DOCS = Path(__file__).resolve().parents[2] / "docs"


def toml_blocks(page: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", (DOCS / page).read_text(), flags=re.S)


def test_the_ci_page_scenario_verifies_with_the_figures_it_shows():
    (text,) = [block for block in toml_blocks("ci.md") if block.startswith("[scenario]")]
    report = verify(parse_scenario(text, "scenarios/our-rack.toml"))
    assert report.ok
    # State counts belong to the model, which keeps growing; the page must show every outcome and verdict.
    figures = re.compile(r"\(\d+ distinct states, depth \d+\)")
    shown = figures.sub("(figures)", (DOCS / "ci.md").read_text())
    for o in report.outcomes:
        assert figures.sub("(figures)", f"ok   {o.kind}: {o.name} -- {o.message}") in shown


def test_the_format_reference_example_loads():
    text = toml_blocks("scenarios.md")[0]
    scenario = parse_scenario(text, "example.toml")
    assert [st.action for st in scenario.steps] == ["crash_host", "tick"]
    assert verify(scenario).ok
