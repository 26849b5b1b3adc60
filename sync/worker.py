"""The background sync worker: runs a sync every N seconds, or at once when asked.

It knows nothing of what a sync does: the service gives it `run_once`. Errors are the
service's to report (as events); the worker only keeps going.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class PeriodicWorker:
    def __init__(self, run_once: Callable[[], None], interval_s: float, name: str = "sync") -> None:
        self._run_once = run_once
        self._interval = interval_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def trigger(self) -> None:
        """Run as soon as the current run (if any) ends."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._run_once()
            except Exception:
                log.exception("sync run failed")
            self._wake.wait(self._interval)
            self._wake.clear()
