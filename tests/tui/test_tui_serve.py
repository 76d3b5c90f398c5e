"""``ahvlab serve``: a real headless Chromium opens the served page and receives the app's own screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ahvlab.cli import main
from tests.tui import browser


def test_serve_refuses_port_0_and_an_unknown_scenario_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0"]) == 2
    assert main(["serve", "no-such-scenario"]) == 150
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert err[0].startswith("ahvlab: error: argument --port: '0' is not a port from 1 to 65535")
    assert err[1].startswith("ahvlab: error: no scenario named 'no-such-scenario'")


def test_serve_refuses_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "network-partition", "--port", str(port)]) == 2
    assert capsys.readouterr().err == f"ahvlab: error: port {port} on 127.0.0.1 is in use: pick another with --port\n"


@pytest.mark.skipif(browser.chromium() is None, reason="chromium is not installed (`make install` installs it)")
def test_a_browser_opening_the_served_page_gets_the_app_on_the_scenario(tmp_path: Path) -> None:
    port = browser.free_port()
    png = tmp_path / "serve.png"
    with browser.served("network-partition", port):
        received = browser.load_page(f"http://127.0.0.1:{port}/", png, [b"Timeline", b"Cluster", b"partition_host"])
    assert b"Network partition of one host" in received
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # docs/images/serve.png is this screenshot: AHVLAB_SERVE_SHOT=docs/images/serve.png keeps it.
    keep = os.environ.get("AHVLAB_SERVE_SHOT")
    if keep:
        Path(keep).write_bytes(png.read_bytes())
