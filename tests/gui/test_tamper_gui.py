"""Tampering found at start, as the clerk and the supervisor meet it at the window: the
band says it plainly, the bar keeps a badge, the supervisor's screen comes before the
float, and the clerk cannot acknowledge it in the supervisor's place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.ui.screens.shift import ShiftOpenDialog
from counter_app.ui.screens.tamper import TamperDialog
from tests.gui.conftest import show_window
from tests.gui.test_journey import dialog, press, shot, typed
from tests.helpers import open_demo
from tests.integration.test_insider_evidence import busy_window, raw_edit


def test_tampering_found_at_start_waits_for_the_supervisor(qtbot: QtBot, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    busy_window(profile, 12)
    raw_edit(
        profile,
        "DELETE FROM journal_entries WHERE seq > (SELECT max(seq) - 5 FROM journal_entries)",
    )
    ctx = open_demo(profile, sign_in=False)
    window = show_window(qtbot, ctx, "ar")
    try:
        qtbot.keyClicks(window.sign_in.username, "mona")
        qtbot.keyClick(window.sign_in.username, Qt.Key.Key_Return)
        qtbot.keyClicks(window.sign_in.pin, "1234")
        qtbot.keyClick(window.sign_in.pin, Qt.Key.Key_Return)
        screen = dialog(qtbot, window, TamperDialog)
        assert isinstance(screen, TamperDialog)
        assert window.status.tamper.isVisible()
        assert "Ctrl+Shift+A" in window.status.tamper.text()
        assert "عبث" in window.messages.text() and "supervisor" in window.messages.text()
        assert "5 entries are missing" in screen.found.text()
        shot(window, "tamper-found-ar")

        typed(qtbot, "سأبلغ المركز الرئيسي")
        press(qtbot, Qt.Key.Key_Return)
        typed(qtbot, "mona")  # the clerk at the window is not the one to acknowledge
        press(qtbot, Qt.Key.Key_Return)
        typed(qtbot, "1234")
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: screen.messages.kind == "error", timeout=5000)
        assert ctx.evidence.held_by is not None
        screen.username.clear()
        screen.username.setFocus()
        typed(qtbot, "ahmed")
        press(qtbot, Qt.Key.Key_Return)
        typed(qtbot, "9876")
        press(qtbot, Qt.Key.Key_Return)
        # Acknowledged: the badge goes and the shift's float comes next.
        opening = dialog(qtbot, window, ShiftOpenDialog)
        assert isinstance(opening, ShiftOpenDialog)
        assert not window.status.tamper.isVisible()
        assert ctx.evidence.held_by is None
        with ctx.db.read() as tx:
            ack = tx.journal.last_of("tamper.acknowledged")
        assert ack is not None and ack.clerk == "ahmed"
        assert ack.payload_data()["note"] == "سأبلغ المركز الرئيسي"
        shot(window, "tamper-acknowledged-ar")
    finally:
        window.close()
        ctx.close()
