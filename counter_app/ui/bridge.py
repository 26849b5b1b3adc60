"""The one bridge from core events to widgets: typed events re-emitted on the GUI thread."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from counter_app.services.events import Event, EventBus

E = TypeVar("E")


class EventBridge(QObject):
    """Subscribes to the bus; handlers registered per event class run on the GUI thread."""

    _relay = Signal(object)

    def __init__(self, bus: EventBus) -> None:
        super().__init__()
        self._handlers: dict[type, list[Callable[[Any], None]]] = defaultdict(list)
        # Emitted from whichever thread published; Qt queues it to this object's thread.
        self._relay.connect(self._dispatch)
        self._unsubscribe = bus.subscribe(self._relay.emit)

    def on(self, event_type: type[E], handler: Callable[[E], None]) -> None:
        self._handlers[event_type].append(handler)

    def _dispatch(self, event: Event) -> None:
        for handler in self._handlers.get(type(event), []):
            handler(event)

    def close(self) -> None:
        self._unsubscribe()
