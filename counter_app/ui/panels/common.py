"""Small widgets the panels share: a titled frame and the bilingual error line."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
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
        self.setTextFormat(Qt.TextFormat.RichText)
        self.hide()  # takes no room until there is something to say

    def show_error(self, error: InputError) -> None:
        # One paragraph per language, each with its own direction: as one plain-text
        # block, the English line would be laid out right to left after the Arabic one.
        self.setText(
            f'<p dir="rtl" align="right" style="margin:0">{html.escape(error.message_ar)}</p>'
            f'<p dir="ltr" align="left" style="margin:0">{html.escape(error.message_en)}</p>'
        )
        self.show()

    def clear_error(self) -> None:
        self.clear()
        self.hide()
