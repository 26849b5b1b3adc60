"""The sign-in page: username, PIN, Enter. Checked offline against Argon2id hashes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from counter_app.domain.errors import BilingualError
from counter_app.services.session import Clerk
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.common import MessageArea, Panel
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named


class SignInPanel(QWidget):
    signed_in = Signal(object)  # Clerk

    def __init__(self, ops: OpRunner, lang: str, messages: MessageArea, *, demo: bool) -> None:
        super().__init__()
        self._ops = ops
        self._messages = messages
        panel = Panel(tr("sign_in_title", lang))
        form = QFormLayout()
        self.username = named(QLineEdit(), "username")
        self.pin = named(QLineEdit(), "pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.username.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        form.addRow(tr("username", lang), self.username)
        form.addRow(tr("pin", lang), self.pin)
        panel.body.addLayout(form)
        self.submit = named(QPushButton(tr("sign_in", lang)), "sign_in_button")
        self.submit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        panel.body.addWidget(self.submit)
        if demo:
            panel.body.addWidget(QLabel(tr("demo_hint", lang)))
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        panel.setMinimumWidth(420)
        self.username.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self._submit)
        self.submit.clicked.connect(self._submit)

    def reset(self) -> None:
        """Back to an empty form for the next clerk."""
        self.username.clear()
        self.pin.clear()
        self.username.setFocus()

    def _submit(self) -> None:
        username, pin = self.username.text(), self.pin.text()
        self.pin.clear()
        self._ops.run(
            lambda c: c.session.sign_in(username, pin),
            success=self._accepted,
            failure=self._refused,
        )

    def _accepted(self, clerk: Clerk) -> None:
        self._messages.clear()
        self.username.clear()
        self.signed_in.emit(clerk)

    def _refused(self, error: BilingualError) -> None:
        self._messages.show_error(error)
        self.pin.setFocus()
