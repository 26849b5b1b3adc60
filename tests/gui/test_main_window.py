"""The counter window driven by keyboard, as a clerk would, in Arabic and in English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from counter_app.domain.text import to_arabic_indic
from counter_app.ui.main_window import MainWindow
from counter_app.ui.screens.shift import ShiftOpenDialog
from tests.gui.conftest import screenshot

pytestmark = pytest.mark.gui


def sign_in(qtbot: QtBot, window: MainWindow, username: str, pin: str) -> None:
    qtbot.keyClicks(window.sign_in.username, username)
    qtbot.keyClick(window.sign_in.username, Qt.Key.Key_Return)
    assert window.sign_in.pin.hasFocus()
    qtbot.keyClicks(window.sign_in.pin, pin)
    qtbot.keyClick(window.sign_in.pin, Qt.Key.Key_Return)
    count_float(qtbot, window)


def count_float(qtbot: QtBot, window: MainWindow) -> None:
    """Signed in with no shift open: the float dialog asks for the count. The drawer holds
    what the last close left (the dialog starts from it): Ctrl+Enter opens the shift."""
    settle(qtbot, window)
    if window.pages.currentIndex() != 1 or window.shift_open:
        return
    qtbot.waitUntil(
        lambda: window.shift_open or isinstance(window.visit.dialog, ShiftOpenDialog),
        timeout=5000,
    )
    dialog = window.visit.dialog
    if isinstance(dialog, ShiftOpenDialog):
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
        qtbot.keyClick(dialog.grid.first(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.shift_open, timeout=5000)
        settle(qtbot, window)


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type text key by key. QTest maps only Latin-1 characters to keys, so other characters
    (Arabic-Indic digits from an Arabic keyboard layout) are sent as key events with text."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def settle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.ops.busy(), timeout=5000)


def left_edge(widget: QWidget, window: MainWindow) -> int:
    return widget.mapTo(window, QPoint(0, 0)).x()


def test_arabic_window_is_right_to_left_and_serves_a_citizen(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("ar")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    settle(qtbot, window)
    screenshot(window, "sign-in-ar")

    sign_in(qtbot, window, "mona", "0000")
    settle(qtbot, window)
    assert window.pages.currentIndex() == 0
    assert "PIN is wrong" in window.messages.text()

    # After a wrong PIN the username stays and the PIN field has the focus: retype the PIN.
    assert window.sign_in.pin.hasFocus() and window.sign_in.pin.text() == ""
    qtbot.keyClicks(window.sign_in.pin, "1234")
    qtbot.keyClick(window.sign_in.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=5000)
    count_float(qtbot, window)
    assert "منى عبد الرحمن" in window.status.clerk.text()

    # Queue panel first in reading order: on the right in Arabic.
    assert left_edge(window.queue, window) > left_edge(window.identity, window)

    for _ in range(2):
        qtbot.keyClick(window, Qt.Key.Key_F4)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: to_arabic_indic("2") in window.queue.waiting.text(), timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(
        lambda: window.queue.current.text() == "م " + to_arabic_indic("1"), timeout=5000
    )
    settle(qtbot, window)

    waiting_before = window.status.waiting.text()
    window.identity.national_id.setFocus()
    type_text(qtbot, window.identity.national_id, "٢٩٠١٣٠١٢٨٠١٢٣٥")  # month 13
    qtbot.keyClick(window.identity.national_id, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "does not exist" in window.messages.text(), timeout=5000)
    assert "غير موجود" in window.messages.text()
    assert window.messages.kind == "error"
    settle(qtbot, window)
    assert window.status.waiting.text() == waiting_before  # refused input wrote nothing

    window.identity.national_id.clear()
    type_text(qtbot, window.identity.national_id, "290010128٠١٢٣٥")  # mixed digits
    qtbot.keyClick(window.identity.national_id, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.identity.place.text() == "أسوان", timeout=5000)
    assert window.identity.gender.text() == "ذكر"
    assert window.identity.birth.text() == to_arabic_indic("01/01/1990")
    assert window.messages.kind == "notice"
    assert window.identity.number.text() == "\u200e2900101******5\u200e"
    qtbot.waitUntil(lambda: window.status.waiting.text() != waiting_before, timeout=5000)
    screenshot(window, "counter-ar")

    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: window.queue.current.text() == "—", timeout=5000)


def test_calling_twice_without_finishing_is_refused_with_a_message(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    sign_in(qtbot, window, "mona", "1234")
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    settle(qtbot, window)
    assert "Nobody is waiting" in window.messages.text()
    qtbot.keyClick(window, Qt.Key.Key_F4)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: "Finish ticket T-1" in window.messages.text(), timeout=5000)
    qtbot.waitUntil(lambda: window.queue.current.text() == "T-1", timeout=5000)


def test_english_window_is_left_to_right(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    sign_in(qtbot, window, "mona", "1234")
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=5000)
    settle(qtbot, window)
    assert left_edge(window.queue, window) < left_edge(window.identity, window)
    assert window.status.clerk.text() == "Clerk: منى عبد الرحمن"
    assert window.status.connection.text().startswith("Not enrolled with HQ")
    screenshot(window, "counter-en")


def test_f4_prints_the_ticket_and_a_printer_fault_is_explained(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    from peripherals.receipt_printer import SimulatedReceiptPrinter

    window = counter_window("en")
    sign_in(qtbot, window, "mona", "1234")
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=5000)
    printer = window.ops._ctx.receipt_printer
    assert isinstance(printer, SimulatedReceiptPrinter)
    qtbot.keyClick(window, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: printer.printed_count() == 1, timeout=5000)
    assert "Ticket T-1 issued" in window.messages.text()
    printer.set_fault("cover_open")
    qtbot.keyClick(window, Qt.Key.Key_F4)
    qtbot.waitUntil(
        lambda: "Ticket T-2 issued, not printed" in window.messages.text(), timeout=5000
    )
    assert "cover is open" in window.messages.text()
    assert "أصلح الطابعة" in window.messages.text()
    # The whole message fits: the label is as tall as its wrapped text needs.
    label = window.messages.message
    assert label.height() >= label.heightForWidth(label.width())
    qtbot.waitUntil(lambda: "cover open" in window.status.printer.text(), timeout=5000)
    qtbot.waitUntil(lambda: window.queue.waiting.text() == "Waiting: 2", timeout=5000)
    screenshot(window, "printer-fault-en")
