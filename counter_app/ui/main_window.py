"""The main window: a thin shell that assembles the panels, the status bar and the shortcuts.

It owns the op runner (the database worker thread) and the event bridge; panels get them
and do their own work. Nothing else lives here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import InputError
from counter_app.services.context import AppContext
from counter_app.services.session import Clerk
from counter_app.ui.bridge import EventBridge
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.common import ErrorLine
from counter_app.ui.panels.identity_panel import IdentityPanel
from counter_app.ui.panels.queue_panel import QueuePanel
from counter_app.ui.panels.services_panel import ServicesPanel
from counter_app.ui.panels.sign_in import SignInPanel
from counter_app.ui.status_bar import CounterStatusBar
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.setWindowTitle(tr("app_title", lang))
        self.setMinimumSize(1024, 640)
        self.message_bar = ErrorLine()
        self.message_bar.setObjectName("message_bar")
        self.ops = OpRunner(ctx, self.message_bar.show_error, self._unexpected)
        self.bridge = EventBridge(ctx.bus)
        self.status = CounterStatusBar(lang, self.bridge)
        self.setStatusBar(self.status)

        self.sign_in = SignInPanel(self.ops, lang, demo=ctx.config.demo)
        self.queue = QueuePanel(self.ops, lang)
        self.identity = IdentityPanel(self.ops, lang)
        self.services = ServicesPanel(lang)
        counter = named(QWidget(), "counter_page")
        row = QHBoxLayout(counter)
        for panel, stretch in ((self.queue, 3), (self.identity, 4), (self.services, 3)):
            row.addWidget(panel, stretch)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.sign_in)
        self.pages.addWidget(counter)

        central = QWidget()
        column = QVBoxLayout(central)
        column.addWidget(self._header(ctx, lang))
        column.addWidget(self.message_bar)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self._shortcuts()
        self.sign_in.signed_in.connect(self._on_signed_in)
        self.ops.run(lambda c: c.status.snapshot()).success(self.status.apply)
        self.sign_in.username.setFocus()

    def _header(self, ctx: AppContext, lang: str) -> QLabel:
        office = ctx.config.office.name_ar if lang == "ar" else ctx.config.office.name_en
        text = f"{office} - {tr('window_n', lang, n=ctx.config.window.number)}"
        if ctx.config.demo:
            text += f"  [{tr('demo', lang)}]"
        header = named(QLabel(text), "header")
        header.setStyleSheet("font-size: 14pt; font-weight: bold; padding: 4px;")
        return header

    def _shortcuts(self) -> None:
        bindings = (
            ("F2", self.queue.call_next),
            ("F3", lambda: self.queue.finish("served")),
            ("F4", self.queue.issue_ticket),
            ("F6", lambda: self.queue.finish("no_show")),
            ("Ctrl+I", self.identity.national_id.setFocus),
        )
        for keys, slot in bindings:
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        sync_now = QAction(tr("sync_now", self.lang), self)
        sync_now.setShortcut(QKeySequence("F9"))
        sync_now.triggered.connect(self.sync_now)
        self.menuBar().addAction(sync_now)
        close = QAction(tr("close_shift", self.lang), self)
        close.triggered.connect(self._close_shift)
        self.menuBar().addAction(close)

    def sync_now(self) -> None:
        self.ops.run(lambda c: c.sync.sync_now())

    def _on_signed_in(self, _clerk: Clerk) -> None:
        def open_shift_if_needed(c: AppContext) -> None:
            if not c.queue.snapshot().shift_open:
                c.queue.open_shift()

        self.ops.run(open_shift_if_needed).success(lambda _r: self.queue.refresh())
        self.pages.setCurrentIndex(1)
        self.identity.national_id.setFocus()

    def _close_shift(self) -> None:
        def close(c: AppContext) -> None:
            c.queue.close_shift()
            c.session.sign_out()

        self.ops.run(close).success(lambda _r: self.pages.setCurrentIndex(0))

    def _unexpected(self, _error: BaseException) -> None:
        self.message_bar.show_error(
            InputError("unexpected", tr("unexpected", "ar"), tr("unexpected", "en"))
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ops.shutdown()
        self.bridge.close()
        super().closeEvent(event)
