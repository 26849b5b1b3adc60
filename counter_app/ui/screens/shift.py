"""Counting the drawer: the float when a shift opens, the drawer when it closes.

One row per Egyptian note and coin; the clerk types the number of pieces (Tab or Enter to
the next), the total follows. At close the table per tender (opening, expected, counted,
difference) follows the count as it is typed; F5 shows the payments, voids and cash
movements behind the figures. A difference beyond the office's tolerance asks for a written
explanation and a supervisor's name and PIN, and is recorded with them, never zeroed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from counter_app.domain.cash import DENOMINATIONS, TENDER_NAMES, CashCount, denomination_name
from counter_app.domain.errors import BilingualError, InputError
from counter_app.domain.money import Money
from counter_app.domain.text import normalize_digits
from counter_app.services.context import AppContext
from counter_app.services.shift import CloseSummary, Opening
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.widgets import named


def _t(lang: str, ar: str, en: str) -> str:
    return ar if lang == "ar" else en


def _amount(text: str) -> int:
    text = normalize_digits(text.strip())
    return Money.parse(text).piastres if text else 0


class _CountGrid(QWidget):
    """Pieces per denomination, and the total."""

    def __init__(self, lang: str, changed: Callable[[], None]) -> None:
        super().__init__()
        grid = QGridLayout(self)
        self.fields: dict[int, QLineEdit] = {}
        for i, denomination in enumerate(DENOMINATIONS):
            field = named(QLineEdit(), f"count_{denomination}")
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            field.setMaximumWidth(110)
            field.textChanged.connect(lambda _t: changed())
            grid.addWidget(QLabel(denomination_name(denomination, lang)), i // 3, (i % 3) * 2)
            grid.addWidget(field, i // 3, (i % 3) * 2 + 1)
            self.fields[denomination] = field
        order = list(self.fields.values())
        for field, following in itertools.pairwise(order):
            field.returnPressed.connect(following.setFocus)

    def count(self) -> CashCount:
        pieces = []
        for denomination, field in self.fields.items():
            text = normalize_digits(field.text().strip())
            if not text:
                continue
            if not text.isdigit():
                raise InputError(
                    "count",
                    f"عدد قطع فئة {denomination_name(denomination)} رقم صحيح",
                    f"The count of {denomination_name(denomination, 'en')} is a whole number",
                )
            pieces.append((denomination, int(text)))
        return CashCount.of(pieces)

    def fill(self, pieces: dict[int, int]) -> None:
        for denomination, field in self.fields.items():
            field.setText(str(pieces[denomination]) if pieces.get(denomination) else "")

    def first(self) -> QLineEdit:
        return self.fields[DENOMINATIONS[0]]

    def last(self) -> QLineEdit:
        return self.fields[DENOMINATIONS[-1]]


class ShiftOpenDialog(ScreenDialog):
    """The float, counted; a difference from what the last close left needs a reason."""

    def __init__(self, parent: QWidget, ops: OpRunner, lang: str, opening: Opening) -> None:
        super().__init__(parent, ops, lang, "shift_open_title")
        self.setObjectName("shift_open_dialog")
        self.opening = opening
        self.grid = _CountGrid(lang, self._recount)
        self.layout_.addWidget(self.grid)
        self.total = named(QLabel(), "float_total")
        self.total.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.layout_.addWidget(self.total)
        form = QFormLayout()
        self.explanation = named(QLineEdit(), "float_explanation")
        form.addRow(_t(lang, "سبب الفرق", "Why it differs"), self.explanation)
        self.layout_.addLayout(form)
        self.confirm = named(
            QPushButton(_t(lang, "فتح الوردية (Enter)", "Open shift (Enter)")), "open_shift"
        )
        self.confirm.setAutoDefault(False)
        self.layout_.addWidget(self.confirm)
        self.grid.last().returnPressed.connect(self.submit)
        self.explanation.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        self.grid.fill(opening.previous_count)
        self._recount()
        self.grid.first().setFocus()
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.submit)

    def _recount(self) -> None:
        lang = self.lang
        try:
            total = self.grid.count().total
        except BilingualError:
            self.total.setText(_t(lang, "راجع العد", "Check the count"))
            return
        difference = total - self.opening.expected
        text = _t(lang, "الفكة المعدودة: ", "Float counted: ") + Money(total).format(lang)
        text += _t(lang, " · المتروك عند آخر إغلاق: ", " · left at the last close: ")
        text += Money(self.opening.expected).format(lang)
        if difference:
            sign = "+" if difference > 0 else "-"
            text += (
                _t(lang, " · الفرق ", " · difference ") + sign + Money(abs(difference)).format(lang)
            )
        self.total.setText(text)

    def submit(self) -> None:
        try:
            count = self.grid.count()
        except BilingualError as error:
            self.show_error(error)
            return
        note = self.explanation.text()
        self.ops.run(
            lambda c: c.shifts.open_shift(count, note),
            success=lambda _r: self.accept(),
            failure=self._refused,
        )

    def _refused(self, error: BilingualError) -> None:
        self.show_error(error)
        if error.code == "explanation":
            self.explanation.setFocus()


class ShiftCloseDialog(ScreenDialog):
    """The drawer counted; the tender table; explanation and supervisor when needed."""

    def __init__(  # noqa: PLR0915 (the form's fields, one statement each)
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        closed: Callable[[dict[str, object]], None],
    ) -> None:
        super().__init__(parent, ops, lang, "shift_close_title")
        self.setObjectName("shift_close_dialog")
        self.setMinimumWidth(900)
        self._closed = closed
        self.summary: CloseSummary | None = None
        self.grid = _CountGrid(lang, self.refresh)
        self.layout_.addWidget(self.grid)
        other = QFormLayout()
        self.card = named(QLineEdit(), "counted_card")
        self.prepaid = named(QLineEdit(), "counted_prepaid")
        for field in (self.card, self.prepaid):
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            field.textChanged.connect(lambda _t: self.refresh())
        other.addRow(
            _t(lang, "إجمالي تسوية ماكينة البطاقات", "Card terminal batch total"), self.card
        )
        other.addRow(_t(lang, "إجمالي كروت الدفع المسبق", "Prepaid card total"), self.prepaid)
        self.layout_.addLayout(other)
        self.table = named(QTableWidget(3, 6), "tender_table")
        self.table.setHorizontalHeaderLabels(
            [
                _t(lang, *pair)
                for pair in (
                    ("الوسيلة", "Tender"),
                    ("الافتتاح", "Opening"),
                    ("المتوقع", "Expected"),
                    ("المعدود", "Counted"),
                    ("الفرق", "Difference"),
                    ("عمليات", "Items"),
                )
            ]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMinimumHeight(120)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.layout_.addWidget(self.table)
        self.verdict = named(QLabel(), "close_verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.layout_.addWidget(self.verdict)
        self.details = named(QLabel(), "close_details")
        self.details.setWordWrap(True)
        self.details.hide()
        self.layout_.addWidget(self.details)
        form = QFormLayout()
        self.explanation = named(QLineEdit(), "close_explanation")
        self.username = named(QLineEdit(), "close_supervisor")
        self.pin = named(QLineEdit(), "close_supervisor_pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        for field in (self.username, self.pin):
            field.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        form.addRow(_t(lang, "شرح الفرق", "Explanation of the difference"), self.explanation)
        approver = QHBoxLayout()
        approver.addWidget(self.username)
        approver.addWidget(QLabel(_t(lang, "الرقم السري", "PIN")))
        approver.addWidget(self.pin)
        form.addRow(_t(lang, "المشرف", "Supervisor"), approver)
        self.layout_.addLayout(form)
        self.confirm = named(
            QPushButton(_t(lang, "إغلاق الوردية (Ctrl+Enter)", "Close shift (Ctrl+Enter)")),
            "close_shift_confirm",
        )
        self.confirm.setAutoDefault(False)
        self.layout_.addWidget(self.confirm)
        self.grid.last().returnPressed.connect(self.card.setFocus)
        self.card.returnPressed.connect(self.prepaid.setFocus)
        self.prepaid.returnPressed.connect(self.submit)
        self.explanation.returnPressed.connect(self.username.setFocus)
        self.username.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)
        self.confirm.clicked.connect(self.submit)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.submit)
        QShortcut(QKeySequence("F5"), self).activated.connect(self.toggle_details)
        self.grid.first().setFocus()
        self.refresh()

    def _counted(self) -> tuple[CashCount, int, int]:
        return self.grid.count(), _amount(self.card.text()), _amount(self.prepaid.text())

    def refresh(self) -> None:
        try:
            count, card, prepaid = self._counted()
        except BilingualError:
            return
        counted = {"cash": count.total, "card": card, "prepaid": prepaid}
        self.ops.query(lambda c: c.shifts.summary(counted), success=self._show)

    def _show(self, summary: CloseSummary) -> None:
        self.summary = summary
        lang = self.lang
        for i, row in enumerate(summary.rows):
            items = len(summary.details.get(row.tender, []))
            cells = [
                TENDER_NAMES[row.tender][0 if lang == "ar" else 1],
                Money(row.opening).format(lang),
                Money(row.expected).format(lang),
                Money(row.counted).format(lang),
                ("+" if row.difference > 0 else "-" if row.difference < 0 else "")
                + Money(abs(row.difference)).format(lang),
                str(items),
            ]
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if summary.needs_approval:
            self.verdict.setText(
                _t(
                    lang,
                    "الفرق أكبر من المسموح (" + Money(summary.tolerance).format("ar") + "): "
                    "اكتب الشرح ثم يعتمد المشرف باسمه ورقمه السري",
                    "The difference is beyond the tolerance ("
                    + Money(summary.tolerance).format("en")
                    + "): write the explanation, then a supervisor approves",
                )
            )
            self.verdict.setStyleSheet("font-size: 13pt; font-weight: bold; color: #b00020;")
        else:
            self.verdict.setText(
                _t(lang, "العد مطابق في حدود المسموح", "The count agrees within the tolerance")
            )
            self.verdict.setStyleSheet("font-size: 13pt; font-weight: bold; color: #1b5e20;")
        self._fill_details()

    def toggle_details(self) -> None:
        self.details.setVisible(not self.details.isVisible())

    def _fill_details(self) -> None:
        if self.summary is None:
            return
        lang, lines = self.lang, []
        for tender, items in self.summary.details.items():
            for item in items:
                if "movement" in item:
                    lines.append(
                        f"{tender} · {item['movement']} · {Money(abs(item['amount'])).format(lang)}"
                    )
                    continue
                what = _t(lang, "إيصال ", "receipt ") + str(item["receipt"])
                if item.get("voided_seq"):
                    what += _t(lang, " (ملغى)", " (voided)")
                lines.append(f"{tender} · {what} · {Money(item['amount']).format(lang)}")
        self.details.setText("\n".join(lines[-30:]) or _t(lang, "لا عمليات", "No items"))

    def submit(self) -> None:
        try:
            count, card, prepaid = self._counted()
        except BilingualError as error:
            self.show_error(error)
            return
        note, username, pin = self.explanation.text(), self.username.text(), self.pin.text()

        def close(c: AppContext) -> dict[str, object]:
            supervisor = None
            if username.strip():
                supervisor = c.session.check_credentials(username, pin, purpose="cash_difference")
            record = c.shifts.close_shift(
                count, card, prepaid, explanation=note, supervisor=supervisor
            )
            c.queue.end_of_shift()
            return record

        self.ops.run(close, success=self._done, failure=self._refused)

    def _refused(self, error: BilingualError) -> None:
        self.show_error(error)
        if error.code == "explanation":
            self.explanation.setFocus()
        elif error.code in ("approver", "pin", "username", "locked_out"):
            self.pin.clear()
            self.username.setFocus()

    def _done(self, record: dict[str, object]) -> None:
        self.accept()
        self._closed(record)
