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
    "SessionLocked",
    "StoreChanged",
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
class StoreChanged:
    """One committed transaction, by the kinds of entry it recorded: what screens refresh
    from ("ticket.called" changes the queue; "clerk.signed_out" ends the visit)."""

    entry_types: frozenset[str]

    def touches(self, *prefixes: str) -> bool:
        """True when an entry type starts with one of `prefixes` ("ticket." or "shift.")."""
        return any(t.startswith(prefixes) for t in self.entry_types)


@dataclass(frozen=True)
class ClerkSignedIn:
    username: str
    display_name: str
    role: str


@dataclass(frozen=True)
class ClerkSignedOut:
    username: str


@dataclass(frozen=True)
class SessionLocked:
    username: str
    reason: str  # "idle" or "shortcut"


@dataclass(frozen=True)
class PrinterStateChanged:
    device: str
    state: DeviceState


@dataclass(frozen=True)
class SyncStateChanged:
    """The link to HQ as a clerk should read it. `link` is one of:
    "not_enrolled", "unknown" (not tried yet), "online", "offline" (HQ not reached, since
    `offline_since`), "refused" (HQ answered no) or "problem" (sync stopped for a reason a
    person must look at); `problem_ar`/`problem_en` say what, in words."""

    link: str
    last_sync: str | None
    waiting_to_sync: int
    offline_since: str | None = None
    problem_ar: str | None = None
    problem_en: str | None = None
    clock_offset_s: float | None = None

    @property
    def enrolled(self) -> bool:
        return self.link != "not_enrolled"

    @property
    def online(self) -> bool:
        return self.link in ("online", "refused", "problem")


@dataclass(frozen=True)
class SyncProgressed:
    sent: int
    total: int


@dataclass(frozen=True)
class TicketCalled:
    """A ticket called (or called again) to a window: the display shows it, the speaker says it."""

    label: str
    letter_ar: str
    number: int
    window: int


Event = (
    JournalAppended
    | StoreChanged
    | ClerkSignedIn
    | ClerkSignedOut
    | SessionLocked
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
