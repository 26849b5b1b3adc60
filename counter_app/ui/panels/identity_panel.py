"""The identity panel: the national ID number, typed or from a keyboard-wedge scanner.

A scanner "types" the digits and presses Enter, so both paths are the same line edit;
digits typed while another control has the focus are routed here by the window. Arabic-
Indic digits are accepted. The details shown let the clerk compare with the card, and
leave the screen when the visit ends.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton

from counter_app.domain.errors import BilingualError
from counter_app.domain.text import normalize_digits, to_arabic_indic
from counter_app.services.identity import IdentityView
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.common import MessageArea, Panel
from counter_app.ui.strings import ltr, tr, tr_both
from counter_app.ui.widgets import named


class IdentityPanel(Panel):
    def __init__(self, ops: OpRunner, lang: str, messages: MessageArea) -> None:
        super().__init__(tr("identity", lang))
        self.setObjectName("identity_panel")
        self._ops = ops
        self._lang = lang
        self._messages = messages
        self.body.addWidget(QLabel(tr("national_id", lang)))
        self.national_id = named(QLineEdit(), "national_id")
        self.national_id.setMaxLength(20)
        self.national_id.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.national_id.setStyleSheet("font-size: 18pt; letter-spacing: 2px;")
        self.body.addWidget(self.national_id)
        self.capture_button = named(QPushButton(tr("capture", lang)), "capture")
        self.capture_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body.addWidget(self.capture_button)
        # A passport: the MRZ's two lines, from a reader or typed (Ctrl+M).
        self.passport_label = QLabel(tr("passport_mrz", lang))
        self.body.addWidget(self.passport_label)
        self.mrz_lines = [named(QLineEdit(), f"mrz_line{n}") for n in (1, 2)]
        for line in self.mrz_lines:
            line.setMaxLength(44)
            line.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            line.setStyleSheet("font-family: monospace; font-size: 9pt;")
            self.body.addWidget(line)
        self.mrz_lines[0].returnPressed.connect(self.mrz_lines[1].setFocus)
        self.mrz_lines[1].returnPressed.connect(self.capture_passport)
        details = QFormLayout()
        self.number = named(QLabel(), "id_number")
        self.birth = named(QLabel(), "id_birth")
        self.place = named(QLabel(), "id_place")
        self.gender = named(QLabel(), "id_gender")
        self.holder = named(QLabel(), "id_holder")
        details.addRow(tr("holder", lang), self.holder)
        details.addRow(tr("number", lang), self.number)
        details.addRow(tr("birth_date", lang), self.birth)
        details.addRow(tr("birthplace", lang), self.place)
        details.addRow(tr("gender", lang), self.gender)
        self.body.addLayout(details)
        self.body.addStretch(1)
        self.captured_number = ""  # for the services of this visit; gone when it ends
        self.on_captured: Callable[[], None] = lambda: None  # the window starts the service
        self._typed = ""
        self.national_id.returnPressed.connect(self.capture)
        self.capture_button.clicked.connect(self.capture)

    def capture(self) -> None:
        text = self.national_id.text()
        self._typed = text
        self._ops.run(
            lambda c: c.identity.capture_national_id(text),
            success=self._show,
            failure=self._refused,
        )

    def capture_passport(self) -> None:
        line1, line2 = (line.text() for line in self.mrz_lines)
        self._typed = ""
        self._ops.run(
            lambda c: c.identity.capture_passport(line1, line2),
            success=self._show,
            failure=self._refused,
        )

    def fill_passport(self, line1: str, line2: str) -> None:
        """The MRZ as a reader sent it: shown in the form, then captured."""
        self.mrz_lines[0].setText(line1)
        self.mrz_lines[1].setText(line2)
        self.capture_passport()

    def focus_passport(self) -> None:
        self.mrz_lines[0].setFocus()
        self.mrz_lines[0].selectAll()

    def clear(self) -> None:
        """The visit ended: nothing about the citizen stays on the screen."""
        self.national_id.clear()
        self.captured_number = ""
        for line in self.mrz_lines:
            line.clear()
        for label in (self.number, self.birth, self.place, self.gender, self.holder):
            label.clear()

    def shown(self) -> bool:
        return bool(self.number.text() or self.national_id.text())

    def _refused(self, error: BilingualError) -> None:
        self._messages.show_error(error)
        for label in (self.number, self.birth, self.place, self.gender, self.holder):
            label.clear()
        self.national_id.setFocus()
        self.national_id.selectAll()

    def _show(self, view: IdentityView) -> None:
        self._messages.show_notice(*tr_both("identity_captured"))
        self.on_captured()
        self.captured_number = (
            normalize_digits(self._typed.strip()) if view.kind == "national_id" else ""
        )
        ar = self._lang == "ar"
        self.number.setText(ltr(view.masked_number))
        birth = view.birth_date.strftime("%d/%m/%Y")
        self.birth.setText(to_arabic_indic(birth) if ar else birth)
        self.place.setText(view.place_ar if ar else view.place_en)
        self.gender.setText(view.gender_ar if ar else view.gender_en)
        self.holder.setText(ltr(view.name) if view.name else "")
        for line in self.mrz_lines:
            line.clear()
        self.national_id.clear()
        self.national_id.setFocus()
