"""The status bar: HQ link in words, entries waiting to sync, printer state, the clerk.

Every state reads as a sentence a clerk can act on, in the window's language: not
enrolled, online and when last synced, offline since when, HQ refused and why, sync
stopped and why, the clock is off. Never a Python exception.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from counter_app.domain.business_time import cairo_local
from counter_app.domain.caps import CapStanding
from counter_app.domain.money import Money
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
BAD = "color: #b00020; font-weight: bold;"


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
        self.clock.setStyleSheet(BAD)
        self.clock.hide()
        # Near an unsynced cap, and HQ's instructions waiting: shown only when they are so.
        self.caps = named(QLabel(), "status_caps")
        self.caps.setStyleSheet(BAD)
        self.caps.hide()
        self.instructions = named(QLabel(), "status_instructions")
        self.instructions.setStyleSheet(
            "background: #b00020; color: white; font-weight: bold; border-radius: 8px;"
        )
        self.instructions.hide()
        self.tamper = named(QLabel(), "status_tamper")
        self.tamper.setStyleSheet("background: #b00020; color: white; font-weight: bold;")
        self.tamper.hide()
        # The link state takes the stretchable side, so a long state never pushes the
        # printer and clerk off the bar; those keep their place as permanent widgets.
        self.connection.setContentsMargins(8, 0, 8, 0)
        self.addWidget(self.connection, 1)
        for label in (
            self.tamper,
            self.instructions,
            self.caps,
            self.clock,
            self.waiting,
            self.printer,
            self.clerk,
        ):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        self.show_printer(DeviceState.UNKNOWN)
        bridge.on(JournalAppended, lambda e: self.show_waiting(e.waiting_to_sync))
        bridge.on(PrinterStateChanged, lambda e: self.show_printer(e.state))
        bridge.on(ClerkSignedIn, lambda e: self.show_clerk(e.display_name))
        bridge.on(ClerkSignedOut, lambda e: self.show_clerk(None))
        bridge.on(SyncStateChanged, self.show_sync)
        bridge.on(SyncProgressed, self._progress)

    def apply(self, snapshot: StatusSnapshot) -> None:
        self.show_sync(snapshot.link)
        self.show_waiting(snapshot.waiting_to_sync)
        self.show_clerk(snapshot.clerk_name)
        # The printer's state comes from the printer itself (PrinterStateChanged), asked on
        # its own lane: a snapshot read meanwhile must not overwrite the answer.

    def show_sync(self, state: SyncStateChanged) -> None:
        text, bad = self._link_text(state)
        self.connection.setText(text)
        self.connection.setStyleSheet(BAD if bad else "")
        self.show_waiting(state.waiting_to_sync)
        offset = state.clock_offset_s
        if offset is not None and abs(offset) > CLOCK_WARNING_S:
            self.clock.setText(tr("status_clock", self._lang, minutes=round(abs(offset) / 60)))
            self.clock.show()
        else:
            self.clock.hide()

    def _link_text(self, state: SyncStateChanged) -> tuple[str, bool]:
        lang = self._lang
        if state.link == "not_enrolled":
            return tr("status_not_enrolled_hint", lang), True
        if state.link in ("refused", "problem"):
            reason = (state.problem_ar if lang == "ar" else state.problem_en) or ""
            return tr("status_refused", lang, reason=reason), True
        if state.link == "offline":
            since = self._time(state.offline_since) if state.offline_since else "?"
            text = tr("status_offline_since", lang, time=since)
        elif state.link == "online":
            text = tr("status_online", lang)
        else:
            text = tr("status_offline", lang)
        if state.last_sync:
            text += " - " + tr("status_last_sync", lang, time=self._time(state.last_sync))
        else:
            text += " - " + tr("status_never_synced", lang)
        return text, state.link == "offline"

    def _time(self, iso: str) -> str:
        when = cairo_local(datetime.fromisoformat(iso)).strftime("%H:%M")
        return to_arabic_indic(when) if self._lang == "ar" else when

    def _progress(self, event: SyncProgressed) -> None:
        self.connection.setText(
            tr("status_syncing", self._lang, sent=event.sent, total=event.total)
        )

    def show_waiting(self, count: int) -> None:
        self.waiting.setText(tr("status_waiting", self._lang, n=count))

    def show_instructions(self, count: int) -> None:
        """The inbox badge: how many of HQ's instructions wait for the clerk's answer."""
        self.instructions.setText(tr("status_instructions", self._lang, n=count))
        self.instructions.setVisible(count > 0)

    def show_tamper(self, seq: int | None) -> None:
        """While a tamper finding waits for a supervisor, the bar says so."""
        if seq is not None:
            self.tamper.setText(tr("status_tamper", self._lang, seq=seq))
        self.tamper.setVisible(seq is not None)

    def show_caps(self, standing: CapStanding) -> None:
        """From 80% of a cap the clerk sees how close the window is, and what to do."""
        parts = []
        if standing.cash_near:
            cash, cap = Money(standing.cash), Money(standing.cash_cap)
            parts.append(
                tr(
                    "status_caps_cash",
                    self._lang,
                    cash=cash.format(self._lang),
                    cap=cap.format(self._lang),
                )
            )
        if standing.certificates_near:
            parts.append(
                tr(
                    "status_caps_certificates",
                    self._lang,
                    n=standing.certificates,
                    cap=standing.certificates_cap,
                )
            )
        if parts:
            parts.append(tr("status_caps_sync", self._lang))
        self.caps.setText(" - ".join(parts))
        self.caps.setVisible(bool(parts))

    def show_printer(self, state: DeviceState) -> None:
        text = tr(f"printer_{state.value}", self._lang)
        self.printer.setText(tr("status_printer", self._lang, state=text))
        bad = state is not DeviceState.READY
        self.printer.setStyleSheet(BAD if bad else "")

    def show_clerk(self, name: str | None) -> None:
        self.clerk.setText(
            tr("status_clerk", self._lang, name=name) if name else tr("status_no_clerk", self._lang)
        )
