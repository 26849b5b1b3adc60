"""A scan arriving anywhere in the window lands in the national-ID field.

A keyboard-wedge scanner types digits and Enter into whatever has the focus. When the
focus is on something that does not take text (a button, a label, the window itself,
after a mouse click), the key is not taken there and travels up to the window, where it
would be lost; this filter, on the window, moves the focus to the ID field and hands it
the key, so the whole burst lands there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit

_TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)
_DIGITS = set("0123456789٠١٢٣٤٥٦٧٨٩")


class ScanRouter(QObject):
    """Event filter on the window: digits typed outside a text field go to `target()`."""

    def __init__(self, target: Callable[[], QLineEdit | None]) -> None:
        super().__init__()
        self._target = target

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        text = event.text()
        if len(text) != 1 or text not in _DIGITS or isinstance(watched, _TEXT_INPUTS):
            return False
        target = self._target()
        if target is None or not target.isVisible() or not target.isEnabled():
            return False
        if not target.hasFocus():
            target.setFocus()
        QApplication.sendEvent(
            target, QKeyEvent(event.type(), event.key(), event.modifiers(), text)
        )
        return True
