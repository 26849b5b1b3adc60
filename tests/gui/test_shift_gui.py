"""The shift and the day at the real window, by keyboard: the float counted at sign-in, a
payment, the drawer counted at close (exact, then short: blocked without an explanation and
a supervisor, recorded with them), the day close failing on its backup and retried, and an
operation on the closed day refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.domain.heartbeat import HEARTBEAT
from counter_app.services.limits import Limits
from counter_app.ui.main_window import MainWindow
from counter_app.ui.screens.day_close import DayCloseDialog
from counter_app.ui.screens.shift import ShiftCloseDialog, ShiftOpenDialog
from counter_app.ui.screens.tender import TenderDialog
from tests.gui.test_journey import back_at_counter, dialog, press, shot, typed
from tests.gui.test_main_window import settle
from tests.gui.test_payment_rules import CTRL_SHIFT, a_fee_in_the_visit, paid_in_cash
from tests.gui.test_visit_and_session import key

pytestmark = pytest.mark.gui
CTRL = Qt.KeyboardModifier.ControlModifier


def sign_in_and_count(qtbot: QtBot, window: MainWindow, pieces: dict[int, str]) -> None:
    qtbot.keyClicks(window.sign_in.username, "mona")
    qtbot.keyClick(window.sign_in.username, Qt.Key.Key_Return)
    qtbot.keyClicks(window.sign_in.pin, "1234")
    qtbot.keyClick(window.sign_in.pin, Qt.Key.Key_Return)
    opening = dialog(qtbot, window, ShiftOpenDialog)
    assert isinstance(opening, ShiftOpenDialog)
    for denomination, count in pieces.items():
        opening.grid.fields[denomination].setFocus()
        typed(qtbot, count)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    # The drawer was empty: a float that differs needs its reason, then it opens.
    qtbot.waitUntil(lambda: opening.messages.kind == "error", timeout=5000)
    assert opening.explanation.hasFocus()
    typed(qtbot, "first float from the office safe")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.shift_open, timeout=5000)
    settle(qtbot, window)


def test_a_shift_from_float_to_a_short_count_and_the_day_closed(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow], tmp_path: Path
) -> None:
    window = counter_window("ar")
    sign_in_and_count(qtbot, window, {20000: "2", 5000: "2"})  # EGP 500
    paid_in_cash(qtbot, window)  # EGP 25 in cash

    key(qtbot, window, Qt.Key.Key_E, CTRL_SHIFT)
    closing = dialog(qtbot, window, ShiftCloseDialog)
    assert isinstance(closing, ShiftCloseDialog)
    # Counted EGP 500 (EGP 25 short): the table says so and asks for more.
    closing.grid.fields[20000].setFocus()
    typed(qtbot, "2")
    closing.grid.fields[5000].setFocus()
    typed(qtbot, "2")
    qtbot.waitUntil(
        lambda: closing.summary is not None and closing.summary.rows[0].counted == 50000,
        timeout=5000,
    )
    cash = closing.summary.rows[0] if closing.summary else None
    assert cash is not None and (cash.expected, cash.difference) == (52500, -2500)
    assert closing.summary is not None and closing.summary.needs_approval
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: closing.messages.kind == "error", timeout=5000)
    assert closing.explanation.hasFocus() and window.shift_open  # blocked
    key(qtbot, closing, Qt.Key.Key_F5)  # what is behind the figures
    assert closing.details.isVisible() and "1" in closing.details.text()
    shot(window, "shift-close-short-ar")
    typed(qtbot, "a 25 pound note given as change twice")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: "المشرف" in closing.messages.text(), timeout=5000)
    assert window.shift_open  # still blocked: no supervisor yet
    closing.username.setFocus()
    typed(qtbot, "ahmed")
    press(qtbot, Qt.Key.Key_Return)
    typed(qtbot, "9876")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.visit.dialog is None, timeout=10000)
    settle(qtbot, window)
    with window.ctx.db.read() as tx:
        shifts = tx.shifts.on_day(window.ctx.day_close.today())
    record = shifts[-1].close_record
    assert record is not None and record["approved_by"] == "ahmed"
    assert next(r for r in record["tenders"] if r["tender"] == "cash")["difference"] == -2500
    assert window.pages.currentIndex() != 1  # closed and signed out

    # The day: the backup folder cannot be written, so the close fails and says so.
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    window.ctx.day_close.backup_folder = blocker / "backups"
    key(qtbot, window, Qt.Key.Key_D, CTRL_SHIFT)
    closing_day = dialog(qtbot, window, DayCloseDialog)
    assert isinstance(closing_day, DayCloseDialog)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: closing_day.state is not None and closing_day.state.status == "failed",
        timeout=15000,
    )
    assert "✘" in closing_day.labels["backup"].text()
    shot(window, "day-close-failed-ar")
    window.ctx.day_close.backup_folder = tmp_path / "backups"
    press(qtbot, Qt.Key.Key_Return)  # retry
    qtbot.waitUntil(
        lambda: closing_day.state is not None and closing_day.state.step == "sync",
        timeout=15000,
    )
    # Not enrolled with HQ in this test: closed, never shown as confirmed.
    assert closing_day.state is not None and closing_day.state.status == "closed"
    assert "✔" in closing_day.labels["backup"].text()
    assert list((tmp_path / "backups").glob("counter-*.db"))
    shot(window, "day-close-waiting-ar")

    # Signing in again on the closed day: the shift (an operation of that day) is refused.
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.visit.dialog is None, timeout=5000)
    qtbot.keyClicks(window.sign_in.username, "mona")
    qtbot.keyClick(window.sign_in.username, Qt.Key.Key_Return)
    qtbot.keyClicks(window.sign_in.pin, "1234")
    qtbot.keyClick(window.sign_in.pin, Qt.Key.Key_Return)
    opening = dialog(qtbot, window, ShiftOpenDialog)
    assert isinstance(opening, ShiftOpenDialog)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: opening.messages.kind == "error", timeout=5000)
    assert "أُغلق يوم العمل" in opening.messages.text() and not window.shift_open


def test_near_the_unsynced_cap_the_bar_warns_and_beyond_it_a_supervisor_approves(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = counter_window("ar")
    # The office's caps as HQ's users bundle would set them: EGP 30 of unsynced cash.
    capped = Limits(unsynced_cash_cap=3000, unsynced_certificates_cap=50, source="hq")
    monkeypatch.setattr(window.ctx.limits, "limits", lambda: capped)
    sign_in_and_count(qtbot, window, {20000: "1"})
    assert not window.status.caps.isVisible()
    paid_in_cash(qtbot, window)  # EGP 25 of 30: past 80%, the bar warns
    qtbot.waitUntil(window.status.caps.isVisible, timeout=5000)
    assert "٣٠" in window.status.caps.text() and "F9" in window.status.caps.text()

    receipts = paid_count(window)
    a_fee_in_the_visit(window)  # another EGP 25 would make 50: beyond the cap
    key(qtbot, window, Qt.Key.Key_F8)
    tender = dialog(qtbot, window, TenderDialog)
    assert isinstance(tender, TenderDialog)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tender.messages.kind == "error", timeout=10000)
    assert "المشرف" in tender.messages.text() and "supervisor" in tender.messages.text()
    assert tender.supervisor.isVisible() and tender.supervisor.hasFocus()
    assert paid_count(window) == receipts  # refused: nothing taken
    shot(window, "cap-beyond-ar")
    typed(qtbot, "mona")  # the clerk cannot approve their own payment
    press(qtbot, Qt.Key.Key_Return)
    typed(qtbot, "1234")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "مشرف" in tender.messages.text() and not tender.paying, timeout=10000)
    assert paid_count(window) == receipts
    tender.supervisor.clear()
    tender.supervisor.setFocus()
    typed(qtbot, "ahmed")
    press(qtbot, Qt.Key.Key_Return)
    typed(qtbot, "9876")
    press(qtbot, Qt.Key.Key_Return)
    back_at_counter(qtbot, window, timeout=20000)
    settle(qtbot, window)
    assert paid_count(window) == receipts + 1
    with window.ctx.db.read() as tx:
        entries = list(tx.journal.entries())
    approvals = [e for e in entries if e.entry_type == "approval.granted"]
    refused = [e for e in entries if e.entry_type == "approval.refused"]
    granted = json.loads(approvals[-1].payload)
    assert approvals[-1].clerk == "ahmed" and granted["action"] == "unsynced_cap"
    assert (granted["unsynced_cash_piastres"], granted["unsynced_cash_cap_piastres"]) == (
        5000,
        3000,
    )
    assert json.loads(refused[-1].payload)["action"] == "unsynced_cap"
    # The approval and the payment it allowed are one transaction, approval first.
    assert entries[entries.index(approvals[-1]) + 1].entry_type == "payment.recorded"
    shot(window, "cap-approved-ar")


def paid_count(window: MainWindow) -> int:
    with window.ctx.db.read() as tx:
        return int(tx.fact("receipt.last_number") or 0)


def heartbeats(window: MainWindow) -> int:
    with window.ctx.db.read() as tx:
        return len(list(tx.journal.of_type(HEARTBEAT)))


def test_the_window_beats_once_a_shift_is_open_and_not_more_often_than_due(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    assert window.heartbeat.isActive() and window.heartbeat.interval() == 60_000
    window.heartbeat.timeout.emit()  # nobody signed in: nothing to prove
    settle(qtbot, window)
    assert heartbeats(window) == 0
    sign_in_and_count(qtbot, window, {20000: "1"})
    window.heartbeat.timeout.emit()
    qtbot.waitUntil(lambda: heartbeats(window) == 1, timeout=5000)
    window.heartbeat.timeout.emit()  # the next minute: not due for another few
    settle(qtbot, window)
    assert heartbeats(window) == 1
    assert not window.messages.text()  # a beat is silent at the counter
