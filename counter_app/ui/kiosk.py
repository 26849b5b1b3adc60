"""The ticket kiosk: full screen, touch, Arabic first.

The citizen touches a service group (after a priority button, if it applies to them); the
ticket is issued by the office's queue (the host, or this workstation), printed with the
office, group, number, time, the people ahead, the estimated wait and a QR, and shown in
large figures for a few seconds. A ticket that could not be printed still stands: the
screen says so and shows the number to write down.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.domain.errors import BilingualError
from counter_app.domain.queue import CATEGORY_NAMES
from counter_app.services.context import AppContext
from counter_app.services.printing import PrintOutcome
from counter_app.services.queue import TicketView
from counter_app.ui.inbox import GuiInbox
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.queue_panel import ticket_text
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named

SHOW_TICKET_MS = 8000


class Kiosk(QWidget):
    def __init__(self, ctx: AppContext, lang: str = "ar") -> None:
        super().__init__()
        self.setObjectName("kiosk")
        self.setWindowTitle(tr("app_title", lang))
        self.lang = lang
        self.ctx = ctx
        self.inbox = GuiInbox(self)
        self.ops = OpRunner(ctx, self.inbox, self._failed, lambda _e: self._failed(None))
        self.category = "normal"
        self.setStyleSheet(
            "#kiosk { background: #f4f1e8; }"
            "QPushButton { font-size: 26pt; padding: 12px; border-radius: 12px;"
            " background: #0b3d2e; color: white; }"
            "QPushButton:checked { background: #c62828; }"
        )
        self._build(ctx, lang)
        self._clear_timer = QTimer(self)
        self._clear_timer.setSingleShot(True)
        self._clear_timer.setInterval(SHOW_TICKET_MS)
        self._clear_timer.timeout.connect(self._clear)

    def _build(self, ctx: AppContext, lang: str) -> None:
        office = ctx.config.office.name_ar if lang == "ar" else ctx.config.office.name_en
        title = named(QLabel(office), "kiosk_office")
        title.setStyleSheet("font-size: 30pt; font-weight: bold;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        prompt = QLabel(tr("kiosk_title", lang))
        prompt.setStyleSheet("font-size: 24pt;")
        prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)

        grid = QGridLayout()
        grid.setSpacing(12)
        self.group_buttons: dict[str, QPushButton] = {}
        for i, (code, letter, name_ar, name_en) in enumerate(ctx.queue.groups()):
            text = f"{letter}   {name_ar}" if lang == "ar" else f"{code}   {name_en}"
            button = named(QPushButton(text), f"kiosk_group_{code}")
            button.setMinimumHeight(96)
            button.clicked.connect(lambda _=False, g=code: self.take(g))
            grid.addWidget(button, i // 2, i % 2)
            self.group_buttons[code] = button

        priority = QHBoxLayout()
        label = QLabel(tr("kiosk_priority", lang))
        label.setStyleSheet("font-size: 20pt;")
        priority.addWidget(label)
        self.priority_buttons: dict[str, QPushButton] = {}
        for category, (ar, en) in CATEGORY_NAMES.items():
            if category == "normal":
                continue
            button = named(QPushButton(ar if lang == "ar" else en), f"kiosk_priority_{category}")
            button.setCheckable(True)
            button.setStyleSheet("font-size: 20pt; padding: 10px;")
            button.clicked.connect(lambda checked, c=category: self._priority(c, checked))
            priority.addWidget(button)
            self.priority_buttons[category] = button

        self.result = named(QLabel(""), "kiosk_result")
        self.result.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result.setStyleSheet("font-size: 34pt; font-weight: bold; color: #0b3d2e;")
        self.result.setMinimumHeight(150)
        self.result.setWordWrap(True)
        self.notice = named(QLabel(""), "kiosk_notice")
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setStyleSheet("font-size: 20pt; color: #c62828;")
        self.notice.setWordWrap(True)

        column = QVBoxLayout(self)
        column.addWidget(title)
        column.addWidget(prompt)
        column.addLayout(grid, 2)
        column.addLayout(priority)
        column.addWidget(self.result, 1)
        column.addWidget(self.notice)

    def take(self, group: str) -> None:
        category = self.category
        for button in self.group_buttons.values():
            button.setEnabled(False)  # one touch, one ticket
        self.ops.run(
            lambda c: c.queue.issue_ticket(group, print_ticket=True, kiosk=True, category=category),
            success=self._issued,
            failure=self._failed,
        )

    def _priority(self, category: str, checked: bool) -> None:
        for other, button in self.priority_buttons.items():
            if other != category:
                button.setChecked(False)
        self.category = category if checked else "normal"

    def _issued(self, ticket: TicketView) -> None:
        self._enable()
        for button in self.priority_buttons.values():
            button.setChecked(False)  # a priority is for one ticket
        self.category = "normal"
        shown = ticket_text(ticket, self.lang)
        self.result.setText(
            tr(
                "kiosk_ticket",
                self.lang,
                n=shown,
                ahead=ticket.ahead,
                minutes=ticket.estimated_wait_min,
            )
        )
        self.notice.clear()
        if ticket.print_job is not None:
            job = ticket.print_job
            self.ops.watch(
                lambda c: c.printing.submit(job, "kiosk", certificate=False),
                success=self._printed,
            )
        self._clear_timer.start()

    def _printed(self, outcome: PrintOutcome) -> None:
        if outcome.status != "printed":
            self.notice.setText(
                tr("ticket_not_printed", self.lang, n="", reason=outcome.error or "")
            )

    def _failed(self, error: BilingualError | None) -> None:
        self._enable()
        self.result.clear()
        detail = f"\n{error.message(self.lang)}" if error is not None else ""
        self.notice.setText(tr("kiosk_failed", self.lang) + detail)
        self._clear_timer.start()

    def _enable(self) -> None:
        for button in self.group_buttons.values():
            button.setEnabled(True)

    def _clear(self) -> None:
        self.result.clear()
        self.notice.clear()
        for button in self.priority_buttons.values():
            button.setChecked(False)
        self.category = "normal"

    def close_kiosk(self) -> None:
        self.inbox.close()
