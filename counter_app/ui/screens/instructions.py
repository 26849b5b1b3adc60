"""HQ's instructions, one at a time: read it, then accept (Enter) or dispute with a note
(Ctrl+D). Either answer is journaled and goes back to HQ at the next sync."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from counter_app.domain.errors import BilingualError
from counter_app.services.instructions import Instruction
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.common import bilingual_html
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named


class InstructionDialog(ScreenDialog):
    def __init__(
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        instruction: Instruction,
        answered: Callable[[], None],
    ) -> None:
        super().__init__(parent, ops, lang, "instructions_title")
        self.setObjectName("instruction_dialog")
        self.instruction = instruction
        self._answered = answered
        text = named(QLabel(bilingual_html(instruction.text_ar, instruction.text_en)), "instr_text")
        text.setWordWrap(True)
        text.setStyleSheet("font-size: 13pt; padding: 6px;")
        # Rich text that wraps gets too little height from the layout: room for six lines
        # in each language, so nothing of what HQ says is cut off.
        text.setMinimumHeight(text.fontMetrics().lineSpacing() * 12)
        self.setMinimumWidth(760)
        self.layout_.addWidget(text)
        self.layout_.addWidget(QLabel(tr("instruction_note", lang)))
        self.note = named(QLineEdit(), "instr_note")
        self.layout_.addWidget(self.note)
        self.accept_button = named(QPushButton(tr("instruction_accept", lang)), "instr_accept")
        self.dispute_button = named(QPushButton(tr("instruction_dispute", lang)), "instr_dispute")
        for button in (self.accept_button, self.dispute_button):
            button.setAutoDefault(False)
            self.layout_.addWidget(button)
        self.note.returnPressed.connect(lambda: self.answer(True))
        self.accept_button.clicked.connect(lambda: self.answer(True))
        self.dispute_button.clicked.connect(lambda: self.answer(False))
        QShortcut(QKeySequence("Ctrl+D"), self).activated.connect(lambda: self.answer(False))
        self.note.setFocus()

    def answer(self, accepted: bool) -> None:
        number, note = self.instruction.id, self.note.text()
        self.ops.run(
            lambda c: c.instructions.answer(number, accepted=accepted, note=note),
            success=lambda _r: self._done(),
            failure=self._refused,
        )

    def _refused(self, error: BilingualError) -> None:
        self.show_error(error)
        self.note.setFocus()

    def _done(self) -> None:
        self.accept()
        self._answered()
