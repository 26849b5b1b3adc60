"""Typed events from the core, and the bus that carries them.

Events are dataclasses, never strings, so a misspelt event is an import error rather
than a silent no-op (Electrum's string-named events failed that way). Subscribers run on
the publishing thread; the UI's bridge re-emits them on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from peripherals.base import DeviceState

__all__ = [
    "ClerkSignedIn",
    "ClerkSignedOut",
    "DeviceState",
    "Event",
    "EventBus",
    "JournalAppended",
    "PrinterStateChanged",
    "SyncProgressed",
    "SyncStateChanged",
    "TicketCalled",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JournalAppended:
    seq: int
    entry_type: str
    waiting_to_sync: int


@dataclass(frozen=True)
class ClerkSignedIn:
    username: str
    display_name: str
    role: str


@dataclass(frozen=True)
class ClerkSignedOut:
    username: str


@dataclass(frozen=True)
class PrinterStateChanged:
    device: str
    state: DeviceState


@dataclass(frozen=True)
class SyncStateChanged:
    online: bool
    enrolled: bool
    last_sync: str | None
    waiting_to_sync: int
    last_error: str | None
    clock_offset_s: float | None = None


@dataclass(frozen=True)
class SyncProgressed:
    sent: int
    total: int


@dataclass(frozen=True)
class TicketCalled:
    number: int
    service: str
    window: int


Event = (
    JournalAppended
    | ClerkSignedIn
    | ClerkSignedOut
    | PrinterStateChanged
    | SyncStateChanged
    | SyncProgressed
    | TicketCalled
)
Subscriber = Callable[[Event], None]


class EventBus:
    """Thread-safe publish/subscribe. A failing subscriber is logged, never fatal."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, event: Event) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber failed on %s", type(event).__name__)
