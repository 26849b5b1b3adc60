"""Printing a certificate again on a new sheet (Ctrl+P). After a printer failure the
clerk scans a fresh sheet and prints it (the failed sheet is already recorded spoiled);
a copy of a certificate that did print needs a supervisor's own credentials."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLineEdit, QPushButton, QWidget

from counter_app.domain.errors import BilingualError
from counter_app.services.context import AppContext
from counter_app.services.printing import PrintOutcome
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.strings import tr, tr_both
from counter_app.ui.widgets import named


class ReprintDialog(ScreenDialog):
    def __init__(
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        printed: Callable[[PrintOutcome], None],
    ) -> None:
        super().__init__(parent, ops, lang, "reprint_title")
        self.setObjectName("reprint_dialog")
        self._printed = printed
        form = QFormLayout()
        self.number = named(QLineEdit(), "reprint_number")
        self.sheet = named(QLineEdit(), "reprint_sheet")
        self.username = named(QLineEdit(), "reprint_supervisor")
        self.pin = named(QLineEdit(), "reprint_pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        for field in (self.number, self.sheet, self.username, self.pin):
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        form.addRow(tr("certificate_number", lang), self.number)
        form.addRow(tr("sheet_serial", lang), self.sheet)
        form.addRow(tr("supervisor", lang), self.username)
        form.addRow(tr("pin", lang), self.pin)
        self.layout_.addLayout(form)
        self.confirm = named(QPushButton(tr("print_again", lang)), "reprint_confirm")
        self.confirm.setAutoDefault(False)
        self.layout_.addWidget(self.confirm)
        self.number.returnPressed.connect(self._look_up)
        self.sheet.returnPressed.connect(self._after_sheet)
        self.username.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.needs_supervisor = False
        ops.query(lambda c: c.payments.last_certificate_number(), success=self._prefill)

    def _prefill(self, number: int) -> None:
        if number:
            self.number.setText(str(number))
        self._look_up()

    def _look_up(self) -> None:
        text = self.number.text().strip()
        if not text.isdigit():
            self.number.setFocus()
            return
        number = int(text)
        self.ops.query(lambda c: c.visit.certificate_needs_supervisor(number), success=self._needs)

    def _needs(self, needs: bool) -> None:
        self.needs_supervisor = needs
        self.username.setEnabled(needs)
        self.pin.setEnabled(needs)
        if needs:
            self.messages.show_notice(*tr_both("reprint_is_copy"))
        self.sheet.setFocus()

    def _after_sheet(self) -> None:
        if self.needs_supervisor:
            self.username.setFocus()
        else:
            self.submit()

    def submit(self) -> None:
        text = self.number.text().strip()
        number = int(text) if text.isdigit() else 0
        sheet, username, pin = self.sheet.text(), self.username.text(), self.pin.text()
        self.pin.clear()

        def again(c: AppContext) -> PrintOutcome:
            return c.visit.print_certificate_again(number, sheet, username, pin).result()

        self.ops.online("printing_again", again, success=self._done, failure=self._refused)

    def _refused(self, error: BilingualError) -> None:
        self.show_error(error)
        self.sheet.setFocus()
        self.sheet.selectAll()

    def _done(self, outcome: PrintOutcome) -> None:
        self.accept()
        self._printed(outcome)
