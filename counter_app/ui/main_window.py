"""The main window: a thin shell that assembles the panels, the status bar and the menus.

It owns the GUI inbox (how other threads reach this one), the op runner and the event
bridge; panels get them and do their own work. What it decides itself is only the shape
of a visit: what leaves the screen when a visit ends, and what works while nobody is
signed in (nothing but sign-in).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import InputError
from counter_app.services.context import AppContext
from counter_app.services.events import (
    ClerkSignedOut,
    SessionLocked,
    StoreChanged,
    SyncStateChanged,
)
from counter_app.services.instructions import Instruction
from counter_app.services.queue import QueueSnapshot
from counter_app.services.recorder import TamperHold
from counter_app.services.session import Clerk
from counter_app.services.shift import Opening
from counter_app.ui.actions import Binding, CounterActions
from counter_app.ui.bridge import EventBridge
from counter_app.ui.inbox import GuiInbox
from counter_app.ui.ops import OnlineCall, OpRunner
from counter_app.ui.panels.common import MessageArea
from counter_app.ui.panels.identity_panel import IdentityPanel
from counter_app.ui.panels.queue_panel import QueuePanel
from counter_app.ui.panels.sign_in import SignInPanel
from counter_app.ui.scan_dispatch import ScanDispatch
from counter_app.ui.scanner_routing import ScanDetector, ScanRouter
from counter_app.ui.screens.day_close import DayCloseDialog
from counter_app.ui.screens.lock import IdleWatch, LockPanel
from counter_app.ui.screens.queue_figures import QueueFiguresScreen
from counter_app.ui.screens.shift import ShiftCloseDialog, ShiftOpenDialog
from counter_app.ui.screens.tamper import TamperDialog
from counter_app.ui.screens.visit_panel import VisitPanel
from counter_app.ui.status_bar import CounterStatusBar
from counter_app.ui.strings import has, tr, tr_both
from counter_app.ui.widgets import named

# Entries after which the citizen at the window is no longer the one on screen.
# (A ticket's call, finish or transfer ends the visit through the queue panel: at a queue
# host, other windows' tickets change this store too.)
VISIT_ENDS = (
    "shift.closed",
    "clerk.signed_in",
    "clerk.signed_out",
)
SIGN_IN_PAGE, COUNTER_PAGE, LOCK_PAGE = 0, 1, 2
HEARTBEAT_CHECK_MS = 60_000  # asks once a minute; a beat is due every domain.heartbeat.INTERVAL
Waiting = tuple[int, list[dict[str, object]]]  # a tamper finding: its entry, what it lists


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.ctx = ctx
        self.setWindowTitle(tr("app_title", lang))
        self.setMinimumSize(1024, 600)
        self.inbox = GuiInbox(self)
        self.messages = MessageArea()
        self.ops = OpRunner(ctx, self.inbox, self.messages.show_error, self._unexpected)
        self.bridge = EventBridge(ctx.bus, self.inbox)
        self.status = CounterStatusBar(lang, self.bridge)
        self.setStatusBar(self.status)
        self.shift_open = False

        self.sign_in = SignInPanel(self.ops, lang, self.messages, demo=ctx.config.demo)
        self.identity = IdentityPanel(self.ops, lang, self.messages)
        self.queue = QueuePanel(
            self.ops, lang, self.messages, self.focus_identity, self._visit_ended
        )
        self.identity.on_captured = self.queue.start_if_called
        self.visit = VisitPanel(
            self.ops, lang, self.messages, self, lambda: self.identity.captured_number
        )
        counter = named(QWidget(), "counter_page")
        row = QHBoxLayout(counter)
        for panel, stretch in ((self.queue, 3), (self.identity, 3), (self.visit, 4)):
            row.addWidget(panel, stretch)
        self.lock = LockPanel(self.ops, lang, self.messages, self._unlocked)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.sign_in)
        self.pages.addWidget(counter)
        self.pages.addWidget(self.lock)
        self.idle = IdleWatch(
            ctx.config.ui.idle_lock_minutes, lambda: self.lock_screen("idle"), self
        )

        central = QWidget()
        column = QVBoxLayout(central)
        column.addWidget(self._header(ctx, lang))
        column.addWidget(self.messages)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.menu_actions = CounterActions(self, lang, self._bindings())
        self._cancel = QAction(self)
        self._cancel.setShortcut(QKeySequence("Esc"))
        self._cancel.triggered.connect(self.cancel_online)
        self.addAction(self._cancel)
        self._scan_router = ScanRouter(self._scan_target)
        # Keys a button or label does not take travel up to the window, where it routes them.
        self.installEventFilter(self._scan_router)
        self.scans = ScanDispatch(self, self.identity, self.queue, self.messages)
        self._scan_detector = ScanDetector(
            self,
            lambda: [self.identity.national_id, *self.identity.mrz_lines],
            self.scans.scanned,
            self.scans.refused,
            self._scan_router,
        )

        self._connect(ctx)

    def _connect(self, ctx: AppContext) -> None:
        self.sign_in.signed_in.connect(self._on_signed_in)
        self.bridge.on(StoreChanged, self._store_changed)
        self.bridge.on(SyncStateChanged, lambda _e: self._refresh_caps())
        self.bridge.on(ClerkSignedOut, lambda _e: self._show_sign_in())
        self.bridge.on(SessionLocked, lambda _e: self._show_locked())
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
            app.installEventFilter(self._scan_detector)
        for device in (ctx.scanner, ctx.mrz_reader):
            device.start(lambda line: self.inbox.post(self.scans.line, line))
        self.ops.online_started.connect(self._online_started)
        self.ops.online_ended.connect(lambda _h: self._online_ended())
        self.messages.cancel_requested.connect(self.cancel_online)
        self.ops.query(lambda c: c.status.snapshot(), success=self.status.apply)
        ctx.printing.ask_printer_state()
        # The signed heartbeat while a shift is open (services.heartbeat decides when).
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(HEARTBEAT_CHECK_MS)
        self.heartbeat.timeout.connect(self.beat)
        self.heartbeat.start()
        self.sign_in.username.setFocus()

    def beat(self) -> None:
        self.ops.run(lambda c: c.heartbeat.beat_if_due())

    def _header(self, ctx: AppContext, lang: str) -> QLabel:
        office = ctx.config.office.name_ar if lang == "ar" else ctx.config.office.name_en
        text = f"{office} - {tr('window_n', lang, n=ctx.config.window.number)}"
        if ctx.config.demo:
            text += f"  [{tr('demo', lang)}]"
        header = named(QLabel(text), "header")
        header.setStyleSheet("font-size: 14pt; font-weight: bold; padding: 4px;")
        return header

    def _bindings(self) -> list[Binding]:
        q = self.queue
        return [
            ("menu_counter", "call_next", "F2", q.call_next),
            ("menu_counter", "finish_served", "F3", lambda: q.finish("served")),
            ("menu_counter", "issue_ticket", "F4", q.issue_ticket),
            ("menu_counter", "recall", "F5", q.recall),
            ("menu_counter", "no_show", "F6", lambda: q.finish("no_show")),
            ("menu_counter", "undo", "Ctrl+Z", q.undo),
            ("menu_counter", "park", "F11", q.park),
            ("menu_counter", "resume", "Shift+F11", q.resume),
            ("menu_counter", "transfer", "F12", q.transfer),
            *[("menu_counter", f"rate_{n}", f"Ctrl+{n}", partial(q.rate, n)) for n in range(1, 6)],
            ("menu_counter", "focus_id", "Ctrl+I", self.focus_identity),
            ("menu_counter", "focus_passport", "Ctrl+M", self.identity.focus_passport),
            ("menu_visit", "add_service", "F7", self.visit.add_service),
            ("menu_visit", "pay", "F8", self.visit.pay),
            ("menu_visit", "remove_service", "Delete", self.visit.remove_selected),
            ("menu_visit", "void_payment", "Ctrl+Shift+V", self.visit.void),
            ("menu_visit", "reprint_certificate", "Ctrl+P", self.visit.print_certificate_again),
            ("menu_session", "lock_screen", "Ctrl+L", lambda: self.lock_screen("shortcut")),
            ("menu_session", "instructions_key", "Ctrl+Shift+I", self.visit.instructions),
            ("menu_session", "queue_figures", "Ctrl+Shift+Q", self.queue_figures),
            ("menu_session", "sync_now", "F9", self.sync_now),
            ("menu_session", "check_hq", "Ctrl+H", self.check_hq),
            ("menu_session", "sign_out", "Ctrl+Shift+O", self.sign_out),
            ("menu_session", "close_shift", "Ctrl+Shift+E", self.close_shift),
            ("menu_session", "close_day", "Ctrl+Shift+D", self.close_day),
            ("menu_session", "acknowledge_tamper", "Ctrl+Shift+A", self.acknowledge_tamper),
        ]

    # ---- the session ------------------------------------------------------------------

    def _on_signed_in(self, _clerk: Clerk) -> None:
        self.menu_actions.set_signed_in(True)
        self.pages.setCurrentIndex(COUNTER_PAGE)
        self.idle.timer.start()
        self.focus_identity()
        self.ops.query(lambda c: c.evidence.waiting(), success=self._tamper_or_shift)
        self._refresh_inbox(announce=True)
        self._refresh_caps()

    def _tamper_or_shift(self, waiting: Waiting | None) -> None:
        """Tampering found and not acknowledged: said plainly, and the supervisor's dialog
        comes before the float (operations wait for it); otherwise the shift opens."""
        self.status.show_tamper(waiting[0] if waiting else None)
        if waiting is None:
            self.ops.query(lambda c: c.queue.snapshot(), success=self._open_shift_if_needed)
            return
        self.messages.show_error(TamperHold(waiting[0]))
        self._ask_supervisor(waiting)

    def acknowledge_tamper(self) -> None:
        self.ops.query(lambda c: c.evidence.waiting(), success=self._ask_supervisor)

    def _ask_supervisor(self, waiting: Waiting | None) -> None:
        if waiting is None:
            self.status.show_tamper(None)
            return
        self.visit.show_dialog(
            TamperDialog(self, self.ops, self.lang, waiting, self._tamper_acknowledged)
        )

    def _tamper_acknowledged(self) -> None:
        self.status.show_tamper(None)
        self._said("tamper_acknowledged")
        self.ops.query(lambda c: c.queue.snapshot(), success=self._open_shift_if_needed)

    def _tamper_badge(self, waiting: Waiting | None) -> None:
        self.status.show_tamper(waiting[0] if waiting else None)

    def _refresh_inbox(self, *, announce: bool) -> None:
        """The status bar's instruction badge; `announce` also says so in the band."""

        def show(pending: list[Instruction]) -> None:
            self.status.show_instructions(len(pending))
            if announce:
                self.visit.show_waiting(pending)

        self.ops.query(lambda c: c.instructions.pending(), success=show)

    def _refresh_caps(self) -> None:
        if self.at_counter():
            self.ops.query(lambda c: c.limits.standing(), success=self.status.show_caps)

    def _open_shift_if_needed(self, snapshot: QueueSnapshot) -> None:
        """No shift open for this clerk: count the float first (the dialog opens the shift)."""
        self._queue_snapshot(snapshot)
        if not snapshot.shift_open:
            self.ops.query(lambda c: c.shifts.opening(), success=self._count_float)

    def _count_float(self, opening: Opening) -> None:
        dialog = ShiftOpenDialog(self, self.ops, self.lang, opening)
        dialog.accepted.connect(
            lambda: self.ops.query(lambda c: c.queue.snapshot(), success=self._queue_snapshot)
        )
        self.visit.show_dialog(dialog)

    def lock_screen(self, reason: str) -> None:
        if self.pages.currentIndex() == COUNTER_PAGE:
            self.ops.run(lambda c: c.session.lock_screen(reason))

    def _show_locked(self) -> None:
        self.idle.timer.stop()
        self.menu_actions.set_signed_in(False)
        if self.visit.dialog is not None:
            self.visit.dialog.close()
        clerk = self.ctx.session.current
        self.lock.prepare(clerk.username if clerk else "")
        self.pages.setCurrentIndex(LOCK_PAGE)
        self._said("screen_locked")

    def _unlocked(self, _clerk: Clerk) -> None:
        self.menu_actions.set_signed_in(True)
        self.pages.setCurrentIndex(COUNTER_PAGE)
        self.messages.clear()
        self.idle.timer.start()
        self.focus_identity()

    def sign_out(self) -> None:
        self.ops.run(lambda c: c.session.sign_out(), success=lambda _r: self._said("signed_out"))

    def close_shift(self) -> None:
        """Count the drawer and close the shift (then sign out): the visit ends here."""
        self._visit_ended()
        self.visit.show_dialog(ShiftCloseDialog(self, self.ops, self.lang, self._shift_closed))

    def _shift_closed(self, _record: dict[str, object]) -> None:
        self.ops.run(lambda c: c.session.sign_out(), success=lambda _r: self._said("shift_closed"))

    def close_day(self) -> None:
        self.visit.show_dialog(DayCloseDialog(self, self.ops, self.lang))

    def _show_sign_in(self) -> None:
        self.idle.timer.stop()
        self.menu_actions.set_signed_in(False)
        self.identity.clear()
        self.visit.clear()
        self.queue.clear()
        self.shift_open = False
        self.pages.setCurrentIndex(SIGN_IN_PAGE)
        self.sign_in.reset()

    def _said(self, key: str) -> None:
        self.messages.show_notice(*tr_both(key))

    # ---- what changed -----------------------------------------------------------------

    def _store_changed(self, change: StoreChanged) -> None:
        if change.touches(*VISIT_ENDS):
            self.identity.clear()
            self.visit.clear()
        if self.pages.currentIndex() == COUNTER_PAGE and change.touches(
            "ticket.", "shift.opened", "shift.closed"
        ):
            self.ops.query(lambda c: c.queue.snapshot(), success=self._queue_snapshot)
        if self.pages.currentIndex() == COUNTER_PAGE and change.touches("bundle.applied"):
            self._refresh_inbox(announce=True)
        elif self.pages.currentIndex() == COUNTER_PAGE and change.touches("instruction"):
            self._refresh_inbox(announce=False)
        if change.touches("payment.", "bundle.applied"):
            self._refresh_caps()
        if change.touches("tamper.detected"):  # found again at the day close
            self.ops.query(lambda c: c.evidence.waiting(), success=self._tamper_badge)

    def _queue_snapshot(self, snapshot: QueueSnapshot) -> None:
        self.shift_open = snapshot.shift_open
        self.ctx.visit.ticket = snapshot.current.label if snapshot.current else ""
        if self.pages.currentIndex() == COUNTER_PAGE:
            self.queue.apply(snapshot)

    def _visit_ended(self) -> None:
        self.identity.clear()
        self.visit.clear()

    def at_counter(self) -> bool:
        return self.pages.currentIndex() == COUNTER_PAGE

    def focus_identity(self) -> None:
        if self.pages.currentIndex() == COUNTER_PAGE and self.visit.dialog is None:
            self.identity.national_id.setFocus()

    def _scan_target(self) -> QLineEdit | None:
        return self.identity.national_id if self.pages.currentIndex() == COUNTER_PAGE else None

    # ---- HQ ---------------------------------------------------------------------------

    def queue_figures(self) -> None:
        clerk = self.ctx.session.current
        if clerk is None or clerk.role not in ("supervisor", "admin"):
            self.messages.show_error(InputError("role", *tr_both("supervisor_only")))
            return
        self.ops.query(lambda c: c.queue.figures(), success=self._show_figures)

    def _show_figures(self, report: dict[str, object]) -> None:
        names = {
            code: f"{letter} {ar}" if self.lang == "ar" else f"{code} {en}"
            for code, letter, ar, en in self.ctx.queue.groups()
        }
        self.figures = QueueFiguresScreen(report, self.lang, names, self)
        self.figures.show()

    def sync_now(self) -> None:
        self.ops.run(lambda c: c.sync.sync_now(), success=lambda _r: self._said("sync_requested"))

    def check_hq(self) -> None:
        self.ops.online(
            "check_hq",
            lambda c: c.sync.check_link(),
            success=lambda acked: self.messages.show_notice(*tr_both("hq_answered", acked=acked)),
        )

    def _online_started(self, handle: OnlineCall) -> None:
        key = handle.label if has(handle.label) else "checking_hq"
        self.messages.show_busy(tr(key, self.lang), tr("cancel_esc", self.lang))

    def _online_ended(self) -> None:
        if not self.ops.online_calls:
            self.messages.end_busy()
            self.focus_identity()

    def cancel_online(self) -> None:
        if self.queue.cancel_prompt():
            return
        for handle in list(self.ops.online_calls):
            handle.cancel()

    # ---- errors and closing ---------------------------------------------------------

    def _unexpected(self, _error: BaseException) -> None:
        self.messages.show_error(InputError("unexpected", *tr_both("unexpected")))

    def confirm_close(self) -> bool:
        """With a shift open, ask before closing (No is the default button)."""
        answer = QMessageBox.question(
            self,
            tr("close_title", self.lang),
            tr("close_with_shift", self.lang),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        if (
            self.shift_open
            and self.pages.currentIndex() == COUNTER_PAGE
            and not self.confirm_close()
        ):
            event.ignore()
            return
        # What was submitted still commits (the lanes finish their work when the
        # workstation closes); nothing more is delivered to a closing window.
        self.idle.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.idle)
            app.removeEventFilter(self._scan_detector)
        for device in (self.ctx.scanner, self.ctx.mrz_reader):
            device.stop()
        self.bridge.close()
        self.inbox.close()
        super().closeEvent(event)
