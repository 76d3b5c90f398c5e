"""Fixtures of the TUI tests: apps over the toy specs, and a recorder of the messages an app posts."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from ahvlab.tui.app import AhvlabApp
from tests.tui import helpers
from tests.tui.helpers import Recorder


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests (Pilot tests) on a fresh event loop; no asyncio plugin is installed."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def lamps_app() -> AhvlabApp:
    return AhvlabApp(helpers.workbench())


@pytest.fixture
def clock_app() -> AhvlabApp:
    return AhvlabApp(helpers.clock())
