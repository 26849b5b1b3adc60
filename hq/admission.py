"""How many journal pushes one HQ process works on at once, and a 503 past what it can take.

At the end-of-day burst, pushes that HQ cannot start at once used to queue for its threads
until the windows' clients gave up; every timeout then uploaded and hashed the same entries
again, which made the queue longer. Now a process works on at most `limit` pushes and lets
at most `queue` more wait (waiting costs no thread: it is on the event loop). Past that it
answers 503 with `Retry-After`: at the request's head when it is already full, before the
body is read, or, if it filled while the body was arriving, once the body is in. The
seconds it asks for are the time it needs for what it holds, from the pushes it has just
finished, spread so that the windows it turned away do not come back together. The window's
client already waits what `Retry-After` says and sends the same entries again; HQ keeps each
entry once (its key is the window and the entry's number).
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from hq.errors import HqError

# Pushes in threads at once, a process. Their work holds the interpreter lock; more of them
# starve the event loop that reads the other windows' bodies (the burst bench measured it).
DEFAULT_LIMIT = 3
DEFAULT_QUEUE = 64


class Busy(HqError):
    """503: HQ holds as much as it can work through soon; try again after `retry_after`."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "busy",
            f"المركز الرئيسي مشغول؛ ستُعاد المحاولة تلقائيًا بعد {retry_after} ثانية.",
            f"HQ is busy; the window tries again in {retry_after} s.",
            status=503,
        )
        self.retry_after = retry_after


class Admission:
    """The pushes one process is working on and those waiting, and when to say 503."""

    def __init__(
        self,
        limit: int = DEFAULT_LIMIT,
        queue: int = DEFAULT_QUEUE,
        clock: Callable[[], float] = time.monotonic,
        spread: Callable[[], float] = random.random,
    ) -> None:
        if limit < 1 or queue < 0:
            raise ValueError("limit is at least 1 and queue at least 0")
        self.limit = limit
        self.queue = queue
        self._clock = clock
        self._spread = spread
        self._lock = threading.Lock()
        self.working = 0
        self.waiting = 0
        self.refused = 0
        self._push_s = 0.05  # a push's time in the thread, averaged over the last few
        self._slots: asyncio.Semaphore | None = None

    def full(self) -> bool:
        with self._lock:
            return self.working + self.waiting >= self.limit + self.queue

    def retry_after(self) -> int:
        """Seconds until what HQ holds now is done, times 1 to 2 so the returns spread."""
        with self._lock:
            held = self.working + self.waiting
            drain = held * self._push_s / self.limit
        return max(1, math.ceil(drain * (1 + self._spread())))

    def refuse(self) -> Busy:
        """A push turned away (counted), with the seconds it should wait."""
        with self._lock:
            self.refused += 1
        return Busy(self.retry_after())

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait (on the event loop) for one of the `limit` places, or raise Busy if the
        queue is full."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        if self.full():
            raise self.refuse()
        with self._lock:
            self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            with self._lock:
                self.waiting -= 1
        with self._lock:
            self.working += 1
        start = self._clock()
        try:
            yield
        finally:
            took = self._clock() - start
            with self._lock:
                self.working -= 1
                self._push_s = 0.8 * self._push_s + 0.2 * took
            self._slots.release()
