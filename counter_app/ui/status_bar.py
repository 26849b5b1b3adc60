"""The status bar: HQ link, entries waiting to sync, printer state, and who is signed in."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from counter_app.domain.business_time import cairo_local
from counter_app.domain.text import to_arabic_indic
from counter_app.services.events import (
    ClerkSignedIn,
    ClerkSignedOut,
    DeviceState,
    JournalAppended,
    PrinterStateChanged,
    SyncProgressed,
    SyncStateChanged,
)
from counter_app.services.status import StatusSnapshot
from counter_app.ui.bridge import EventBridge
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named

CLOCK_WARNING_S = 300


class CounterStatusBar(QStatusBar):
    def __init__(self, lang: str, bridge: EventBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lang = lang
        self.setSizeGripEnabled(False)
        self.connection = named(QLabel(), "status_connection")
        self.waiting = named(QLabel(), "status_waiting")
        self.printer = named(QLabel(), "status_printer")
        self.clerk = named(QLabel(), "status_clerk")
        self.clock = named(QLabel(), "status_clock")
        self.clock.setStyleSheet("color: #b00020; font-weight: bold;")
        self.clock.hide()
        # The link state takes the stretchable side, so a long state never pushes the
        # printer and clerk off the bar; those keep their place as permanent widgets.
        self.connection.setContentsMargins(8, 0, 8, 0)
        self.addWidget(self.connection, 1)
        for label in (self.clock, self.waiting, self.printer, self.clerk):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        bridge.on(JournalAppended, lambda e: self.show_waiting(e.waiting_to_sync))
        bridge.on(PrinterStateChanged, lambda e: self.show_printer(e.state))
        bridge.on(ClerkSignedIn, lambda e: self.show_clerk(e.display_name))
        bridge.on(ClerkSignedOut, lambda e: self.show_clerk(None))
        bridge.on(SyncStateChanged, self.show_sync)
        bridge.on(SyncProgressed, self._progress)

    def apply(self, snapshot: StatusSnapshot) -> None:
        self._connection(
            snapshot.enrolled, snapshot.online, snapshot.last_sync, snapshot.last_error
        )
        self.show_waiting(snapshot.waiting_to_sync)
        self.show_printer(snapshot.printer)
        self.show_clerk(snapshot.clerk_name)

    def show_sync(self, event: SyncStateChanged) -> None:
        self._connection(event.enrolled, event.online, event.last_sync, event.last_error)
        self.show_waiting(event.waiting_to_sync)
        offset = event.clock_offset_s
        if offset is not None and abs(offset) > CLOCK_WARNING_S:
            self.clock.setText(tr("status_clock", self._lang, minutes=round(abs(offset) / 60)))
            self.clock.show()
        else:
            self.clock.hide()

    def _connection(
        self, enrolled: bool, online: bool, last_sync: str | None, error: str | None
    ) -> None:
        if not enrolled:
            self.connection.setText(tr("status_not_enrolled", self._lang))
            self.connection.setToolTip("")
            return
        state = tr("status_online" if online else "status_offline", self._lang)
        if last_sync:
            when = cairo_local(datetime.fromisoformat(last_sync)).strftime("%H:%M")
            when = to_arabic_indic(when) if self._lang == "ar" else when
            state += " - " + tr("status_last_sync", self._lang, time=when)
        else:
            state += " - " + tr("status_never_synced", self._lang)
        self.connection.setText(state)
        self.connection.setToolTip(error or "")

    def _progress(self, event: SyncProgressed) -> None:
        self.connection.setText(
            tr("status_syncing", self._lang, sent=event.sent, total=event.total)
        )

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
