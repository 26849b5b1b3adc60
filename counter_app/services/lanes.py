"""Where work runs: the lanes of DESIGN.md, shared by the window, the CLI and the tests.

- **write**: one thread that owns the store's writer; short transactions only, in order;
- **read**: a thread for the snapshots screens show, so a read never queues behind a write
  (SQLite's WAL lets it read while the writer commits);
- **online**: network calls a clerk waits for, each with its own timeout; a cancelled call
  is left to finish its timeout on this lane and its answer is dropped, never the write lane.

Devices have a lane each (`peripherals.device_lane`); the background sync has its worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
U = TypeVar("U")
P = ParamSpec("P")


class Lane:
    """A named pool of worker threads that runs submitted calls."""

    def __init__(self, name: str, workers: int = 1) -> None:
        self.name = name
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"lane-{name}")

    def submit(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        return self._pool.submit(call, *args, **kwargs)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking work; with `wait`, finish what was submitted (a commit is never cut)."""
        self._pool.shutdown(wait=wait, cancel_futures=not wait)


class Lanes:
    """The write, read and online lanes of one workstation."""

    def __init__(self) -> None:
        self.write = Lane("write")
        self.read = Lane("read")
        self.online = Lane("online", workers=2)

    def shutdown(self) -> None:
        self.online.shutdown(wait=False)  # an HQ call is never worth holding the close
        self.read.shutdown(wait=True)
        self.write.shutdown(wait=True)


def then(future: Future[T], lane: Lane, call: Callable[[Future[T]], U]) -> Future[U]:
    """A future for `call(future)`, run on `lane` once `future` is done (success or not)."""
    result: Future[U] = Future()

    def follow(done: Future[T]) -> None:
        try:
            step = lane.submit(call, done)
        except RuntimeError as exc:  # the lane has shut down: the window is closing
            result.set_exception(exc)
            return
        step.add_done_callback(lambda s: _copy(s, result))

    future.add_done_callback(follow)
    return result


def _copy(source: Future[U], target: Future[U]) -> None:
    error = source.exception()
    if error is None:
        target.set_result(source.result())
    else:
        target.set_exception(error)
