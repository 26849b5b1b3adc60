"""Running service calls off the GUI thread: one line per UI operation (Anki's op pattern).

    self.ops.run(lambda c: c.queue.call_next()).success(self._show_called)

Every call runs on the single database worker thread, in submission order, so the store
sees one writer and the window never freezes. The result, or the error, comes back on
the GUI thread. An `InputError` goes to the op's failure handler (by default the main
window's message bar) in Arabic and English; anything else is logged and reported as
unexpected, and the operation's transaction has rolled back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal

from counter_app.domain.errors import InputError
from counter_app.services.context import AppContext

log = logging.getLogger(__name__)
T = TypeVar("T")


class Op(Generic[T]):
    """A submitted service call; attach what happens next before returning to the loop."""

    def __init__(self, default_failure: Callable[[InputError], None]) -> None:
        self.on_success: Callable[[T], None] | None = None
        self.on_failure: Callable[[InputError], None] = default_failure

    def success(self, callback: Callable[[T], None]) -> Op[T]:
        self.on_success = callback
        return self

    def failure(self, callback: Callable[[InputError], None]) -> Op[T]:
        self.on_failure = callback
        return self


class OpRunner(QObject):
    """Owns the database worker thread and brings results back to the GUI thread."""

    _done = Signal(object, object)  # (op, future); queued to the GUI thread

    def __init__(
        self,
        ctx: AppContext,
        on_input_error: Callable[[InputError], None],
        on_unexpected: Callable[[BaseException], None],
    ) -> None:
        super().__init__()
        self._ctx = ctx
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="counter-db")
        self._on_input_error = on_input_error
        self._on_unexpected = on_unexpected
        self._in_flight = 0
        self._lock = threading.Lock()
        self._done.connect(self._deliver)

    def run(self, call: Callable[[AppContext], T]) -> Op[T]:
        op: Op[T] = Op(self._on_input_error)
        with self._lock:
            self._in_flight += 1
        future = self._executor.submit(call, self._ctx)
        future.add_done_callback(lambda f: self._done.emit(op, f))
        return op

    def busy(self) -> bool:
        """True while a submitted call has not yet been delivered (tests wait on this)."""
        with self._lock:
            return self._in_flight > 0

    def _deliver(self, op: Op[Any], future: Future[Any]) -> None:
        with self._lock:
            self._in_flight -= 1
        error = future.exception()
        if error is None:
            if op.on_success is not None:
                op.on_success(future.result())
        elif isinstance(error, InputError):
            op.on_failure(error)
        else:
            log.error("operation failed", exc_info=error)
            self._on_unexpected(error)

    def shutdown(self) -> None:
        """Finish what was submitted (a commit is never cut short), then stop the thread."""
        self._executor.shutdown(wait=True)
