"""Widgets the panels share: a titled frame, and the window's one message area."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import BilingualError
from counter_app.ui.widgets import named

# Room for two lines in each language at the window's font: a message never needs more,
# and the area never grows, so nothing below it moves when a message comes or goes.
MESSAGE_LINES = 4


class Panel(QFrame):
    """A framed panel with a bold title; subclasses add to `self.body`."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.body = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.body.addWidget(heading)


def bilingual_html(message_ar: str, message_en: str) -> str:
    # One paragraph per language, each with its own direction: as one plain-text block,
    # the English line would be laid out right to left after the Arabic one.
    return (
        f'<p dir="rtl" align="right" style="margin:0">{html.escape(message_ar)}</p>'
        f'<p dir="ltr" align="left" style="margin:0">{html.escape(message_en)}</p>'
    )


class MessageArea(QFrame):
    """The window's one place for messages and for waiting on HQ.

    Fixed height, so controls never move; an error is red, a notice is plain; both show
    in Arabic and English in full. The next action that succeeds replaces or clears it.
    While the clerk waits on a network call it shows what is awaited and a Cancel (Esc).
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message_area")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.kind = ""  # "", "error" or "notice"
        self._plain = ""
        self.message = named(QLabel(), "message_text")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.busy_text = named(QLabel(), "busy_text")
        self.cancel = named(QPushButton(), "busy_cancel")
        self.cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel.clicked.connect(self.cancel_requested)
        busy = QWidget()
        row = QHBoxLayout(busy)
        row.setContentsMargins(0, 0, 0, 0)
        row.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.busy_text, 1, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignTop)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.message)
        self.pages.addWidget(busy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(self.pages)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * MESSAGE_LINES + 12)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        """What the area says now, as plain text (both languages)."""
        return self._plain if self.pages.currentIndex() == 0 else self.busy_text.text()

    def show_error(self, error: BilingualError) -> None:
        self._show("error", error.message_ar, error.message_en)

    def show_notice(self, message_ar: str, message_en: str) -> None:
        self._show("notice", message_ar, message_en)

    def clear(self) -> None:
        self.kind = ""
        self._plain = ""
        self.message.clear()
        self._restyle()

    def show_busy(self, text: str, cancel_label: str) -> None:
        self.busy_text.setText(text)
        self.cancel.setText(cancel_label)
        self.setStyleSheet("#message_area { background: #fff6d6; } #busy_text { color: #5a4500; }")
        self.pages.setCurrentIndex(1)

    def end_busy(self) -> None:
        self.pages.setCurrentIndex(0)
        self._restyle()

    @property
    def busy(self) -> bool:
        return self.pages.currentIndex() == 1

    def _show(self, kind: str, message_ar: str, message_en: str) -> None:
        self.kind = kind
        self._plain = f"{message_ar}\n{message_en}"
        self.message.setText(bilingual_html(message_ar, message_en))
        self.pages.setCurrentIndex(0)
        self._restyle()

    def _restyle(self) -> None:
        colours = {"error": ("#fdecea", "#8a0010"), "notice": ("#e8f3ea", "#1b4d2b")}
        if self.kind not in colours:
            self.setStyleSheet("")
            return
        background, text = colours[self.kind]
        self.setStyleSheet(
            f"#message_area {{ background: {background}; }} #message_text {{ color: {text}; }}"
        )
