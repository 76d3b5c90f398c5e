"""Suite-wide settings.

Under CI (CI=true), hypothesis draws the same examples on every run, so a red build
is always reproducible from the commit alone; a developer's run keeps exploring new
examples (and saves what it finds in .hypothesis/).
"""

from __future__ import annotations

import gc
import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Collect the session's garbage now, then freeze what is still alive.

    After its last test a pytest-xdist worker reports "finished" (just after this
    hook); the controller then tells it to stop, and execnet gives it 5 s: after
    that it sends its own process a SIGINT (and the controller kills it after 10 s).
    What the worker still does then is mostly pytest's end-of-session check for
    unraisable exceptions: five full ``gc.collect()`` passes. A worker that ran
    tests/tui holds some 400,000 tracked objects (over 1,300 modules; Textual's
    bounded render caches keep 20,000 Strips with 140,000 FIFOCaches), so on a loaded
    machine the five passes took 6-7 s, the SIGINT came, and its KeyboardInterrupt
    surfaced in the first Python code run inside the collector, hypothesis' gc
    callback: a PytestUnraisableExceptionWarning at the end of the run.

    Here, before the worker reports, the garbage is collected while pytest's
    unraisable hook still listens (a finalizer that fails is reported as before),
    and the survivors are frozen, so the later passes and the interpreter's own
    collections at exit only walk what was allocated after this point.
    """
    for _ in range(5):  # pytest's own count: a pass can free what keeps more garbage alive
        if not gc.collect():
            break
    gc.freeze()
