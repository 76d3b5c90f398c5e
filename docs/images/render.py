"""Render the TUI at the brief's figures into docs/images (``make docs-images``): SVG from the app, PNG from Chromium.

Each figure is a scenario at one step, drawn by the app itself under Textual's Pilot
(``export_screenshot``), so the pictures in docs/classroom.md are the screens a
student gets. ``tests/tui/test_tui_docs_images.py`` regenerates the SVGs and compares.

    python docs/images/render.py            # every SVG, and a PNG of each when chromium is installed
    python docs/images/render.py --svg-only
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from ahvlab.tui.app import AhvlabApp  # noqa: E402
from ahvlab.workbench import open_workbench  # noqa: E402

SIZE = (120, 36)


class Figure(NamedTuple):
    name: str
    scenario: str
    step: int | str
    """A step number, or ``last``."""
    caption: str


FIGURES = (
    Figure("iscsi-normal", "local-cvm-down", 0, "Normal: each disk's session goes to the local Stargate"),
    Figure(
        "local-cvm-down", "local-cvm-down", "last", "Local CVM down: the sessions are redirected to remote Stargates"
    ),
    Figure("local-cvm-back", "local-cvm-back", "last", "Local CVM back: failback brings every session home"),
    Figure("ipam-local", "ipam-leader-local", "last", "IPAM: the leader on the same host answers DHCP"),
    Figure("ipam-remote", "ipam-leader-remote", 1, "IPAM: DHCP pending, over VXLAN to the leader on host 3"),
    Figure("guarantee-segments", "guarantee-step-3", "last", "Guarantee mode: parcels, reserved segments, free memory"),
    Figure("guarantee-failover", "guarantee-failover", "last", "Guarantee mode: fail-over into the reserve"),
    Figure("phantom-vm", "what-if-no-fencing", "last", "What if HA did not fence? A phantom VM in two hosts"),
    Figure(
        "partition-t105", "network-partition", 9, "Network partition at T+105: the isolated VM dies before the restart"
    ),
)


async def svg_of(figure: Figure) -> str:
    app = AhvlabApp(open_workbench(figure.scenario))
    async with app.run_test(size=SIZE) as pilot:
        session = app.wb.session
        session.goto(len(session) - 1 if figure.step == "last" else int(figure.step))
        app.show_step()
        # The picture redraws once its panel knows its width; let every pending layout and refresh run first,
        # however loaded the machine is.
        for _ in range(4):
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
        return app.export_screenshot(title=f"ahvlab tui {figure.scenario}")


def svgs() -> dict[str, str]:
    """Every figure's SVG text, by file name."""
    return {f"{f.name}.svg": asyncio.run(svg_of(f)) for f in FIGURES}


def png_from_svg(svg: Path, png: Path) -> bool:
    """Chromium draws the SVG at its own size; False when chromium is not installed."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        return False
    with tempfile.TemporaryDirectory() as profile:
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
        flags += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
        subprocess.run(
            [binary, *flags, f"--user-data-dir={profile}", "--window-size=1482,929", "--hide-scrollbars",
             f"--screenshot={png}", svg.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg-only", action="store_true")
    args = parser.parse_args()
    for name, text in svgs().items():
        svg = HERE / name
        svg.write_text(text, encoding="utf-8")
        print(svg.relative_to(HERE.parent.parent))
        if not args.svg_only and png_from_svg(svg, svg.with_suffix(".png")):
            print(svg.with_suffix(".png").relative_to(HERE.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
