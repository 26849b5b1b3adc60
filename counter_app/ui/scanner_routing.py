"""Scans arriving anywhere in the window: digits land in the national-ID field, and a
scanner's burst (an ID, a passport's MRZ, a queue ticket) is recognised and acted on.

A keyboard-wedge scanner types digits and Enter into whatever has the focus. When the
focus is on something that does not take text (a button, a label, the window itself,
after a mouse click), the key is not taken there and travels up to the window, where it
would be lost; this filter, on the window, moves the focus to the ID field and hands it
the key, so the whole burst lands there.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from counter_app.domain.errors import InputError
from counter_app.domain.scan import BurstAssembler, Scan, classify

_TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)
_DIGITS = set("0123456789٠١٢٣٤٥٦٧٨٩")
_COMMANDS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


class ScanRouter(QObject):
    """Event filter on the window: digits typed outside a text field go to `target()`."""

    def __init__(self, target: Callable[[], QLineEdit | None]) -> None:
        super().__init__()
        self._target = target
        self.forwarding = False  # a key being handed on (the scan detector saw it already)

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
        self.forwarding = True
        try:
            QApplication.sendEvent(
                target, QKeyEvent(event.type(), event.key(), event.modifiers(), text)
            )
        finally:
            self.forwarding = False
        return True


class ScanDetector(QObject):
    """Application-wide: tells a keyboard-wedge scanner's burst from typing, anywhere in
    the window, and hands the scan over (`on_scan`) or refuses it (`on_refused`).

    Keys are never held back: they reach the focused field as they come. When Enter ends
    a burst, what it is decides: a national ID scanned into another text field stays there
    (that field asked for it); anything else scanned is taken back out of the field it
    fell into, and the window acts on it (the ID captured, the passport read, the ticket
    called). A burst that is nothing known is refused in words and changes nothing.
    """

    def __init__(
        self,
        window: QWidget,
        own_fields: Callable[[], list[QLineEdit]],
        on_scan: Callable[[Scan], None],
        on_refused: Callable[[InputError], None],
        router: ScanRouter | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._router = router
        self._window = window
        self._own_fields = own_fields  # the ID and passport fields: scans there are ours
        self._on_scan = on_scan
        self._on_refused = on_refused
        self._clock = clock
        self._assembler = BurstAssembler()
        self._before: list[tuple[QLineEdit, str]] = []  # fields' text when a burst began

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        focus = QApplication.focusWidget()
        if not self._ours(watched, focus):
            return False
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return self._enter(focus)
        text = event.text()
        if len(text) != 1 or not text.isprintable() or event.modifiers() & _COMMANDS:
            self._assembler.reset()
            return False
        self._assembler.feed(text, self._clock())
        if self._assembler.pending == 1:  # a new run of keys: remember where they land
            fields = [f for f in self._own_fields() if f is not focus]
            if isinstance(focus, QLineEdit):
                fields.append(focus)
            self._before = [(f, f.text()) for f in fields]
        return False

    def _ours(self, watched: QObject, focus: QWidget | None) -> bool:
        """A key as the keyboard delivered it to this window: not one handed on by the
        router, not the same key on its way up to a parent, not another window's."""
        if self._router is not None and self._router.forwarding:
            return False
        return (
            watched is (focus or self._window)
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        )

    def _enter(self, focus: QWidget | None) -> bool:
        burst = self._assembler.feed("\n", self._clock())
        if burst is None:
            return False
        typing_field = isinstance(focus, _TEXT_INPUTS) and focus not in self._own_fields()
        try:
            scan = classify(burst)
        except InputError as refused:
            if typing_field:
                return False  # a code scanned into a form's field: the field keeps it
            self._take_back()
            self._on_refused(refused)
            return True
        if scan.kind == "national_id" and typing_field:
            return False
        self._take_back()
        self._on_scan(scan)
        return True

    def _take_back(self) -> None:
        for field, text in self._before:
            field.setText(text)
        self._before = []
