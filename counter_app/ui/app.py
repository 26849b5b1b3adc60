"""Starting the Qt application: fonts, language direction, the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from counter_app.services.context import AppContext
from counter_app.ui.display import HallDisplay
from counter_app.ui.kiosk import Kiosk
from counter_app.ui.main_window import MainWindow
from peripherals.speaker import AnnouncementQueue, make_speaker
from resources import fonts_dir

log = logging.getLogger(__name__)
UI_FAMILIES = ["Noto Sans Arabic", "Noto Sans"]


def load_fonts() -> list[str]:
    """Register the shipped fonts with Qt; returns the families found."""
    families: list[str] = []
    for path in sorted(fonts_dir().glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("font could not be loaded: %s", path.name)
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(set(families))


def prepare_application(lang: str) -> QApplication:
    """The QApplication set up for `lang`: right-to-left for Arabic, shipped fonts."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Counter App")
    load_fonts()
    font = QFont()
    font.setFamilies(UI_FAMILIES)
    font.setPointSize(11)
    app.setFont(font)
    arabic = lang == "ar"
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if arabic else Qt.LayoutDirection.LeftToRight
    )
    QLocale.setDefault(
        QLocale(QLocale.Language.Arabic, QLocale.Country.Egypt)
        if arabic
        else QLocale(QLocale.Language.English, QLocale.Country.Egypt)
    )
    return app


def run_counter_window(ctx: AppContext, *, lang: str, smoke_test: bool = False) -> int:
    app = prepare_application(lang)
    window = MainWindow(ctx, lang)
    window.showMaximized()
    if smoke_test:
        return _smoke_test(app, window, ctx)
    screen = ctx.config.queue.display_screen
    announcements = announcements_for(ctx) if screen else None
    display = HallDisplay(ctx, lang, announcements) if screen else None
    if display is not None and screen > 0:
        _place(display, screen)
    if display is not None:
        # Closing the counter window ends the program; the display goes with it.
        display.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
    if display is not None and screen < 0:
        display.resize(960, 540)
        display.show()
    ctx.start_queue_host()
    ctx.sync.start_background()
    try:
        return app.exec()
    finally:
        if display is not None:
            display.close_display()
            display.close()
        if announcements is not None:
            announcements.close()
        ctx.sync.stop_background()


def announcements_for(ctx: AppContext) -> AnnouncementQueue:
    speaker = ctx.config.devices.speaker
    return AnnouncementQueue(make_speaker(speaker.backend, speaker.clips_dir, speaker.output))


def _place(widget: QWidget, screen: int) -> None:
    """Full screen on screen number `screen` (1 is the first), or the last one there is."""
    screens = QGuiApplication.screens()
    if screens:
        target = screens[min(max(screen, 1), len(screens)) - 1]
        widget.setGeometry(target.geometry())
    widget.showFullScreen()


def run_hall_display(ctx: AppContext, *, lang: str, screen: int = 1) -> int:
    """The waiting-room display on its own (a separate PC, or the host's second screen)."""
    app = prepare_application(lang)
    announcements = announcements_for(ctx)
    display = HallDisplay(ctx, lang, announcements)
    _place(display, screen)
    ctx.start_queue_host()
    ctx.sync.start_background()
    try:
        return app.exec()
    finally:
        display.close_display()
        announcements.close()
        ctx.sync.stop_background()


def run_kiosk(ctx: AppContext, *, lang: str, display_screen: int = 0) -> int:
    """The ticket kiosk; with `display_screen`, the hall display on that screen too."""
    app = prepare_application(lang)
    kiosk = Kiosk(ctx, lang)
    _place(kiosk, 1)
    announcements = announcements_for(ctx) if display_screen else None
    display = HallDisplay(ctx, lang, announcements) if display_screen else None
    if display is not None:
        _place(display, display_screen)
    ctx.start_queue_host()
    ctx.sync.start_background()
    try:
        return app.exec()
    finally:
        kiosk.close_kiosk()
        if display is not None:
            display.close_display()
        if announcements is not None:
            announcements.close()
        ctx.sync.stop_background()


def _smoke_test(app: QApplication, window: MainWindow, ctx: AppContext) -> int:
    """Show the window, let it settle, check store and fonts, report and quit."""
    result = {"code": 1}

    def check() -> None:
        problems = []
        if not window.isVisible():
            problems.append("main window is not visible")
        if ctx.db.quick_check() != "ok":
            problems.append("database quick_check failed")
        missing = [f for f in [*UI_FAMILIES, "Amiri"] if f not in QFontDatabase.families()]
        if missing:
            problems.append("fonts missing: " + ", ".join(missing))
        if problems:
            print("smoke test FAILED: " + "; ".join(problems))
        else:
            print("main window shown; database and resources OK")
            result["code"] = 0
        window.close()
        app.quit()

    QTimer.singleShot(0, check)
    app.exec()
    return result["code"]
