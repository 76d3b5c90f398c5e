"""A real headless Chromium on a served app, over the Chrome DevTools protocol (aiohttp comes with textual-serve).

The served page draws the terminal on a canvas, so the app's text is read where it
enters the browser: the websocket frames the page receives. The screenshot is the
page as a student sees it.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp

# The machine's network is closed: every flag that would make Chromium reach out is off.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the process exited with {proc.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port} after {seconds:g} s")


@contextlib.contextmanager
def running(cmd: list[str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``cmd``, wait until it listens on ``port``, stop it (and only it) at the end."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_for_port(port, proc)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def served(target: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """``ahvlab serve TARGET --port PORT`` with this Python."""
    cmd = [sys.executable, "-c", "from ahvlab.cli import run; run()", "serve", target, "--port", str(port)]
    with running(cmd, port) as proc:
        yield proc


class DevTools:
    """One page's DevTools websocket: commands with ids, events collected as they come."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.next_id = 0
        self.frames = bytearray()
        """Every websocket frame the page received (the served app's output)."""
        self.replies: dict[int, asyncio.Future[dict[str, Any]]] = {}

    async def pump(self) -> None:
        async for msg in self.ws:
            data = msg.json()
            if "id" in data and data["id"] in self.replies:
                self.replies.pop(data["id"]).set_result(data)
            elif data.get("method") == "Network.webSocketFrameReceived":
                frame = data["params"]["response"]
                payload = frame["payloadData"]
                self.frames += base64.b64decode(payload) if frame.get("opcode") == 2 else payload.encode()

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        reply: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.replies[self.next_id] = reply
        await self.ws.send_json({"id": self.next_id, "method": method, "params": params})
        answer = await asyncio.wait_for(reply, 30)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return dict(answer.get("result", {}))


async def _open_page(url: str, devtools_port: int, png: Path, want: list[bytes], size: tuple[int, int]) -> bytes:
    async with aiohttp.ClientSession() as http:
        pages = await (await http.get(f"http://127.0.0.1:{devtools_port}/json/list")).json()
        page = next(p for p in pages if p.get("type") == "page")
        async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            tools = DevTools(ws)
            pump = asyncio.create_task(tools.pump())
            try:
                await tools.call("Network.enable")
                await tools.call("Page.enable")
                await tools.call(
                    "Emulation.setDeviceMetricsOverride",
                    width=size[0],
                    height=size[1],
                    deviceScaleFactor=1,
                    mobile=False,
                )
                await tools.call("Page.navigate", url=url)
                for _ in range(600):
                    if all(w in tools.frames for w in want):
                        break
                    await asyncio.sleep(0.1)
                else:
                    raise TimeoutError(f"the page never received {want!r}")
                # The terminal draws on the next animation frames; give it a moment before the picture.
                await asyncio.sleep(1.5)
                shot = await tools.call("Page.captureScreenshot", format="png")
                png.write_bytes(base64.b64decode(shot["data"]))
            finally:
                pump.cancel()
            return bytes(tools.frames)


def load_page(url: str, png: Path, want: list[bytes], size: tuple[int, int] = (1280, 800)) -> bytes:
    """Load ``url`` in headless Chromium until the page received every string of ``want``; screenshot it to ``png``.

    Returns what the page received over its websockets.
    """
    binary = chromium()
    if binary is None:
        raise RuntimeError("chromium is not installed")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="ahvlab-chromium-") as profile:
        cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--remote-debugging-port={port}", "about:blank"]
        env = {**os.environ, "LANG": "C.UTF-8"}
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True
        )
        try:
            wait_for_port(port, proc)
            return asyncio.run(_open_page(url, port, png, want, size))
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
