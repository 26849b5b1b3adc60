"""The void, approved in place by a supervisor with their own credentials: the dialog
says exactly what is approved before anything is asked of them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from counter_app.domain.errors import BilingualError
from counter_app.domain.money import Money
from counter_app.services.visit import PaymentOutcome
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named


class VoidDialog(ScreenDialog):
    def __init__(
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        voided: Callable[[PaymentOutcome], None],
    ) -> None:
        super().__init__(parent, ops, lang, "approval_title")
        self.setObjectName("void_dialog")
        self._voided = voided
        self.amount: Money | None = None
        form = QFormLayout()
        self.receipt = named(QLineEdit(), "void_receipt")
        self.receipt.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.reason = named(QLineEdit(), "void_reason")
        form.addRow(tr("void_receipt_number", lang), self.receipt)
        form.addRow(tr("void_reason", lang), self.reason)
        self.layout_.addLayout(form)
        self.what = named(QLabel(), "approval_what")
        self.what.setWordWrap(True)
        self.what.setStyleSheet("font-size: 14pt; font-weight: bold; padding: 6px;")
        self.layout_.addWidget(self.what)
        approver = QFormLayout()
        self.username = named(QLineEdit(), "approver_username")
        self.pin = named(QLineEdit(), "approver_pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        for field in (self.username, self.pin):
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        approver.addRow(tr("supervisor", lang), self.username)
        approver.addRow(tr("pin", lang), self.pin)
        self.layout_.addLayout(approver)
        self.approve = named(QPushButton(tr("approve", lang)), "approve")
        self.approve.setAutoDefault(False)
        self.layout_.addWidget(self.approve)
        self.receipt.returnPressed.connect(self.reason.setFocus)
        self.receipt.editingFinished.connect(self._look_up)
        self.reason.textChanged.connect(self._describe)
        self.reason.returnPressed.connect(self.username.setFocus)
        self.username.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)
        self.approve.clicked.connect(self.submit)
        self.receipt.setFocus()

    def _look_up(self) -> None:
        text = self.receipt.text().strip()
        if not text.isdigit():
            return
        number = int(text)
        self.ops.query(lambda c: c.payments.receipt_total(number), success=self._found)

    def _found(self, amount: Money | None) -> None:
        self.amount = amount
        self._describe()

    def _describe(self) -> None:
        if self.amount is None:
            self.what.clear()
            return
        self.what.setText(
            tr(
                "approve_void",
                self.lang,
                receipt=self.receipt.text().strip(),
                amount=self.amount.format(self.lang),
                reason=self.reason.text().strip() or "…",
            )
        )

    def submit(self) -> None:
        text = self.receipt.text().strip()
        number = int(text) if text.isdigit() else 0
        reason, username, pin = self.reason.text(), self.username.text(), self.pin.text()
        self.pin.clear()
        self.ops.run(
            lambda c: c.visit.void(number, reason, username, pin),
            success=self._done,
            failure=self._refused,
        )

    def _refused(self, error: BilingualError) -> None:
        self.show_error(error)
        self.pin.setFocus()

    def _done(self, outcome: PaymentOutcome) -> None:
        self.accept()
        self._voided(outcome)
