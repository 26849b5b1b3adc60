"""What the visit's screens share: a dialog with its own message line, kept open while the
clerk works, where Esc cancels a call to HQ before it closes anything."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from counter_app.domain.catalogue import Service
from counter_app.domain.errors import BilingualError
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.common import MessageArea
from counter_app.ui.strings import has, tr


class ScreenDialog(QDialog):
    def __init__(self, parent: QWidget, ops: OpRunner, lang: str, title_key: str) -> None:
        super().__init__(parent)
        self.ops = ops
        self.lang = lang
        self.setWindowTitle(tr(title_key, lang))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(640)
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(tr(title_key, lang))
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.layout_.addWidget(heading)
        self.messages = MessageArea()
        self.layout_.addWidget(self.messages)
        self.messages.cancel_requested.connect(self.cancel_online)
        self.ops.online_started.connect(self._busy)
        self.ops.online_ended.connect(self._idle)

    def show_error(self, error: BilingualError) -> None:
        self.messages.show_error(error)

    def _busy(self, handle: object) -> None:
        label = getattr(handle, "label", "")
        text = tr(label if has(label) else "checking_hq", self.lang)
        self.messages.show_busy(text, tr("cancel_esc", self.lang))

    def _idle(self, _handle: object) -> None:
        if not self.ops.online_calls:
            self.messages.end_busy()

    def cancel_online(self) -> None:
        for handle in list(self.ops.online_calls):
            handle.cancel()

    def join_visit(
        self,
        add: Callable[[], None],
        service: Service,
        added: Callable[[Service], None],
        refused: Callable[[BilingualError], None],
    ) -> None:
        """Put what this screen priced into the visit; on success close and tell the counter
        (`added`), else say why here (`refused`) and stay open."""
        try:
            add()
        except BilingualError as error:
            refused(error)
            return
        self.accept()
        added(service)

    def reject(self) -> None:
        """Esc: cancel a call to HQ first; close only when nothing is awaited."""
        if self.ops.online_calls:
            self.cancel_online()
            return
        super().reject()

    def done(self, result: int) -> None:
        try:
            self.ops.online_started.disconnect(self._busy)
            self.ops.online_ended.disconnect(self._idle)
        except (RuntimeError, TypeError):
            pass
        super().done(result)
