"""The queue panel: the ticket being served, how many wait, and the calls a clerk makes.

One key each: call next (F2), served (F3), issue (F4), recall (F5), no-show (F6), park
(F11), resume a parked ticket (Shift+F11), transfer (F12: type a group's letter or a
window's number, Enter), the citizen's rating (Ctrl+1 to Ctrl+5, or the large buttons on a
screen the citizen can reach). Buttons never take the keyboard focus (a click must not
steal the scanner's field), and every call says what it did in the message area. The main
window hands the panel a new snapshot (`apply`) whenever the queue changed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton

from counter_app.domain.errors import BilingualError, InputError
from counter_app.domain.text import to_arabic_indic
from counter_app.services.printing import PrintOutcome
from counter_app.services.queue import QueueSnapshot, TicketView
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.common import MessageArea, Panel
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named


def ticket_text(ticket: TicketView, lang: str) -> str:
    """How a ticket is shown: "م ١٧" in Arabic, "T-17" in English."""
    if lang == "ar":
        return f"{ticket.letter} {to_arabic_indic(str(ticket.number))}"
    return ticket.label


class QueuePanel(Panel):
    def __init__(
        self,
        ops: OpRunner,
        lang: str,
        messages: MessageArea,
        on_done: Callable[[], None],
        on_visit_end: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(tr("queue", lang))
        self.setObjectName("queue_panel")
        self._ops = ops
        self._lang = lang
        self._messages = messages
        self._on_done = on_done  # where the focus goes after an action (the ID field)
        self._on_visit_end = on_visit_end  # the citizen on screen has gone
        self.snapshot: QueueSnapshot | None = None
        self.body.addWidget(QLabel(tr("current_ticket", lang)))
        self.current = named(QLabel(tr("no_ticket", lang)), "current_ticket")
        self.current.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.current.setStyleSheet("font-size: 40pt; font-weight: bold;")
        self.current.setFixedHeight(self.current.fontMetrics().height() + 16)
        self.body.addWidget(self.current)
        counts = QHBoxLayout()
        self.waiting = named(QLabel(), "waiting_count")
        self.parked = named(QLabel(), "parked_tickets")
        counts.addWidget(self.waiting)
        counts.addStretch(1)
        counts.addWidget(self.parked)
        self.body.addLayout(counts)
        self.host = named(QLabel(), "queue_host_state")
        self.host.setWordWrap(True)
        self.host.setStyleSheet("color: #a00; font-weight: bold;")
        self.host.hide()
        self.body.addWidget(self.host)
        # Transfer and resume take a short answer here, typed, Enter to confirm, Esc to drop.
        self.prompt = named(QLabel(), "queue_prompt")
        self.answer = named(QLineEdit(), "queue_answer")
        self.answer.setMaxLength(16)
        self.answer.returnPressed.connect(self._answered)
        self._asking: str = ""
        for widget in (self.prompt, self.answer):
            widget.hide()
            self.body.addWidget(widget)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(4)
        for i, (key, label, slot) in enumerate(
            (
                ("call", "call_next", self.call_next),
                ("served", "finish_served", lambda: self.finish("served")),
                ("no_show", "no_show", lambda: self.finish("no_show")),
                ("recall", "recall", self.recall),
                ("park", "park", self.park),
                ("resume", "resume", self.resume),
                ("transfer", "transfer", self.transfer),
                ("issue", "issue_ticket", self.issue_ticket),
            )
        ):
            button = named(QPushButton(tr(label, lang)), f"queue_{key}")
            button.setMinimumHeight(32)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(slot)
            grid.addWidget(button, i // 2, i % 2)
            self.buttons[key] = button
        self.body.addLayout(grid)
        self._rating_row(lang)
        self._set_rating_due(False)
        self.body.addStretch(1)

    def _rating_row(self, lang: str) -> None:
        self.rate_label = QLabel(tr("rate_prompt", lang))
        self.rate_label.setWordWrap(True)
        self.body.addWidget(self.rate_label)
        row = QHBoxLayout()
        self.rate_buttons: list[QPushButton] = []
        for n in range(1, 6):
            button = named(
                QPushButton(to_arabic_indic(str(n)) if lang == "ar" else str(n)), f"rate_{n}"
            )
            button.setMinimumHeight(36)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, r=n: self.rate(r))
            row.addWidget(button)
            self.rate_buttons.append(button)
        self.body.addLayout(row)

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

    def park(self) -> None:
        self._ops.run(lambda c: c.queue.act("park"), success=self._parked, failure=self._refused)

    def start_if_called(self) -> None:
        """The citizen is at the window (their identity was captured): service starts."""
        current = self.snapshot.current if self.snapshot else None
        if current is not None and current.status == "called":
            self._ops.run(lambda c: c.queue.act("start"), failure=lambda _e: None)

    def resume(self) -> None:
        parked = self.snapshot.parked if self.snapshot else ()
        if len(parked) == 1:
            self._resume(parked[0].label)
            return
        labels = ", ".join(ticket_text(p, self._lang) for p in parked)
        self._ask("resume", f"{tr('resume_prompt', self._lang)} {labels}")

    def transfer(self) -> None:
        groups = ", ".join(
            letter if self._lang == "ar" else code
            for code, letter, _ar, _en in self._ops.ctx.queue.groups()
        )
        self._ask("transfer", tr("transfer_prompt", self._lang, groups=groups))

    def rate(self, rating: int) -> None:
        self._ops.run(
            lambda c: c.queue.rate(rating),
            success=lambda t: self._rated(t, rating),
            failure=self._refused,
        )

    def cancel_prompt(self) -> bool:
        if not self._asking:
            return False
        self._asking = ""
        self.prompt.hide()
        self.answer.hide()
        self._on_done()
        return True

    def apply(self, snapshot: QueueSnapshot) -> None:
        self.snapshot = snapshot
        current = snapshot.current
        self.current.setText(
            ticket_text(current, self._lang) if current else tr("no_ticket", self._lang)
        )
        self.waiting.setText(tr("waiting_n", self._lang, n=snapshot.waiting))
        parked = ", ".join(ticket_text(p, self._lang) for p in snapshot.parked)
        self.parked.setText(tr("parked_n", self._lang, n=parked) if parked else "")
        state = {"away": "host_away", "host": "host_ok"}.get(snapshot.host)
        self.host.setText(tr(state, self._lang) if state else "")
        self.host.setVisible(snapshot.host == "away")

    def clear(self) -> None:
        self.snapshot = None
        self.current.setText(tr("no_ticket", self._lang))
        self.waiting.clear()
        self.parked.clear()
        self._set_rating_due(False)

    # ---- the short answer ------------------------------------------------------------------

    def _ask(self, what: str, prompt: str) -> None:
        self._asking = what
        self.prompt.setText(prompt)
        self.answer.clear()
        self.prompt.show()
        self.answer.show()
        self.answer.setFocus()

    def _answered(self) -> None:
        what, text = self._asking, self.answer.text().strip()
        self.cancel_prompt()
        if not text:
            return
        if what == "resume":
            parked = self.snapshot.parked if self.snapshot else ()
            chosen = [
                p.label
                for p in parked
                if text
                in (p.label, str(p.number), ticket_text(p, "ar"), to_arabic_indic(str(p.number)))
            ]
            self._resume(chosen[0] if chosen else text)
        elif what == "transfer":
            self._transfer(text)

    def _resume(self, label: str) -> None:
        self._ops.run(
            lambda c: c.queue.act("resume", label=label),
            success=lambda t: self._say_ticket("ticket_resumed", t),
            failure=self._refused,
        )

    def _transfer(self, text: str) -> None:
        digits = text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
        target: dict[str, object]
        if digits.isdigit():
            target = {"to_window": int(digits)}
            shown = tr("window_n", self._lang, n=int(digits))
        else:
            groups = {code: code for code, *_ in self._ops.ctx.queue.groups()}
            groups.update({letter: code for code, letter, *_ in self._ops.ctx.queue.groups()})
            target = {"group": groups.get(text.upper(), groups.get(text, text))}
            shown = text
        self._ops.run(
            lambda c: c.queue.transfer(**target),  # type: ignore[arg-type]
            success=lambda _t: self._transferred(shown),
            failure=self._refused,
        )

    # ---- outcomes ------------------------------------------------------------------------

    def _say_ticket(self, key: str, ticket: TicketView, **values: object) -> None:
        ar = tr(key, "ar", n="\u2068" + ticket_text(ticket, "ar") + "\u2069", **values)
        en = tr(key, "en", n=ticket.label, **values)
        self._messages.show_notice(ar, en)
        self._on_done()

    def _refused(self, error: BilingualError) -> None:
        self._messages.show_error(error)
        self._on_done()

    def _issued(self, ticket: TicketView) -> None:
        self._say_ticket("ticket_issued", ticket)
        if ticket.print_job is not None:
            job = ticket.print_job
            self._ops.watch(
                lambda c: c.printing.submit(job, c.session.current_username(), certificate=False),
                success=lambda outcome: self._printed(ticket, outcome),
            )

    def _printed(self, ticket: TicketView, outcome: PrintOutcome) -> None:
        if outcome.status == "printed":
            return
        ar = tr("ticket_not_printed", "ar", n=ticket_text(ticket, "ar"), reason=outcome.error or "")
        en = tr("ticket_not_printed", "en", n=ticket.label, reason=outcome.error or "")
        self._messages.show_error(InputError("printer", ar, en))

    def show_called(self, ticket: TicketView | None) -> None:
        self._called(ticket)

    def _called(self, ticket: TicketView | None) -> None:
        self._set_rating_due(False)
        if ticket is None:
            self._messages.show_notice(tr("nobody_waiting", "ar"), tr("nobody_waiting", "en"))
            self._on_done()
        else:
            self._on_visit_end()
            self._say_ticket("ticket_called", ticket)

    def _finished(self, ticket: TicketView) -> None:
        self._on_visit_end()
        key = "ticket_served" if ticket.status == "served" else "ticket_no_show"
        self._set_rating_due(ticket.status == "served")
        self._say_ticket(key, ticket)

    def _parked(self, ticket: TicketView) -> None:
        self._on_visit_end()
        self._say_ticket("ticket_parked", ticket)

    def _transferred(self, shown: str) -> None:
        self._on_visit_end()
        self._messages.show_notice(
            tr("ticket_transferred", "ar", to=shown), tr("ticket_transferred", "en", to=shown)
        )
        self._on_done()

    def _rated(self, ticket: TicketView, rating: int) -> None:
        self._set_rating_due(False)
        self._say_ticket("ticket_rated", ticket, rating=rating)

    def _reopened(self, ticket: TicketView) -> None:
        self._say_ticket("ticket_reopened", ticket)

    def _recalled(self, ticket: TicketView) -> None:
        self._say_ticket("ticket_recalled", ticket)

    def _set_rating_due(self, due: bool) -> None:
        for button in self.rate_buttons:
            button.setEnabled(due)
        self.rate_label.setEnabled(due)
