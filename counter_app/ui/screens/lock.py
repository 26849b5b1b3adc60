"""The lock screen: the window after idle time or Ctrl+L. The shift stays open; the same
clerk comes back with their PIN, or another clerk takes over with theirs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from counter_app.domain.errors import BilingualError
from counter_app.services.session import Clerk
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.common import MessageArea
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named

_ACTIVITY = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel)


class LockPanel(QWidget):
    def __init__(
        self, ops: OpRunner, lang: str, messages: MessageArea, unlocked: Callable[[Clerk], None]
    ) -> None:
        super().__init__()
        self.setObjectName("lock_panel")
        self._ops = ops
        self._messages = messages
        self._unlocked = unlocked
        column = QVBoxLayout(self)
        column.addStretch(1)
        title = QLabel(tr("locked_title", lang))
        title.setStyleSheet("font-size: 22pt; font-weight: bold;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(title)
        hint = named(QLabel(tr("locked_hint", lang)), "locked_hint")
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(hint)
        form = QFormLayout()
        self.username = named(QLineEdit(), "lock_username")
        self.pin = named(QLineEdit(), "lock_pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        for field in (self.username, self.pin):
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            field.setMaximumWidth(320)
        form.addRow(tr("username", lang), self.username)
        form.addRow(tr("pin", lang), self.pin)
        column.addLayout(form)
        button = named(QPushButton(tr("unlock", lang)), "unlock")
        button.setAutoDefault(False)
        button.clicked.connect(self.submit)
        column.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        column.addStretch(2)
        self.username.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)

    def prepare(self, username: str) -> None:
        self.username.setText(username)
        self.pin.clear()
        self.pin.setFocus()

    def submit(self) -> None:
        username, pin = self.username.text(), self.pin.text()
        self.pin.clear()
        self._ops.run(
            lambda c: c.session.unlock(username, pin),
            success=self._unlocked,
            failure=self._refused,
        )

    def _refused(self, error: BilingualError) -> None:
        self._messages.show_error(error)
        self.pin.setFocus()


class IdleWatch(QObject):
    """Calls `idle()` after `minutes` without a key press or click anywhere in the app."""

    def __init__(self, minutes: int, idle: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)  # goes with the window
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(minutes * 60_000)
        self.timer.timeout.connect(idle)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False
