"""Small widgets the panels share: a titled frame and the bilingual error line."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from counter_app.domain.errors import InputError


class Panel(QFrame):
    """A framed panel with a bold title; subclasses add to `self.body`."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.body = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.body.addWidget(heading)


class ErrorLine(QLabel):
    """Shows an InputError in Arabic and English, in red; empty when there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020;")
        self.hide()  # takes no room until there is something to say

    def show_error(self, error: InputError) -> None:
        self.setText(f"{error.message_ar}\n{error.message_en}")
        self.show()

    def clear_error(self) -> None:
        self.clear()
        self.hide()
