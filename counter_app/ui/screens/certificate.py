"""The certificate screen: HQ confirms live that nothing is outstanding, the clerk
completes the name and numbers as printed, scans the security sheet's serial, and the
certificate joins the visit (it prints after the payment). Offline it is refused."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from counter_app.domain.catalogue import Service
from counter_app.domain.errors import BilingualError
from counter_app.domain.visit import VisitLine
from counter_app.services.certificate_issue import CertificateOrder
from counter_app.services.kinds.certificate import Clearance
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.strings import ltr, tr, tr_both
from counter_app.ui.widgets import named


class CertificateScreen(ScreenDialog):
    def __init__(
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        service: Service,
        national_id: str,
        added: Callable[[Service], None],
    ) -> None:
        civil = service.authority == "civil_registry"
        super().__init__(parent, ops, lang, "civil_extract_title" if civil else "certificate_title")
        self.setObjectName("certificate_screen")
        self.service = service
        self._added = added
        self.clearance: Clearance | None = None
        heading = QLabel(service.name(lang))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.layout_.insertWidget(1, heading)
        form = QFormLayout()
        self._form = form
        self.national_id = named(QLineEdit(national_id), "cert_national_id")
        self.national_id.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        form.addRow(tr("national_id", lang), self.national_id)
        self.check_button = named(QPushButton(tr("check_hq_clear", lang)), "check_clear")
        self.check_button.setAutoDefault(False)
        form.addRow("", self.check_button)
        self.name = named(QLineEdit(), "cert_name")
        self.plate = named(QLineEdit(), "cert_plate")
        self.licence = named(QLineEdit(), "cert_licence")
        self.sheet = named(QLineEdit(), "cert_sheet")
        self.sheet.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        form.addRow(tr("citizen_name", lang), self.name)
        form.addRow(tr("plate", lang), self.plate)
        form.addRow(tr("licence", lang), self.licence)
        form.addRow(tr("sheet_serial", lang), self.sheet)
        self.layout_.addLayout(form)
        self.record_view = named(QLabel(), "civil_record")
        self.record_view.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.record_view.setWordWrap(True)
        self.record_view.hide()
        self.layout_.addWidget(self.record_view)
        self.add_button = named(QPushButton(tr("add_to_visit", lang)), "add_certificate")
        self.add_button.setAutoDefault(False)
        self.layout_.addWidget(self.add_button)
        self._details = (self.name, self.plate, self.licence, self.sheet, self.add_button)
        for widget in self._details:
            widget.setEnabled(False)
        self.national_id.returnPressed.connect(self.check)
        self.check_button.clicked.connect(self.check)
        self.name.returnPressed.connect(self.plate.setFocus)
        self.plate.returnPressed.connect(self.licence.setFocus)
        self.licence.returnPressed.connect(self.sheet.setFocus)
        self.sheet.returnPressed.connect(self.add_to_visit)  # a scanner ends with Enter
        self.add_button.clicked.connect(self.add_to_visit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.add_to_visit)
        self.national_id.setFocus()

    def check(self) -> None:
        number = self.national_id.text()
        service = self.service
        self.ops.online(
            "asking_clearance",
            lambda c: c.certificates.check(service, number),
            success=self._cleared,
            failure=self._refused,
        )

    def _refused(self, error: BilingualError) -> None:
        self.show_error(error)
        self.national_id.setFocus()

    def _cleared(self, clearance: Clearance) -> None:
        self.clearance = clearance
        self.national_id.setEnabled(False)
        if clearance.record is not None:
            # A civil extract prints the registry's record as it is: nothing to type but
            # the sheet.
            self.messages.show_notice(*tr_both("record_found"))
            self.record_view.setText(
                "   ·   ".join(
                    f"{label}: {ltr(value) if any(c.isdigit() for c in value) else value}"
                    for label, value in clearance.record.facts
                )
            )
            self.record_view.show()
            self.name.setText(clearance.name)
            for widget in (self.sheet, self.add_button):
                widget.setEnabled(True)
            self._form.setRowVisible(self.plate, False)
            self._form.setRowVisible(self.licence, False)
            self.sheet.setFocus()
            return
        self.messages.show_notice(*tr_both("clear_confirmed"))
        for widget in self._details:
            widget.setEnabled(True)
        self.name.setFocus()

    def add_to_visit(self) -> None:
        if self.clearance is None:
            return
        service, clearance = self.service, self.clearance
        name, plate, licence = self.name.text(), self.plate.text(), self.licence.text()
        sheet = self.sheet.text()
        self.ops.query(
            lambda c: c.certificates.order(
                service, clearance, name=name, plate=plate, licence=licence, sheet=sheet
            ),
            success=self._ordered,
            failure=self._not_ordered,
        )

    def _ordered(self, result: tuple[list[VisitLine], CertificateOrder]) -> None:
        lines, order = result
        self.join_visit(
            lambda: self.ops.ctx.visit.add(lines, certificate=order),
            self.service,
            self._added,
            self._not_ordered,
        )

    def _not_ordered(self, error: BilingualError) -> None:
        self.show_error(error)
        field = getattr(error, "field", "")
        target = {"name": self.name, "plate": self.plate, "licence": self.licence}
        widget = target.get(field, self.sheet)
        widget.setFocus()
        widget.selectAll()
