"""The identity panel: the national ID number, typed or from a keyboard-wedge scanner.

A scanner "types" the digits and presses Enter, so both paths are the same line edit.
Arabic-Indic digits are accepted. The details shown let the clerk compare with the card.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton

from counter_app.domain.errors import InputError
from counter_app.domain.text import to_arabic_indic
from counter_app.services.identity import IdentityView
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.common import ErrorLine, Panel
from counter_app.ui.strings import ltr, tr
from counter_app.ui.widgets import named


class IdentityPanel(Panel):
    def __init__(self, ops: OpRunner, lang: str) -> None:
        super().__init__(tr("identity", lang))
        self.setObjectName("identity_panel")
        self._ops = ops
        self._lang = lang
        self.body.addWidget(QLabel(tr("national_id", lang)))
        self.national_id = named(QLineEdit(), "national_id")
        self.national_id.setMaxLength(20)
        self.national_id.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.national_id.setStyleSheet("font-size: 18pt; letter-spacing: 2px;")
        self.body.addWidget(self.national_id)
        self.capture_button = QPushButton(tr("capture", lang))
        self.body.addWidget(self.capture_button)
        self.error = ErrorLine()
        self.body.addWidget(self.error)
        details = QFormLayout()
        self.number = named(QLabel(), "id_number")
        self.birth = named(QLabel(), "id_birth")
        self.place = named(QLabel(), "id_place")
        self.gender = named(QLabel(), "id_gender")
        details.addRow(tr("number", lang), self.number)
        details.addRow(tr("birth_date", lang), self.birth)
        details.addRow(tr("birthplace", lang), self.place)
        details.addRow(tr("gender", lang), self.gender)
        self.body.addLayout(details)
        self.body.addStretch(1)
        self.national_id.returnPressed.connect(self.capture)
        self.capture_button.clicked.connect(self.capture)

    def capture(self) -> None:
        text = self.national_id.text()
        self._ops.run(lambda c: c.identity.capture_national_id(text)).success(self._show).failure(
            self._refused
        )

    def _refused(self, error: InputError) -> None:
        self.error.show_error(error)
        for label in (self.number, self.birth, self.place, self.gender):
            label.clear()
        self.national_id.selectAll()

    def _show(self, view: IdentityView) -> None:
        self.error.clear_error()
        ar = self._lang == "ar"
        self.number.setText(ltr(view.masked_number))
        birth = view.birth_date.strftime("%d/%m/%Y")
        self.birth.setText(to_arabic_indic(birth) if ar else birth)
        self.place.setText(view.place_ar if ar else view.place_en)
        self.gender.setText(view.gender_ar if ar else view.gender_en)
        self.national_id.clear()
