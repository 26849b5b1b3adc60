"""The tender: how the citizen pays the visit's total. Cash (amount handed over, change
computed by the domain), bank card (the simulated terminal charges it; with the bank's
standalone terminal the clerk types the approval code it printed), prepaid service card
(HQ authorises it online), or several at once. One Enter, one payment: the confirm
button is spent on the first press, and the visit's confirmation is paid only once.
A payment that would take the window beyond its unsynced caps is refused with the
figures, and the dialog then asks for a supervisor's username and PIN in place."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from counter_app.domain.errors import BilingualError, InputError
from counter_app.domain.money import Money
from counter_app.domain.visit import Tender, check_approval_code
from counter_app.services.visit import PaymentOutcome
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.strings import tr, tr_both
from counter_app.ui.widgets import named


class TenderDialog(ScreenDialog):
    def __init__(
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        paid: Callable[[PaymentOutcome], None],
    ) -> None:
        super().__init__(parent, ops, lang, "tender_title")
        self.setObjectName("tender_dialog")
        self._paid = paid
        self.paying = False
        visit = ops.ctx.visit
        self.total = visit.basket.total
        self.needs_code = visit.card_terminal.needs_clerk_code
        heading = named(
            QLabel(tr("total_due", lang, amount=self.total.format(lang))), "tender_total"
        )
        heading.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.layout_.addWidget(heading)
        form = QFormLayout()
        self.cash = self._amount_field("tender_cash", self.total)
        self.card = self._amount_field("tender_card", Money(0))
        self.approval = named(QLineEdit(), "tender_approval")
        self.prepaid = self._amount_field("tender_prepaid", Money(0))
        self.prepaid_number = named(QLineEdit(), "tender_prepaid_number")
        for field in (self.approval, self.prepaid_number):
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        form.addRow(tr("cash_tendered", lang), self.cash)
        form.addRow(tr("card_amount", lang), self.card)
        if self.needs_code:
            form.addRow(tr("approval_code", lang), self.approval)
        form.addRow(tr("prepaid_amount", lang), self.prepaid)
        form.addRow(tr("prepaid_number", lang), self.prepaid_number)
        self.layout_.addLayout(form)
        self.supervisor = named(QLineEdit(), "tender_supervisor")
        self.supervisor_pin = named(QLineEdit(), "tender_supervisor_pin")
        self.supervisor_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.approval_form = QFormLayout()
        self.approval_form.addRow(tr("supervisor", lang), self.supervisor)
        self.approval_form.addRow(tr("pin", lang), self.supervisor_pin)
        for field in (self.supervisor, self.supervisor_pin):
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            field.hide()
            self.approval_form.labelForField(field).hide()
        self.supervisor.returnPressed.connect(self.supervisor_pin.setFocus)
        self.supervisor_pin.returnPressed.connect(self.pay)
        self.layout_.addLayout(self.approval_form)
        self.change = named(QLabel(), "tender_change")
        self.change.setStyleSheet("font-size: 18pt; font-weight: bold; color: #1b4d2b;")
        self.layout_.addWidget(self.change)
        self.confirm = named(QPushButton(tr("confirm_pay", lang)), "tender_confirm")
        self.confirm.setAutoDefault(False)
        self.layout_.addWidget(self.confirm)
        for field in (self.cash, self.card, self.approval, self.prepaid, self.prepaid_number):
            field.returnPressed.connect(self.pay)
            field.textChanged.connect(self._preview)
        self.confirm.clicked.connect(self.pay)
        self._preview()
        self.cash.setFocus()
        self.cash.selectAll()

    def _amount_field(self, name: str, amount: Money) -> QLineEdit:
        field = named(QLineEdit(f"{amount.as_decimal():.2f}" if amount.piastres else ""), name)
        field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        field.setStyleSheet("font-size: 16pt;")
        return field

    def tenders(self) -> list[Tender]:
        """What the clerk typed, as tenders; empty fields are no tender."""
        tenders = []
        if self.card.text().strip():
            code = check_approval_code(self.approval.text()) if self.needs_code else ""
            tenders.append(Tender("card", Money.parse(self.card.text()), code))
        if self.prepaid.text().strip():
            tenders.append(
                Tender("prepaid", Money.parse(self.prepaid.text()), self.prepaid_number.text())
            )
        if self.cash.text().strip():
            tenders.append(Tender("cash", Money.parse(self.cash.text())))
        return tenders

    def _preview(self) -> None:
        try:
            change = self.ops.ctx.visit.preview(self.tenders())
        except InputError as error:
            self.change.setText(error.message(self.lang))
            self.change.setStyleSheet("font-size: 14pt; color: #8a0010;")
            return
        self.change.setStyleSheet("font-size: 18pt; font-weight: bold; color: #1b4d2b;")
        self.change.setText(tr("change_due", self.lang, amount=change.format(self.lang)))

    def pay(self) -> None:
        if self.paying:
            return  # Enter again while the payment is under way: nothing more
        try:
            request = self.ops.ctx.visit.request(self.tenders())
            self.ops.ctx.visit.preview(list(request.tenders))
        except BilingualError as error:
            self.show_error(error)
            return
        self.paying = True
        self.confirm.setEnabled(False)
        username, pin = self.supervisor.text(), self.supervisor_pin.text()
        self.ops.online(
            "paying",
            lambda c: c.visit.pay(request, username, pin),
            success=self._done,
            failure=self._refused,
        )

    def cancel_online(self) -> None:
        """A confirmed payment is not a question to HQ: it may already be committed, so
        it is never cancelled from here (its answer must reach the clerk)."""
        if self.paying:
            self.messages.show_notice(*tr_both("payment_under_way"))
            return
        super().cancel_online()

    def reject(self) -> None:
        if self.paying:
            self.cancel_online()
            return
        super().reject()

    def _refused(self, error: BilingualError) -> None:
        self.paying = False
        self.confirm.setEnabled(True)
        self.show_error(error)
        if error.code == "unsynced_cap" or self.supervisor.isVisible():
            self._ask_supervisor()

    def _ask_supervisor(self) -> None:
        """Beyond a cap: the supervisor types their own username and PIN here."""
        for field in (self.supervisor, self.supervisor_pin):
            field.show()
            self.approval_form.labelForField(field).show()
        self.supervisor_pin.clear()
        target = self.supervisor_pin if self.supervisor.text() else self.supervisor
        target.setFocus()

    def _done(self, outcome: PaymentOutcome) -> None:
        self.accept()
        self._paid(outcome)
