"""What the tamper check found, read by a supervisor who then acknowledges it with their
own credentials and a note (journaled); nothing found is changed or hidden."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from counter_app.domain.errors import BilingualError
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named


class TamperDialog(ScreenDialog):
    def __init__(
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        waiting: tuple[int, list[dict[str, object]]],
        acknowledged: Callable[[], None],
    ) -> None:
        super().__init__(parent, ops, lang, "tamper_title")
        self.setObjectName("tamper_dialog")
        self._acknowledged = acknowledged
        seq, findings = waiting
        explain = QLabel(tr("tamper_explain", lang))
        explain.setWordWrap(True)
        self.layout_.addWidget(explain)
        lines = [f"• {f.get('detail', '')}" for f in findings] or ["•"]
        self.found = named(QLabel("\n".join([f"#{seq}", *lines])), "tamper_findings")
        self.found.setWordWrap(True)
        # The findings are written in English by the check (as HQ receives them).
        self.found.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.found.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.found.setStyleSheet("color: #b00020; font-weight: bold; padding: 6px;")
        self.layout_.addWidget(self.found)
        form = QFormLayout()
        self.username = named(QLineEdit(), "approver_username")
        self.pin = named(QLineEdit(), "approver_pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.note = named(QLineEdit(), "tamper_note")
        for field in (self.username, self.pin):
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        form.addRow(tr("tamper_note", lang), self.note)
        form.addRow(tr("supervisor", lang), self.username)
        form.addRow(tr("pin", lang), self.pin)
        self.layout_.addLayout(form)
        self.acknowledge = named(QPushButton(tr("acknowledge", lang)), "acknowledge")
        self.acknowledge.setAutoDefault(False)
        self.layout_.addWidget(self.acknowledge)
        self.note.returnPressed.connect(self.username.setFocus)
        self.username.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)
        self.acknowledge.clicked.connect(self.submit)
        self.note.setFocus()

    def submit(self) -> None:
        note, username, pin = self.note.text(), self.username.text(), self.pin.text()
        self.pin.clear()
        self.ops.run(
            lambda c: c.evidence.acknowledge(username, pin, note),
            success=lambda _r: self._done(),
            failure=self._refused,
        )

    def _refused(self, error: BilingualError) -> None:
        self.show_error(error)
        self.pin.setFocus()

    def _done(self) -> None:
        self.accept()
        self._acknowledged()
