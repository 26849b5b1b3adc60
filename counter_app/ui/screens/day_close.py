"""Closing the business day: each step shown as it runs (shifts closed, operations stopped,
integrity check, journal, backup, end-of-day sync, HQ's confirmation). A step that fails
is shown failed with its reason and Enter retries; the day is never shown as done before
HQ confirms it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from counter_app.domain.errors import BilingualError
from counter_app.domain.text import to_arabic_indic
from counter_app.services.context import AppContext
from counter_app.services.day_close import STEP_NAMES, STEPS, DayCloseState, describe
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.widgets import named


class _Progress(QObject):
    step = Signal(str, int, int)


class DayCloseDialog(ScreenDialog):
    def __init__(self, parent: QWidget, ops: OpRunner, lang: str) -> None:
        super().__init__(parent, ops, lang, "day_close_title")
        self.setObjectName("day_close_dialog")
        self.state: DayCloseState | None = None
        self.running = False
        self.labels: dict[str, QLabel] = {}
        for step in STEPS:
            label = named(QLabel(), f"step_{step}")
            label.setStyleSheet("font-size: 12pt;")
            self.layout_.addWidget(label)
            self.labels[step] = label
            self._mark(step, "·")
        self.status = named(QLabel(), "day_status")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("font-size: 14pt; font-weight: bold;")
        # Wrapped text gets too little height from the layout: room for the state, the
        # reason over two lines and what waits, so nothing of it is cut off.
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 7)
        self.setMinimumWidth(760)
        self.layout_.addWidget(self.status)
        self.retry = named(
            QPushButton(self._t("إغلاق اليوم (Enter)", "Close the day (Enter)")), "day_close_run"
        )
        self.retry.setDefault(True)
        self.retry.clicked.connect(self.run)
        self.layout_.addWidget(self.retry)
        self.progress = _Progress()
        self.progress.step.connect(self._on_step)
        self.retry.setFocus()
        ops.query(lambda c: c.day_close.state(), success=self._show_state)

    def _t(self, ar: str, en: str) -> str:
        return ar if self.lang == "ar" else en

    def _mark(self, step: str, mark: str, extra: str = "") -> None:
        ar, en = STEP_NAMES[step]
        self.labels[step].setText(f"{mark}  {self._t(ar, en)}{extra}")

    def run(self) -> None:
        if self.running:
            return
        self.running = True
        self.retry.setEnabled(False)
        for step in STEPS:
            self._mark(step, "·")
        self.messages.clear()
        emit = self.progress.step.emit

        def close(c: AppContext) -> DayCloseState:
            return c.day_close.close_day(emit)

        self.ops.run(close, success=self._finished, failure=self._error)

    def _on_step(self, step: str, done: int, total: int) -> None:
        index = STEPS.index(step)
        for earlier in STEPS[:index]:
            self._mark(earlier, "✔")
        extra = f" ({done}/{total})" if total > 1 else ""
        self._mark(step, "…", extra)

    def _finished(self, state: DayCloseState) -> None:
        self.running = False
        self.retry.setEnabled(True)
        self.retry.setFocus()
        self._show_state(state)

    def _error(self, error: BilingualError) -> None:
        self.running = False
        self.retry.setEnabled(True)
        self.retry.setFocus()
        self.show_error(error)

    def _show_state(self, state: DayCloseState) -> None:
        self.state = state
        done_through = {
            "confirmed": len(STEPS),
            "closed": STEPS.index("sync"),
        }.get(state.status, STEPS.index(state.step) if state.step in STEPS else 0)
        for step in STEPS[:done_through]:
            self._mark(step, "✔")
        if state.status in ("failed", "closed") and state.step in STEPS:
            failed = state.status == "failed" or bool(state.reason_en)
            self._mark(state.step, "✘" if failed else "…")
        text = describe(state, self.lang)
        reason = state.reason_ar if self.lang == "ar" else state.reason_en
        if state.status in ("failed", "closed") and reason:
            text += "\n" + reason
        if state.waiting:
            text += self._t(
                f"\n{to_arabic_indic(str(state.waiting))} قيدًا في انتظار المركز",
                f"\n{state.waiting} entries wait for HQ",
            )
        self.status.setText(text)
        colour = {"confirmed": "#1b5e20", "failed": "#b00020"}.get(state.status, "#8a5a00")
        self.status.setStyleSheet(f"font-size: 14pt; font-weight: bold; color: {colour};")
        if state.status == "confirmed":
            self.retry.setText(self._t("تم (Esc)", "Done (Esc)"))
            self.retry.clicked.disconnect()
            self.retry.clicked.connect(self.accept)
        elif state.status in ("failed", "closed"):
            self.retry.setText(self._t("إعادة المحاولة (Enter)", "Retry (Enter)"))
