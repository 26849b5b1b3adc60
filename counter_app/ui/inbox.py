"""How work done on other threads reaches the GUI thread, without Qt on those threads.

PySide6 6.12.0 on Python 3.11 aborts the process (`Fatal Python error: bool_dealloc`)
after a few thousand signal emissions from a worker thread, whatever the signal carries;
`QCoreApplication.postEvent` from a thread dies the same way. So no worker thread calls
into Qt at all: it appends a callable to a plain deque and writes one byte to a socket
pair. The GUI thread watches the other end with a `QSocketNotifier` and runs what waits,
in order. Only the operating system crosses the threads.

Everything delivered this way runs on a later turn of the event loop, never inside the
call that posted it: a result can never arrive before its callbacks are attached.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier

log = logging.getLogger(__name__)


class GuiInbox(QObject):
    """A queue of calls for the GUI thread; `post` may be called from any thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._calls: collections.deque[tuple[Callable[..., Any], tuple[Any, ...]]] = (
            collections.deque()
        )
        self._receiver, self._sender = socket.socketpair()
        self._receiver.setblocking(False)
        self._sender.setblocking(False)
        self._signalled = threading.Event()  # one wake-up byte in flight is enough
        self._closed = False
        self._notifier = QSocketNotifier(self._receiver.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def post(self, call: Callable[..., Any], *args: Any) -> None:
        """Run `call(*args)` on the GUI thread, after everything posted before it."""
        if self._closed:
            return
        self._calls.append((call, args))
        if not self._signalled.is_set():
            self._signalled.set()
            # A full buffer means a byte is already waiting; a closed one, the window closed.
            with contextlib.suppress(OSError):
                self._sender.send(b"\0")

    def _drain(self, *_args: object) -> None:
        try:
            while self._receiver.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass
        self._signalled.clear()
        while self._calls:
            call, args = self._calls.popleft()
            try:
                call(*args)
            except Exception:
                # A failing handler is a bug to fix, never a reason to stop delivering.
                log.exception("handler on the GUI thread failed: %r", call)

    def close(self) -> None:
        self._closed = True
        self._notifier.setEnabled(False)
        self._receiver.close()
        self._sender.close()
