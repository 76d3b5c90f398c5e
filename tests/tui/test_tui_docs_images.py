"""The TUI pictures in docs/classroom.md are current: regenerating them gives the committed SVGs."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"


def test_the_committed_docs_images_are_what_the_app_draws_today() -> None:
    render = runpy.run_path(str(IMAGES / "render.py"))
    fresh = render["svgs"]()
    stale = [name for name, text in fresh.items() if (IMAGES / name).read_text(encoding="utf-8") != text]
    assert stale == [], f"run `make docs-images` and commit: {stale}"
    assert all((IMAGES / name).with_suffix(".png").exists() for name in fresh)


def test_classroom_md_shows_every_figure() -> None:
    text = (ROOT / "docs" / "classroom.md").read_text(encoding="utf-8")
    render = runpy.run_path(str(IMAGES / "render.py"))
    missing = [f.name for f in render["FIGURES"] if f"images/{f.name}.png" not in text]
    assert missing == []
