"""The status bar: HQ link, entries waiting to sync, printer state, and who is signed in."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from counter_app.services.events import (
    ClerkSignedIn,
    ClerkSignedOut,
    DeviceState,
    JournalAppended,
    PrinterStateChanged,
)
from counter_app.services.status import StatusSnapshot
from counter_app.ui.bridge import EventBridge
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named


class CounterStatusBar(QStatusBar):
    def __init__(self, lang: str, bridge: EventBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self.setSizeGripEnabled(False)
        self.connection = named(QLabel(), "status_connection")
        self.waiting = named(QLabel(), "status_waiting")
        self.printer = named(QLabel(), "status_printer")
        self.clerk = named(QLabel(), "status_clerk")
        for label in (self.connection, self.waiting, self.printer, self.clerk):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        bridge.on(JournalAppended, lambda e: self.show_waiting(e.waiting_to_sync))
        bridge.on(PrinterStateChanged, lambda e: self.show_printer(e.state))
        bridge.on(ClerkSignedIn, lambda e: self.show_clerk(e.display_name))
        bridge.on(ClerkSignedOut, lambda e: self.show_clerk(None))

    def apply(self, snapshot: StatusSnapshot) -> None:
        if not snapshot.enrolled:
            self.connection.setText(tr("status_not_enrolled", self._lang))
        else:
            key = "status_online" if snapshot.online else "status_offline"
            self.connection.setText(tr(key, self._lang))
        self.show_waiting(snapshot.waiting_to_sync)
        self.show_printer(snapshot.printer)
        self.show_clerk(snapshot.clerk_name)

    def show_waiting(self, count: int) -> None:
        self.waiting.setText(tr("status_waiting", self._lang, n=count))

    def show_printer(self, state: DeviceState) -> None:
        text = tr(f"printer_{state.value}", self._lang)
        self.printer.setText(tr("status_printer", self._lang, state=text))
        bad = state is not DeviceState.READY
        self.printer.setStyleSheet("color: #b00020; font-weight: bold;" if bad else "")

    def show_clerk(self, name: str | None) -> None:
        self.clerk.setText(
            tr("status_clerk", self._lang, name=name) if name else tr("status_no_clerk", self._lang)
        )
