"""Identity from scanners and readers at the real window: a keyboard-wedge burst anywhere
fills the national ID, an MRZ burst fills the passport form, a serial reader's lines do the
same, a queue ticket's QR calls it, and garbage is refused in words with nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from counter_app.ui.main_window import MainWindow
from peripherals.scanner import SimulatedLineDevice
from tests.gui.conftest import screenshot, show_window
from tests.gui.test_main_window import settle
from tests.gui.test_visit_and_session import NID, journal_head, signed_in
from tests.helpers import open_demo
from tests.unit.test_mrz import LINE1, line2_with

pytestmark = pytest.mark.gui
PASSPORT = (LINE1, line2_with("740812", "320101"))


def burst(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """A keyboard-wedge scanner: the whole code in a few milliseconds, then Enter, into
    whatever has the focus (as the keyboard would deliver it)."""
    for ch in text:
        qtbot.keyClicks(QApplication.focusWidget() or window, ch)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Return)


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    ctx = open_demo(tmp_path / "w", sign_in=False)
    ctx.mrz_reader = SimulatedLineDevice()  # a passport reader on a serial port
    shown = show_window(qtbot, ctx, "en")
    signed_in(qtbot, shown)
    yield shown
    shown.close()
    ctx.close()


def test_a_scanner_burst_anywhere_fills_and_captures_the_national_id(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.identity.national_id.clearFocus()  # the clerk last clicked somewhere else
    assert QApplication.focusWidget() is None
    burst(qtbot, window, NID)
    qtbot.waitUntil(lambda: window.identity.place.text() == "Aswan", timeout=5000)
    assert window.identity.number.text().strip("\u200e").startswith(NID[:4])


def test_an_mrz_burst_fills_the_passport_form_and_a_bad_one_names_its_field(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.identity.national_id.setFocus()
    burst(qtbot, window, PASSPORT[0])
    burst(qtbot, window, PASSPORT[1])
    qtbot.waitUntil(lambda: window.identity.holder.text() != "", timeout=5000)
    assert "ERIKSSON, ANNA MARIA" in window.identity.holder.text()
    assert window.identity.national_id.text() == ""  # nothing left in the ID field
    screenshot(window, "scan-1-passport")
    expired = (LINE1, line2_with("740812", "200101"))
    burst(qtbot, window, expired[0])
    burst(qtbot, window, expired[1])
    qtbot.waitUntil(lambda: "expired" in window.messages.text(), timeout=5000)
    assert "expiry date" in window.messages.text() and window.identity.holder.text() == ""


def test_a_serial_passport_reader_fills_the_form(qtbot: QtBot, window: MainWindow) -> None:
    reader = window.ctx.mrz_reader
    assert isinstance(reader, SimulatedLineDevice)
    reader.scan(*PASSPORT)
    qtbot.waitUntil(lambda: "ERIKSSON" in window.identity.holder.text(), timeout=5000)


def test_garbage_bursts_are_refused_and_change_nothing_but_typing_is_typing(
    qtbot: QtBot, window: MainWindow
) -> None:
    settle(qtbot, window)
    before = journal_head(window)
    window.identity.national_id.clearFocus()
    burst(qtbot, window, "X7#PQ-2231-ZZ9")
    qtbot.waitUntil(lambda: "not understood" in window.messages.text(), timeout=5000)
    assert window.messages.kind == "error"
    window.identity.national_id.setFocus()
    burst(qtbot, window, "1234567890123456789")  # 19 digits into the ID field itself
    qtbot.waitUntil(lambda: "19 characters" in window.messages.text(), timeout=5000)
    assert window.identity.national_id.text() == ""  # taken back out
    settle(qtbot, window)
    assert journal_head(window) == before
    # The same keys typed by a person are typing: they stay where they were typed.
    window.identity.national_id.setFocus()
    qtbot.keyClicks(window.identity.national_id, "2900101", delay=60)
    assert window.identity.national_id.text() == "2900101"


def test_a_scanned_queue_ticket_is_called_to_this_window(qtbot: QtBot, window: MainWindow) -> None:
    ctx = window.ctx
    for group in ("T", "C"):
        ctx.queue.issue_ticket(group, kiosk=True)
    day = ctx.clock.stamp().business_day
    burst(qtbot, window, f"CQ1|ASW-0101|{day}|C-1")
    qtbot.waitUntil(lambda: window.queue.current.text() == "C-1", timeout=5000)
    key_f3 = Qt.Key.Key_F3
    qtbot.keyClick(window, key_f3)
    settle(qtbot, window)
    burst(qtbot, window, "CQ1|ASW-0101|2020-01-01|T-1")  # yesterday's paper
    qtbot.waitUntil(
        lambda: "not of this office or of today" in window.messages.text(), timeout=5000
    )
