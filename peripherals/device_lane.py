"""One thread per device, with a deadline per job that the device cannot overrun.

A printer that stalls holds its own thread, nobody else's. Each job has a deadline from
the moment it is submitted; when it passes, the job's future fails with `DeviceTimeout`
at once, its cancel flag is set, and:

- a job that had not started is never started (it cannot print after being recorded as
  failed);
- a job that had started is abandoned: the backend sees the cancel flag and sends no more
  (a stalled printer that wakes up does not print it), the device is marked UNKNOWN, and
  new jobs fail fast with `DeviceBusy` until the stuck call returns, instead of queueing
  behind it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Generic, TypeVar

from peripherals.base import DeviceError, DeviceState

log = logging.getLogger(__name__)
T = TypeVar("T")


class DeviceTimeout(DeviceError):
    """The device did not finish the job in the time allowed."""


class DeviceBusy(DeviceError):
    """The device is still stuck in an earlier job that timed out."""


class _Job(Generic[T]):
    def __init__(self, work: Callable[[threading.Event], T], label: str) -> None:
        self.work = work
        self.label = label
        self.cancel = threading.Event()
        self.future: Future[T] = Future()
        self.state = "queued"  # queued -> running -> done, or -> expired
        self.timer: threading.Timer | None = None


class DeviceLane:
    """Runs one device's jobs in order on its own thread, each within its deadline."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[_Job[Any] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._unstuck = threading.Condition(self._lock)
        self._stuck: _Job[Any] | None = None
        self._thread = threading.Thread(target=self._loop, name=f"device-{name}", daemon=True)
        self._thread.start()

    def submit(
        self, work: Callable[[threading.Event], T], timeout_s: float, label: str = "job"
    ) -> Future[T]:
        """Run `work(cancel)` on the device thread; the future fails after `timeout_s`."""
        job: _Job[T] = _Job(work, label)
        with self._lock:
            stuck = self._stuck
        if stuck is not None:
            job.state = "expired"
            job.future.set_exception(
                DeviceBusy(
                    f"the {self.name} has not answered an earlier job ({stuck.label}): "
                    "check it (paper, cover, cable), then try again"
                )
            )
            return job.future
        job.timer = threading.Timer(timeout_s, self._expire, (job, timeout_s))
        job.timer.daemon = True
        job.timer.start()
        self._jobs.put(job)
        return job.future

    def close(self) -> None:
        self._jobs.put(None)

    @property
    def state_hint(self) -> DeviceState | None:
        """UNKNOWN while a job is stuck on the device; None when the device may be asked."""
        with self._lock:
            return DeviceState.UNKNOWN if self._stuck is not None else None

    def wait_unstuck(self, timeout_s: float) -> bool:
        """Wait until no abandoned job holds the device (True), or `timeout_s` passes."""
        with self._unstuck:
            return self._unstuck.wait_for(lambda: self._stuck is None, timeout_s)

    def _expire(self, job: _Job[Any], timeout_s: float) -> None:
        with self._lock:
            if job.state not in ("queued", "running"):
                return
            if job.state == "running":
                self._stuck = job
            job.state = "expired"
            job.cancel.set()
        log.warning(
            "%s: %s did not finish within %.1f s; given up", self.name, job.label, timeout_s
        )
        job.future.set_exception(
            DeviceTimeout(f"the {self.name} did not answer within {timeout_s:g} s")
        )

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            with self._lock:
                if job.state != "queued":
                    continue  # expired while waiting: never started, never printed
                job.state = "running"
            try:
                result = job.work(job.cancel)
                error: BaseException | None = None
            except BaseException as exc:  # delivered to whoever waits on the job
                result, error = None, exc
            with self._lock:
                if self._stuck is job:
                    self._stuck = None
                    self._unstuck.notify_all()
                finished = job.state == "running"
                job.state = "done" if finished else job.state
            if job.timer is not None:
                job.timer.cancel()
            if not finished:
                log.warning("%s: %s returned after it was given up", self.name, job.label)
                continue
            if error is None:
                job.future.set_result(result)
            else:
                job.future.set_exception(error)
