"""Running service calls off the GUI thread: one line per UI operation (Anki's op pattern).

    self.ops.run(lambda c: c.queue.call_next(), success=self._show_called)

What happens next is given with the call, so it is in place before the work starts, and
it is delivered on a later turn of the event loop even when the work finished at once.

- `run`: the write lane, one thread, in submission order: the store sees one writer;
- `query`: the read lane, for what a screen shows; never queues behind a write;
- `online`: a network call a clerk waits on; shows the busy bar with Cancel (Esc), and
  a cancelled call's answer is dropped;
- `watch`: a future a service already started (a print job on its device lane).

A `BilingualError` (bad input, a refusal, a sync stopped for a reason) goes to the
failure handler (by default the window's message area) in Arabic and English; anything
else is logged with its traceback and reported as unexpected, and the operation's
transaction has rolled back. Screens refresh from what an operation changed
(`StoreChanged`, through the event bridge), not by hand.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from counter_app.domain.errors import BilingualError
from counter_app.services.context import AppContext
from counter_app.services.lanes import Lane
from counter_app.ui.inbox import GuiInbox

log = logging.getLogger(__name__)
T = TypeVar("T")

Success = Callable[[Any], None]
Failure = Callable[[BilingualError], None]


class OnlineCall:
    """A network call under way; `cancel()` drops its answer and frees the clerk."""

    def __init__(self, runner: OpRunner, label: str) -> None:
        self.label = label
        self.cancelled = False
        self._runner = runner

    def cancel(self) -> None:
        if not self.cancelled:
            self.cancelled = True
            self._runner.online_finished(self)


class OpRunner(QObject):
    """Submits service calls to the lanes and brings results back to the GUI thread."""

    online_started = Signal(object)  # OnlineCall; emitted on the GUI thread only
    online_ended = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        inbox: GuiInbox,
        on_input_error: Failure,
        on_unexpected: Callable[[BaseException], None],
    ) -> None:
        super().__init__()
        self._ctx = ctx
        self._inbox = inbox
        self._on_input_error = on_input_error
        self._on_unexpected = on_unexpected
        self._in_flight = 0
        self._lock = threading.Lock()
        self.online_calls: list[OnlineCall] = []

    @property
    def ctx(self) -> AppContext:
        """For in-memory calls on the GUI thread (the visit's basket); never store or network."""
        return self._ctx

    # ---- submitting ------------------------------------------------------------------

    def run(
        self,
        call: Callable[[AppContext], T],
        *,
        success: Callable[[T], None] | None = None,
        failure: Failure | None = None,
    ) -> None:
        """A service call on the write lane."""
        self._submit(self._ctx.lanes.write, call, success, failure)

    def query(
        self,
        call: Callable[[AppContext], T],
        *,
        success: Callable[[T], None],
        failure: Failure | None = None,
    ) -> None:
        """A read on the read lane (a snapshot for a screen)."""
        self._submit(self._ctx.lanes.read, call, success, failure)

    def online(
        self,
        label: str,
        call: Callable[[AppContext], T],
        *,
        success: Callable[[T], None] | None = None,
        failure: Failure | None = None,
    ) -> OnlineCall:
        """A network call the clerk waits on: busy bar with Cancel until it answers."""
        handle = OnlineCall(self, label)
        self.online_calls.append(handle)
        self.online_started.emit(handle)

        def done(result: T) -> None:
            if not handle.cancelled:
                self.online_finished(handle)
                if success is not None:
                    success(result)

        def refused(error: BilingualError) -> None:
            if not handle.cancelled:
                self.online_finished(handle)
                (failure or self._on_input_error)(error)

        self._submit(self._ctx.lanes.online, call, done, refused, handle)
        return handle

    def online_finished(self, handle: OnlineCall) -> None:
        if handle in self.online_calls:
            self.online_calls.remove(handle)
            self.online_ended.emit(handle)

    def watch(
        self,
        start: Callable[[AppContext], Future[T]],
        *,
        success: Callable[[T], None] | None = None,
        failure: Failure | None = None,
    ) -> None:
        """Deliver the result of work a service starts on a lane of its own (a device)."""
        self._begin()
        try:
            future = start(self._ctx)
        except BaseException as exc:
            future = Future()
            future.set_exception(exc)
        future.add_done_callback(lambda f: self._inbox.post(self._deliver, f, success, failure))

    def _submit(
        self,
        lane: Lane,
        call: Callable[[AppContext], T],
        success: Callable[[T], None] | None,
        failure: Failure | None,
        handle: OnlineCall | None = None,
    ) -> None:
        self._begin()
        try:
            future = lane.submit(call, self._ctx)
        except RuntimeError as exc:  # the lane is shut: the window is closing
            future = Future()
            future.set_exception(exc)
        # Always through the inbox: delivered on a later turn, on the GUI thread.
        future.add_done_callback(
            lambda f: self._inbox.post(self._deliver, f, success, failure, handle)
        )

    def _begin(self) -> None:
        with self._lock:
            self._in_flight += 1

    # ---- delivering ------------------------------------------------------------------

    def busy(self) -> bool:
        """True while a submitted call has not yet been delivered (tests wait on this)."""
        with self._lock:
            return self._in_flight > 0

    def _deliver(
        self,
        future: Future[Any],
        success: Success | None,
        failure: Failure | None,
        handle: OnlineCall | None = None,
    ) -> None:
        with self._lock:
            self._in_flight -= 1
        error = future.exception()
        try:
            if error is None:
                if success is not None:
                    success(future.result())
            elif isinstance(error, BilingualError):
                (failure or self._on_input_error)(error)
            else:
                log.error("operation failed", exc_info=error)
                if handle is not None:
                    self.online_finished(handle)
                self._on_unexpected(error)
        except Exception:
            log.exception("a screen's handler failed after the operation")
            self._on_unexpected(RuntimeError("handler failed"))
