"""A visit on screen, driven by keyboard: what leaves the screen when a visit ends, what
works while nobody is signed in, messages that never move the controls, the scanner's
digits after a mouse click, undo and recall, and closing with a shift open."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from counter_app.services.demo import open_demo_workstation
from counter_app.services.journal_check import verify_journal
from counter_app.services.profile import Profile
from counter_app.ui.main_window import MainWindow
from tests.gui.conftest import screenshot, show_window
from tests.gui.test_main_window import settle, sign_in

pytestmark = pytest.mark.gui
NID = "29001012801235"


def signed_in(qtbot: QtBot, window: MainWindow, user: str = "mona", pin: str = "1234") -> None:
    window.sign_in.username.setFocus()
    window.sign_in.username.selectAll()  # what a clerk does to replace a name left there
    sign_in(qtbot, window, user, pin)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=5000)
    settle(qtbot, window)


def capture(qtbot: QtBot, window: MainWindow) -> None:
    """The scanner types the number and Enter into whatever has the focus."""
    target = QApplication.focusWidget() or window
    qtbot.keyClicks(target, NID)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.identity.place.text() != "", timeout=5000)
    assert window.identity.shown()


def journal_head(window: MainWindow) -> int:
    with window.ctx.db.read() as tx:
        return tx.journal.head()[0]


def key(
    qtbot: QtBot,
    window: MainWindow,
    k: Qt.Key,
    mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(window, k, mod)
    settle(qtbot, window)


def test_identity_leaves_the_screen_at_every_end_of_a_visit(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    signed_in(qtbot, window)
    for _ in range(4):
        key(qtbot, window, Qt.Key.Key_F4)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    ends = [
        ("served", lambda: key(qtbot, window, Qt.Key.Key_F3)),
        ("no-show", lambda: key(qtbot, window, Qt.Key.Key_F6)),
        ("next call", lambda: key(qtbot, window, Qt.Key.Key_F2)),
        ("sign-out", lambda: key(qtbot, window, Qt.Key.Key_O, ctrl_shift)),
        ("close shift", lambda: key(qtbot, window, Qt.Key.Key_E, ctrl_shift)),
    ]
    for name, end_visit in ends:
        if window.pages.currentIndex() == 0:
            signed_in(qtbot, window, "ahmed", "9876")  # another clerk takes the window
            assert not window.identity.shown(), "the last clerk's citizen is still shown"
        if window.queue.current.text() == "—" and name in ("served", "no-show"):
            key(qtbot, window, Qt.Key.Key_F2)
        capture(qtbot, window)
        end_visit()
        qtbot.waitUntil(lambda: not window.identity.shown(), timeout=5000)
        assert window.identity.national_id.text() == "", name


def test_nothing_but_sign_in_works_signed_out(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    settle(qtbot, window)
    before = journal_head(window)
    for k in (Qt.Key.Key_F4, Qt.Key.Key_F2, Qt.Key.Key_F3, Qt.Key.Key_F5, Qt.Key.Key_F9):
        qtbot.keyClick(window, k)
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, window)
    assert journal_head(window) == before
    assert window.pages.currentIndex() == 0 and not window.ops.online_calls
    # Closing the day is for after the last shift has closed and its clerk signed out.
    assert all(
        not a.isEnabled() for k, a in window.menu_actions.actions.items() if k != "close_day"
    )
    # Signed in, the same keys work.
    signed_in(qtbot, window)
    key(qtbot, window, Qt.Key.Key_F4)
    assert journal_head(window) > before
    assert "Ticket T-1 issued" in window.messages.text()


def test_messages_never_move_the_controls(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("ar")
    signed_in(qtbot, window)
    watched: list[QWidget] = [*window.queue.buttons.values(), window.identity.national_id]

    def places() -> list[tuple[int, int, int, int]]:
        return [(*w.mapTo(window, QPoint(0, 0)).toTuple(), w.width(), w.height()) for w in watched]

    window.messages.clear()
    QApplication.processEvents()
    empty = places()
    qtbot.keyClicks(window.identity.national_id, "2901301280123")  # 13 digits
    qtbot.keyClick(window.identity.national_id, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.messages.kind == "error", timeout=5000)
    QApplication.processEvents()
    assert places() == empty
    label = window.messages.message
    assert label.height() >= label.heightForWidth(label.width()), "the message is cut off"
    screenshot(window, "message-error-ar")
    capture_ok = "29001012801235"
    window.identity.national_id.clear()
    qtbot.keyClicks(window.identity.national_id, capture_ok)
    qtbot.keyClick(window.identity.national_id, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.messages.kind == "notice", timeout=5000)
    QApplication.processEvents()
    assert places() == empty  # and the error is gone with the next success
    assert "14" not in window.messages.text()


def test_a_scanner_burst_after_a_mouse_click_still_fills_the_id(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    signed_in(qtbot, window)
    key(qtbot, window, Qt.Key.Key_F4)
    qtbot.mouseClick(window.queue.buttons["call"], Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert window.identity.national_id.hasFocus()  # a click on a button keeps the field
    # Even with the focus nowhere useful (a click on the panel's background), the digits
    # of a scan land in the ID field.
    window.identity.national_id.clearFocus()
    assert not window.identity.national_id.hasFocus()
    capture(qtbot, window)
    assert window.identity.place.text() == "Aswan"


def test_served_can_be_undone_and_a_ticket_recalled(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    signed_in(qtbot, window)
    key(qtbot, window, Qt.Key.Key_F4)
    key(qtbot, window, Qt.Key.Key_F2)
    key(qtbot, window, Qt.Key.Key_F5)
    assert "Ticket T-1 called again" in window.messages.text()
    key(qtbot, window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: window.queue.current.text() == "—", timeout=5000)
    assert "Ctrl+Z" in window.messages.text()
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.queue.current.text() == "T-1", timeout=5000)
    assert "Ticket T-1 reopened" in window.messages.text()
    with window.ctx.db.read() as tx:
        last = list(tx.journal.entries())[-1]
    assert last.entry_type == "ticket.reopened"
    assert json.loads(last.payload)["undoes"] < last.seq  # names the entry it corrects
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # nothing more
    assert window.messages.kind == "error" and "nothing to undo" in window.messages.text()


def test_f9_on_a_window_not_enrolled_says_so_and_an_unknown_clerk_is_told_to_sync(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    sign_in(qtbot, window, "sara", "4321")
    settle(qtbot, window)
    assert "has not reached this window yet" in window.messages.text()
    assert "لم يصل إلى هذا الشباك" in window.messages.text()
    signed_in(qtbot, window)
    key(qtbot, window, Qt.Key.Key_F9)
    assert "not enrolled" in window.messages.text()
    assert "counter-app enroll" in window.messages.text()
    assert window.status.connection.text().startswith("Not enrolled with HQ")
    qtbot.keyClick(window, Qt.Key.Key_F10)
    assert window.menuBar().activeAction() is not None  # the menus, from the keyboard
    screenshot(window, "not-enrolled-en")


def test_closing_with_a_shift_open_asks_first(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    signed_in(qtbot, window)
    qtbot.waitUntil(lambda: window.shift_open, timeout=5000)
    window.confirm_close = MainWindow.confirm_close.__get__(window)  # type: ignore[method-assign]
    answers = iter([Qt.Key.Key_Escape, None])

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        assert "shift is still open" in box.text()
        k = next(answers)
        if k is None:
            yes = box.button(QMessageBox.StandardButton.Yes)
            yes.setFocus()
            qtbot.keyClick(yes, Qt.Key.Key_Space)
        else:
            qtbot.keyClick(box, k)

    QTimer.singleShot(0, answer)
    window.close()
    assert window.isVisible(), "Esc (No) must keep the window open"
    QTimer.singleShot(0, answer)
    window.close()
    assert not window.isVisible()


def test_closing_the_window_never_cuts_a_commit_short(qtbot: QtBot, tmp_path: Path) -> None:
    ctx = open_demo_workstation(Profile(tmp_path / "w"), log_to_file=False)
    window = show_window(qtbot, ctx, "en")
    signed_in(qtbot, window)
    for _ in range(30):  # submitted, and the window closed before most are done
        window.ops.run(lambda c: c.queue.issue_ticket("T", kiosk=True))
    window.close()
    ctx.close()  # what a closing program does: the lanes finish what was submitted
    reopened = open_demo_workstation(Profile(tmp_path / "w"), log_to_file=False)
    try:
        assert reopened.queue.snapshot().waiting == 30
        assert verify_journal(reopened.db).problem is None
    finally:
        reopened.close()
