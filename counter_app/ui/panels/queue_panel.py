"""The queue panel: the ticket being served, how many wait, and the calls a clerk makes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from counter_app.domain.errors import InputError
from counter_app.services.queue import QueueSnapshot, TicketView
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.common import ErrorLine, Panel
from counter_app.ui.strings import number, tr
from counter_app.ui.widgets import named


class QueuePanel(Panel):
    def __init__(self, ops: OpRunner, lang: str) -> None:
        super().__init__(tr("queue", lang))
        self.setObjectName("queue_panel")
        self._ops = ops
        self._lang = lang
        self.body.addWidget(QLabel(tr("current_ticket", lang)))
        self.current = named(QLabel(tr("no_ticket", lang)), "current_ticket")
        self.current.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.current.setStyleSheet("font-size: 40pt; font-weight: bold;")
        self.current.setFixedHeight(self.current.fontMetrics().height() + 16)
        self.body.addWidget(self.current)
        self.waiting = named(QLabel(), "waiting_count")
        self.body.addWidget(self.waiting)
        self.notice = named(QLabel(), "queue_notice")
        self.body.addWidget(self.notice)
        self.error = ErrorLine()
        self.body.addWidget(self.error)
        self.issue_button = QPushButton(tr("issue_ticket", lang))
        self.call_button = QPushButton(tr("call_next", lang))
        self.served_button = QPushButton(tr("finish_served", lang))
        self.no_show_button = QPushButton(tr("no_show", lang))
        for button in (
            self.call_button,
            self.served_button,
            self.no_show_button,
            self.issue_button,
        ):
            button.setMinimumHeight(40)
            self.body.addWidget(button)
        self.body.addStretch(1)
        self.issue_button.clicked.connect(self.issue_ticket)
        self.call_button.clicked.connect(self.call_next)
        self.served_button.clicked.connect(lambda: self.finish("served"))
        self.no_show_button.clicked.connect(lambda: self.finish("no_show"))

    def issue_ticket(self) -> None:
        self._ops.run(lambda c: c.queue.issue_ticket(print_ticket=True)).success(
            self._issued
        ).failure(self.error.show_error)

    def call_next(self) -> None:
        self._ops.run(lambda c: c.queue.call_next()).success(self._called).failure(
            self.error.show_error
        )

    def finish(self, outcome: str) -> None:
        self._ops.run(lambda c: c.queue.finish_current(outcome)).success(
            lambda _t: self.refresh()
        ).failure(self.error.show_error)

    def refresh(self) -> None:
        self._ops.run(lambda c: c.queue.snapshot()).success(self.apply)

    def apply(self, snapshot: QueueSnapshot) -> None:
        self.current.setText(
            number(snapshot.current.number, self._lang)
            if snapshot.current
            else tr("no_ticket", self._lang)
        )
        self.waiting.setText(tr("waiting_n", self._lang, n=snapshot.waiting))

    def _issued(self, ticket: TicketView) -> None:
        self.error.clear_error()
        if ticket.print_status == "failed":
            reason = ticket.print_error or ""
            self.error.show_error(
                InputError(
                    "printer",
                    tr("ticket_not_printed", "ar", n=ticket.number, reason=reason),
                    tr("ticket_not_printed", "en", n=ticket.number, reason=reason),
                )
            )
            self.notice.clear()  # the error already says the ticket was issued
        else:
            self.notice.setText(tr("ticket_issued", self._lang, n=ticket.number))
        self.refresh()

    def _called(self, ticket: TicketView | None) -> None:
        self.error.clear_error()
        self.notice.setText("" if ticket else tr("nobody_waiting", self._lang))
        self.refresh()
