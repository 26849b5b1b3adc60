"""The status bar follows the link to HQ: sync now (F9), online, offline, entries waiting."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.conftest import screenshot, show_window
from tests.gui.test_main_window import sign_in
from tests.helpers import open_demo
from tests.support.hq_server import RunningHq

pytestmark = pytest.mark.gui


def test_sync_now_shows_online_then_offline(qtbot: QtBot, hq: RunningHq, tmp_path: Path) -> None:
    ctx = open_demo(tmp_path / "w", sign_in=False)
    ctx.sync.enroll(hq.url, hq.enroll_code())
    window = show_window(qtbot, ctx, "en")
    ctx.sync.start_background()
    try:
        qtbot.waitUntil(lambda: "HQ online" in window.status.connection.text(), timeout=20000)
        sign_in(qtbot, window, "mona", "1234")
        qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=5000)
        qtbot.waitUntil(lambda: window.status.waiting.text() != "To sync: 0", timeout=5000)
        qtbot.keyClick(window, Qt.Key.Key_F9)  # the clerk asks for a sync: nothing waits now
        qtbot.waitUntil(lambda: window.status.waiting.text() == "To sync: 0", timeout=20000)
        assert "synced" in window.status.connection.text()
        for label in (window.status.printer, window.status.clerk, window.status.waiting):
            assert label.isVisible() and window.rect().contains(
                label.mapTo(window, label.rect().topRight())
            )
        screenshot(window, "status-online-en")
        hq.kill()
        qtbot.keyClick(window, Qt.Key.Key_F9)
        qtbot.waitUntil(
            lambda: "HQ offline since" in window.status.connection.text(), timeout=60000
        )
        # In words a clerk reads, never an exception's name.
        assert "Error" not in window.status.connection.text()
        screenshot(window, "status-offline-en")
    finally:
        window.close()
        ctx.close()
