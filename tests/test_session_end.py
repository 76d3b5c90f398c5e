"""The suite's end-of-session hook (tests/conftest.py): little left for an xdist worker to do, nothing hidden.

A worker that took more than 5 s to end after its last test got a SIGINT from execnet,
whose KeyboardInterrupt was printed as a PytestUnraisableExceptionWarning from
hypothesis' gc callback. The hook collects the garbage before the worker reports and
freezes the rest; pinned here in a worker of a small session run in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CONFTEST = """
import gc
import json
import os

ALIVE = [[] for _ in range(1000)]  # alive until the process ends


def pytest_unconfigure(config):
    # After the suite's hook, what the collector walks no longer holds what was alive when the tests ended.
    walked = any(o is ALIVE for o in gc.get_objects())
    row = {"worker": os.environ.get("PYTEST_XDIST_WORKER"), "frozen": gc.get_freeze_count(), "walked": walked}
    with open(os.environ["SESSION_END_REPORT"], "a") as f:
        f.write(json.dumps(row) + "\\n")
"""

TESTS = """
import pytest


class Cycle:
    def __init__(self):
        self.me = self

    def __del__(self):
        raise ValueError("a finalizer that fails at the end of the session")


@pytest.fixture(scope="session")
def garbage_at_the_end():
    yield
    Cycle()  # garbage only the cycle collector frees, made after the last test


def test_leaves_garbage(garbage_at_the_end):
    assert garbage_at_the_end is None
"""


def test_a_worker_freezes_what_is_alive_and_still_reports_a_failing_finalizer(tmp_path):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_end.py").write_text(TESTS)
    report = tmp_path / "report.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SESSION_END_REPORT": str(report)}
    argv = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", "-n", "1", "-q"]
    proc = subprocess.run([*argv, "test_end.py"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "1 passed" in output
    assert "PytestUnraisableExceptionWarning: Exception ignored in: <function Cycle.__del__" in output
    assert "ValueError: a finalizer that fails at the end of the session" in output
    assert "KeyboardInterrupt" not in output
    worker = next(row for row in map(json.loads, report.read_text().splitlines()) if row["worker"] == "gw0")
    assert worker["frozen"] > 0 and worker["walked"] is False
