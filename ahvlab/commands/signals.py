"""SIGINT and SIGTERM during ``check`` and ``simulate``: stop the phase under way, keep what was found.

While the search or the liveness check runs, the first signal raises
:class:`KeyboardInterrupt` there (the engines catch it and return the figures so far,
``stopped`` = ``interrupted``). Once the run has a result, signals are only recorded:
the report is printed and every output written, then the run exits 130 (SIGINT) or
143 (SIGTERM). A third signal gives up at once, for a run that no longer answers.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from ahvlab.checker.result import EXIT_SIGINT, EXIT_SIGTERM, Result

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_EXIT = {signal.SIGINT: EXIT_SIGINT, signal.SIGTERM: EXIT_SIGTERM}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be: the same partial figures, exit code 143."""


class StopSignals:
    """``with StopSignals() as stop:`` around a run; ``stop.defer()`` once it has a result."""

    def __init__(self) -> None:
        self.received: int | None = None
        self.count = 0
        self.deferring = False
        self._old: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        # Handlers can only be set from the main thread (a front end running a check in a worker keeps its own).
        if threading.current_thread() is threading.main_thread():
            for sig in _SIGNALS:
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)
        self._old.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1
        if self.received is None:
            self.received = signum
        if (self.count == 1 and not self.deferring) or self.count >= 3:
            raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    def defer(self) -> None:
        """From now on a signal is recorded, not raised: the report and the outputs are written whole."""
        self.deferring = True

    def stamp(self, result: Result) -> Result:
        """Name the signal that stopped ``result`` (the engines say ``interrupted`` for both)."""
        if self.received == signal.SIGTERM and result.figures.stopped == "interrupted":
            result.figures.stopped = "terminated"
        return result

    def exit_code(self, code: int) -> int:
        """The run's exit code, or 130/143 when a signal came after a run that found no violation."""
        if self.received is not None and code in (0, EXIT_SIGINT, EXIT_SIGTERM):
            return _EXIT.get(signal.Signals(self.received), code)
        return code
