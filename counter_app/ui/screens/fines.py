"""The fines screen: inquire by national ID, plate or licence (online, with Cancel), see
each fine, select which to pay, add them to the visit. Offline it shows the last saved
answer with its age, and what is paid against it is provisional."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from counter_app.domain.catalogue import Service
from counter_app.domain.errors import BilingualError
from counter_app.domain.money import Money
from counter_app.services.context import AppContext
from counter_app.services.kinds.fines import QUERY_KINDS, FinesInquiry
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.strings import ltr, tr, tr_both
from counter_app.ui.widgets import named

FINE_ROLE = Qt.ItemDataRole.UserRole


class FinesScreen(ScreenDialog):
    def __init__(
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        service: Service,
        national_id: str,
        added: Callable[[Service], None],
    ) -> None:
        super().__init__(parent, ops, lang, "fines_title")
        self.setObjectName("fines_screen")
        self.service = service
        self._added = added
        self.inquiry: FinesInquiry | None = None
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("inquire_by", lang)))
        self.query_kind = named(QComboBox(), "query_kind")
        for kind in QUERY_KINDS:
            self.query_kind.addItem(tr(f"by_{kind}", lang), kind)
        row.addWidget(self.query_kind)
        self.query = named(QLineEdit(national_id), "fines_query")
        self.query.setStyleSheet("font-size: 16pt;")
        row.addWidget(self.query, 1)
        self.inquire_button = named(QPushButton(tr("inquire", lang)), "inquire")
        self.inquire_button.setAutoDefault(False)
        row.addWidget(self.inquire_button)
        self.layout_.addLayout(row)
        self.source = named(QLabel(), "fines_source")
        self.source.setWordWrap(True)
        self.layout_.addWidget(self.source)
        self.fines = named(QListWidget(), "fines_list")
        self.fines.setMinimumHeight(220)
        self.layout_.addWidget(self.fines, 1)
        self.selected_total = named(QLabel(), "fines_selected_total")
        self.selected_total.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.layout_.addWidget(self.selected_total)
        self.add_button = named(QPushButton(tr("add_to_visit", lang)), "add_fines")
        self.add_button.setAutoDefault(False)
        self.add_button.setEnabled(False)
        self.layout_.addWidget(self.add_button)
        self.query.returnPressed.connect(self.inquire)
        self.inquire_button.clicked.connect(self.inquire)
        self.add_button.clicked.connect(self.add_to_visit)
        self.fines.itemChanged.connect(lambda _item: self._update_total())
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.add_to_visit)
        self.query.setFocus()

    def inquire(self) -> None:
        kind = str(self.query_kind.currentData())
        text = self.query.text()
        self.add_button.setEnabled(False)
        self.ops.online(
            "asking_fines",
            lambda c: c.fines.inquire(kind, text),
            success=self._show,
            failure=self._refused,
        )

    def _refused(self, error: BilingualError) -> None:
        self.show_error(error)
        self.query.setFocus()
        self.query.selectAll()

    def _show(self, inquiry: FinesInquiry) -> None:
        self.inquiry = inquiry
        self.fines.clear()
        if inquiry.live:
            said = tr_both("fines_live", source=inquiry.source)
        else:
            age_ar, age_en = inquiry.age(self.ops.ctx.clock.now())
            said = tr("fines_cached", "ar", age=age_ar), tr("fines_cached", "en", age=age_en)
        self.messages.show_notice(*said)
        self.source.setText(said[0] if self.lang == "ar" else said[1])
        self.source.setStyleSheet("" if inquiry.live else "color: #8a5a00; font-weight: bold;")
        for fine in inquiry.fines:
            violation = fine.violation_ar if self.lang == "ar" else fine.violation_en
            amount = Money(fine.amount_piastres).format(self.lang)
            text = (
                f"{violation}  ·  {fine.date}  ·  {fine.place}  ·  {ltr(fine.plate)}  ·  {amount}"
            )
            item = QListWidgetItem(text)
            item.setData(FINE_ROLE, fine.fine_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.fines.addItem(item)
        if not inquiry.fines:
            self.fines.addItem(QListWidgetItem(tr("no_fines", self.lang)))
        self._update_total()
        self.add_button.setEnabled(bool(inquiry.fines))
        self.fines.setFocus()
        self.fines.setCurrentRow(0)

    def selected(self) -> list[str]:
        return [
            str(item.data(FINE_ROLE))
            for item in (self.fines.item(i) for i in range(self.fines.count()))
            if item is not None
            and item.data(FINE_ROLE)
            and item.checkState() == Qt.CheckState.Checked
        ]

    def _update_total(self) -> None:
        if self.inquiry is None:
            self.selected_total.clear()
            return
        chosen = set(self.selected())
        total = Money(sum(f.amount_piastres for f in self.inquiry.fines if f.fine_id in chosen))
        self.selected_total.setText(tr("total_due", self.lang, amount=total.format(self.lang)))

    def add_to_visit(self) -> None:
        if self.inquiry is None or self.ops.online_calls:
            return
        ctx: AppContext = self.ops.ctx
        inquiry = self.inquiry

        def add() -> None:
            lines, fines = ctx.fines.lines(self.service, inquiry, self.selected())
            ctx.visit.add(lines, fines=fines, provisional=not inquiry.live)

        self.join_visit(add, self.service, self._added, self.show_error)
