"""The mobile-linking screen (the `verification` kind): national ID and mobile, Send the
code (HQ texts it), the citizen reads it out, Check and link. Wrong, expired and spent
codes are HQ's answers, shown as they are; offline it is refused with the reason.
Nothing joins the visit: linking has no fee."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLineEdit, QPushButton, QWidget

from counter_app.domain.catalogue import Service
from counter_app.domain.errors import BilingualError
from counter_app.services.kinds.verification import CodeSent
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.strings import ltr, tr, tr_both
from counter_app.ui.widgets import named


class OtpScreen(ScreenDialog):
    def __init__(
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        service: Service,
        national_id: str,
        added: Callable[[Service], None],
    ) -> None:
        super().__init__(parent, ops, lang, "otp_title")
        self.setObjectName("otp_screen")
        self.service = service
        self.sent: CodeSent | None = None
        self.linked_at = ""
        form = QFormLayout()
        self.national_id = named(QLineEdit(national_id), "otp_national_id")
        self.mobile = named(QLineEdit(), "otp_mobile")
        self.code = named(QLineEdit(), "otp_code")
        for line in (self.national_id, self.mobile, self.code):
            line.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.code.setStyleSheet("font-size: 18pt; letter-spacing: 4px;")
        self.code.setMaxLength(8)
        self.send_button = named(QPushButton(tr("send_code", lang)), "send_code")
        self.check_button = named(QPushButton(tr("check_code", lang)), "check_code")
        for button in (self.send_button, self.check_button):
            button.setAutoDefault(False)
        form.addRow(tr("national_id", lang), self.national_id)
        form.addRow(tr("citizen_mobile", lang), self.mobile)
        form.addRow("", self.send_button)
        form.addRow(tr("otp_code", lang), self.code)
        form.addRow("", self.check_button)
        self.layout_.addLayout(form)
        self.code.setEnabled(False)
        self.check_button.setEnabled(False)
        self.national_id.returnPressed.connect(self.mobile.setFocus)
        self.mobile.returnPressed.connect(self.send_code)
        self.send_button.clicked.connect(self.send_code)
        self.code.returnPressed.connect(self.check_code)
        self.check_button.clicked.connect(self.check_code)
        (self.mobile if national_id else self.national_id).setFocus()

    def send_code(self) -> None:
        number, mobile = self.national_id.text(), self.mobile.text()
        self.ops.online(
            "sending_code",
            lambda c: c.verification.send_code(number, mobile),
            success=self._sent,
            failure=self._refused,
        )

    def _sent(self, sent: CodeSent) -> None:
        self.sent = sent
        until = sent.expires_at[11:16]
        shown = ltr(sent.mobile)
        self.messages.show_notice(*tr_both("code_sent", mobile=shown, until=until))
        self.code.setEnabled(True)
        self.check_button.setEnabled(True)
        self.code.clear()
        self.code.setFocus()

    def check_code(self) -> None:
        if self.sent is None:
            return
        sent, code = self.sent, self.code.text()
        clerk = self.ops.ctx.session.current_username()
        self.ops.online(
            "checking_code",
            lambda c: c.verification.check_code(sent, code, clerk),
            success=self._linked,
            failure=self._refused,
        )

    def _linked(self, linked_at: str) -> None:
        assert self.sent is not None
        self.linked_at = linked_at
        self.messages.show_notice(*tr_both("mobile_linked", mobile=ltr(self.sent.mobile)))
        for widget in (self.national_id, self.mobile, self.send_button, self.check_button):
            widget.setEnabled(False)
        self.code.setReadOnly(True)  # keeps the keyboard: Esc closes the screen

    def _refused(self, error: BilingualError) -> None:
        self.show_error(error)
        field = getattr(error, "field", getattr(error, "code", ""))
        target = {"national_id": self.national_id, "mobile": self.mobile}.get(field)
        if target is None and self.sent is not None:
            target = self.code
        (target or self.national_id).setFocus()
        (target or self.national_id).selectAll()
