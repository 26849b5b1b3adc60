"""The one bridge from core events to widgets: typed events handed to the GUI thread.

Events are published on whichever thread did the work; the bridge posts each to the GUI
inbox (never a Qt call on that thread, see `inbox.py`), and runs the handlers registered
for its class there.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from counter_app.services.events import Event, EventBus
from counter_app.ui.inbox import GuiInbox

E = TypeVar("E")
log = logging.getLogger(__name__)


class EventBridge:
    """Subscribes to the bus; handlers registered per event class run on the GUI thread."""

    def __init__(self, bus: EventBus, inbox: GuiInbox) -> None:
        self._handlers: dict[type, list[Callable[[Any], None]]] = defaultdict(list)
        self._inbox = inbox
        self.delivered = 0
        self._unsubscribe = bus.subscribe(lambda event: inbox.post(self._dispatch, event))

    def on(self, event_type: type[E], handler: Callable[[E], None]) -> None:
        self._handlers[event_type].append(handler)

    def _dispatch(self, event: Event) -> None:
        self.delivered += 1
        for handler in self._handlers.get(type(event), []):
            try:
                handler(event)
            except Exception:  # one screen's bug must not starve the others of the event
                log.exception("handler for %s failed", type(event).__name__)

    def close(self) -> None:
        self._unsubscribe()
