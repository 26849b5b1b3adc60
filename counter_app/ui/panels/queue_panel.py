"""The queue panel: the ticket being served, how many wait, and the calls a clerk makes.

Buttons never take the keyboard focus (a click must not steal the scanner's field), and
every call says what it did in the message area. The main window hands the panel a new
snapshot (`apply`) whenever the store's queue changed, whoever changed it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from counter_app.domain.errors import BilingualError, InputError
from counter_app.services.printing import PrintOutcome
from counter_app.services.queue import QueueSnapshot, TicketView
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.common import MessageArea, Panel
from counter_app.ui.strings import number, tr, tr_both
from counter_app.ui.widgets import named


class QueuePanel(Panel):
    def __init__(
        self, ops: OpRunner, lang: str, messages: MessageArea, on_done: Callable[[], None]
    ) -> None:
        super().__init__(tr("queue", lang))
        self.setObjectName("queue_panel")
        self._ops = ops
        self._lang = lang
        self._messages = messages
        self._on_done = on_done  # where the focus goes after an action (the ID field)
        self.body.addWidget(QLabel(tr("current_ticket", lang)))
        self.current = named(QLabel(tr("no_ticket", lang)), "current_ticket")
        self.current.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.current.setStyleSheet("font-size: 40pt; font-weight: bold;")
        self.current.setFixedHeight(self.current.fontMetrics().height() + 16)
        self.body.addWidget(self.current)
        self.waiting = named(QLabel(), "waiting_count")
        self.body.addWidget(self.waiting)
        self.buttons: dict[str, QPushButton] = {}
        for key, label, slot in (
            ("call", "call_next", self.call_next),
            ("served", "finish_served", lambda: self.finish("served")),
            ("no_show", "no_show", lambda: self.finish("no_show")),
            ("recall", "recall", self.recall),
            ("issue", "issue_ticket", self.issue_ticket),
        ):
            button = named(QPushButton(tr(label, lang)), f"queue_{key}")
            button.setMinimumHeight(40)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            self.body.addWidget(button)
            self.buttons[key] = button
        self.body.addStretch(1)

    # ---- actions -------------------------------------------------------------------------

    def issue_ticket(self) -> None:
        self._ops.run(
            lambda c: c.queue.issue_ticket(print_ticket=True),
            success=self._issued,
            failure=self._refused,
        )

    def call_next(self) -> None:
        self._ops.run(lambda c: c.queue.call_next(), success=self._called, failure=self._refused)

    def finish(self, outcome: str) -> None:
        self._ops.run(
            lambda c: c.queue.finish_current(outcome),
            success=self._finished,
            failure=self._refused,
        )

    def undo(self) -> None:
        self._ops.run(
            lambda c: c.queue.undo_finish(), success=self._reopened, failure=self._refused
        )

    def recall(self) -> None:
        self._ops.run(
            lambda c: c.queue.recall_current(), success=self._recalled, failure=self._refused
        )

    def apply(self, snapshot: QueueSnapshot) -> None:
        self.current.setText(
            number(snapshot.current.number, self._lang)
            if snapshot.current
            else tr("no_ticket", self._lang)
        )
        self.waiting.setText(tr("waiting_n", self._lang, n=snapshot.waiting))

    def clear(self) -> None:
        self.current.setText(tr("no_ticket", self._lang))
        self.waiting.clear()

    # ---- outcomes ------------------------------------------------------------------------

    def _say(self, key: str, **values: object) -> None:
        self._messages.show_notice(*tr_both(key, **values))
        self._on_done()

    def _refused(self, error: BilingualError) -> None:
        self._messages.show_error(error)
        self._on_done()

    def _issued(self, ticket: TicketView) -> None:
        self._say("ticket_issued", n=ticket.number)
        if ticket.print_job is not None:
            job = ticket.print_job
            self._ops.watch(
                lambda c: c.printing.submit(job, c.session.current_username(), certificate=False),
                success=lambda outcome: self._printed(ticket, outcome),
            )

    def _printed(self, ticket: TicketView, outcome: PrintOutcome) -> None:
        if outcome.status == "printed":
            return
        ar, en = tr_both("ticket_not_printed", n=ticket.number, reason=outcome.error or "")
        self._messages.show_error(InputError("printer", ar, en))

    def _called(self, ticket: TicketView | None) -> None:
        if ticket is None:
            self._say("nobody_waiting")
        else:
            self._say("ticket_called", n=ticket.number)

    def _finished(self, ticket: TicketView) -> None:
        key = "ticket_served" if ticket.status == "served" else "ticket_no_show"
        self._say(key, n=ticket.number)

    def _reopened(self, ticket: TicketView) -> None:
        self._say("ticket_reopened", n=ticket.number)

    def _recalled(self, ticket: TicketView) -> None:
        self._say("ticket_recalled", n=ticket.number)
