"""The rules around money on the real window, by keyboard: Enter pressed many times while
the write lane is slow makes one payment; a void needs another person's supervisor
credentials and says what is approved; wrong PINs lock the account; the screen locks when
idle and another clerk can take over without closing the shift."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from counter_app.domain.money import Money
from counter_app.domain.visit import VisitLine
from counter_app.services.session import LOCKOUT_AFTER
from counter_app.ui.main_window import LOCK_PAGE, MainWindow
from counter_app.ui.screens.approval import VoidDialog
from counter_app.ui.screens.tender import TenderDialog
from tests.gui.conftest import screenshot
from tests.gui.test_journey import back_at_counter, dialog, press, shot, typed
from tests.gui.test_main_window import settle
from tests.gui.test_visit_and_session import key, signed_in

pytestmark = pytest.mark.gui
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def payments(window: MainWindow) -> int:
    with window.ctx.db.read() as tx:
        day = tx.journal.get(tx.journal.head()[0]).business_day
        return len(tx.payments.on_day(day))


def a_fee_in_the_visit(window: MainWindow, piastres: int = 2500) -> None:
    service = window.ctx.catalogue.current().service("traffic_fines")
    window.ctx.visit.add([VisitLine(service.code, "رسم", "Fee", Money(piastres))])
    window.visit.refresh()


def paid_in_cash(qtbot: QtBot, window: MainWindow) -> int:
    a_fee_in_the_visit(window)
    key(qtbot, window, Qt.Key.Key_F8)
    dialog(qtbot, window, TenderDialog)
    press(qtbot, Qt.Key.Key_Return)
    back_at_counter(qtbot, window, timeout=20000)
    settle(qtbot, window)
    with window.ctx.db.read() as tx:
        return int(tx.fact("receipt.last_number") or 0)


def test_enter_many_times_on_pay_with_a_slow_write_lane_is_one_payment(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    signed_in(qtbot, window)
    a_fee_in_the_visit(window)
    key(qtbot, window, Qt.Key.Key_F8)
    tender = dialog(qtbot, window, TenderDialog)
    assert isinstance(tender, TenderDialog)
    release = threading.Event()
    window.ctx.lanes.write.submit(release.wait)  # the store is slow to answer
    for _ in range(12):
        qtbot.keyClick(tender.cash, Qt.Key.Key_Return)
    shot(window, "pay-slow-write-lane-en")
    assert tender.paying and not tender.confirm.isEnabled()
    qtbot.keyClick(tender.cash, Qt.Key.Key_Escape)  # a confirmed payment is not cancelled
    assert window.visit.dialog is tender and tender.paying
    assert "cannot be cancelled" in tender.messages.text()
    release.set()
    back_at_counter(qtbot, window, timeout=20000)
    settle(qtbot, window)
    assert payments(window) == 1
    assert "Paid: receipt 1" in window.messages.text()
    # The basket was paid and emptied: Pay again has nothing to take.
    key(qtbot, window, Qt.Key.Key_F8)
    assert window.visit.dialog is None and payments(window) == 1


def test_a_void_needs_another_supervisor_and_wrong_pins_lock_the_account(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("ar")
    signed_in(qtbot, window)
    receipt = paid_in_cash(qtbot, window)

    key(qtbot, window, Qt.Key.Key_V, CTRL_SHIFT)
    void = dialog(qtbot, window, VoidDialog)
    assert isinstance(void, VoidDialog)
    typed(qtbot, str(receipt))
    press(qtbot, Qt.Key.Key_Return)
    typed(qtbot, "خطأ في المبلغ")
    qtbot.waitUntil(lambda: "إلغاء الإيصال رقم" in void.what.text(), timeout=5000)
    assert "٢٥٫٠٠" in void.what.text() or "٢٥,٠٠" in void.what.text()  # what is approved
    press(qtbot, Qt.Key.Key_Return)

    # The clerk's own credentials approve nothing.
    typed(qtbot, "mona")
    press(qtbot, Qt.Key.Key_Return)
    typed(qtbot, "1234")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: void.messages.kind == "error", timeout=5000)
    assert "not a supervisor" in void.messages.text()  # mona is a clerk
    shot(window, "void-own-credentials-ar")

    # A supervisor's wrong PIN, again and again: the account locks.
    void.username.setText("ahmed")
    for _ in range(LOCKOUT_AFTER):
        void.pin.setFocus()
        typed(qtbot, "0000")
        press(qtbot, Qt.Key.Key_Return)
        settle(qtbot, window)
    void.pin.setFocus()
    typed(qtbot, "9876")  # now the right PIN: still locked
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "locked" in void.messages.text(), timeout=5000)
    shot(window, "void-locked-out-ar")
    assert payments(window) == 1
    with window.ctx.db.read() as tx:
        payment = tx.payments.by_receipt(receipt)
        types = [e.entry_type for e in tx.journal.entries()]
    assert payment is not None and payment.status == "paid"
    assert types.count("approval.refused") >= LOCKOUT_AFTER + 2 and "clerk.locked_out" in types


def test_a_supervisor_voids_in_place_and_the_void_receipt_prints(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    signed_in(qtbot, window)
    receipt = paid_in_cash(qtbot, window)
    key(qtbot, window, Qt.Key.Key_V, CTRL_SHIFT)
    void = dialog(qtbot, window, VoidDialog)
    for text in (str(receipt), "Wrong amount typed", "ahmed", "9876"):
        typed(qtbot, text)
        press(qtbot, Qt.Key.Key_Return)
    back_at_counter(qtbot, window)
    settle(qtbot, window)
    assert f"Receipt {receipt} voided" in window.messages.text()
    screenshot(window, "voided-en")
    with window.ctx.db.read() as tx:
        payment = tx.payments.by_receipt(receipt)
        approval = [e for e in tx.journal.entries() if e.entry_type == "approval.granted"]
    assert payment is not None and payment.status == "voided"
    assert approval and approval[-1].clerk == "ahmed"
    del void


def test_idle_locks_the_screen_and_another_clerk_takes_over(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("ar")
    signed_in(qtbot, window)
    window.idle.timer.setInterval(200)  # minutes in the field; a fraction of a second here
    window.idle.timer.start()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == LOCK_PAGE, timeout=5000)
    screenshot(window, "locked-ar")
    assert not window.menu_actions.actions["pay"].isEnabled()  # nothing works while locked
    assert window.lock.username.text() == "mona"
    window.lock.username.setFocus()
    window.lock.username.selectAll()
    typed(qtbot, "ahmed")
    press(qtbot, Qt.Key.Key_Return)
    typed(qtbot, "9876")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=5000)
    assert window.ctx.session.current is not None
    assert window.ctx.session.current.username == "ahmed"
    assert window.shift_open  # the shift was never closed
    with window.ctx.db.read() as tx:
        types = [e.entry_type for e in tx.journal.entries()]
    assert "session.locked" in types and "session.taken_over" in types
    # Ctrl+L locks on demand too.
    key(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == LOCK_PAGE, timeout=5000)
    assert QApplication.focusWidget() is window.lock.pin
