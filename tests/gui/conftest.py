"""GUI fixtures: a demo workstation and its real main window, offscreen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from counter_app.services.context import AppContext
from counter_app.ui.app import prepare_application
from counter_app.ui.main_window import MainWindow
from tests.helpers import open_demo

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def show_window(qtbot: QtBot, ctx: AppContext, lang: str) -> MainWindow:
    """The real main window, shown, active and ready for keyboard input."""
    prepare_application(lang)
    window = MainWindow(ctx, lang)
    # pytest-qt closes the window after each test: with a shift open the window would ask
    # first, and nobody answers. The test of that question puts the real one back.
    window.confirm_close = lambda: True  # type: ignore[method-assign]
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    # Keyboard focus and window shortcuts need the window to be the active one.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    return window


@pytest.fixture
def counter_window(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[[str], MainWindow]]:
    opened = []

    def make(lang: str) -> MainWindow:
        ctx = open_demo(tmp_path / f"profile-{lang}", sign_in=False)
        window = show_window(qtbot, ctx, lang)
        opened.append((window, ctx))
        return window

    yield make
    for window, ctx in opened:
        window.close()
        ctx.close()


def screenshot(window: MainWindow, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert window.grab().save(str(path))
    return path
