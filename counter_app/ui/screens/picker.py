"""The service picker: type to search by Arabic or English name or code, arrows to move,
Enter to choose. Services are grouped by section; headings cannot be chosen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QWidget

from counter_app.domain.catalogue import Catalogue, Service
from counter_app.domain.money import Money
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named

SERVICE_ROLE = Qt.ItemDataRole.UserRole


class _SearchField(QLineEdit):
    """Up and Down move in the list below while the clerk keeps typing."""

    def __init__(self, results: QListWidget) -> None:
        super().__init__()
        self._results = results

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = self._results.currentRow()
            for _ in range(self._results.count()):
                row = (row + step) % max(1, self._results.count())
                item = self._results.item(row)
                if item is not None and item.data(SERVICE_ROLE):
                    self._results.setCurrentRow(row)
                    break
            return
        super().keyPressEvent(event)


class ServicePicker(ScreenDialog):
    def __init__(
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        catalogue: Catalogue,
        chosen: Callable[[Service], None],
    ) -> None:
        super().__init__(parent, ops, lang, "picker_title")
        self.setObjectName("service_picker")
        self._catalogue = catalogue
        self._chosen = chosen
        self.results = named(QListWidget(), "picker_results")
        self.search = named(_SearchField(self.results), "picker_search")
        self.search.setPlaceholderText(tr("picker_search", lang))
        self.layout_.addWidget(self.search)
        self.layout_.addWidget(self.results, 1)
        self.setMinimumHeight(520)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._choose)
        self.results.itemActivated.connect(lambda _item: self._choose())
        self._filter("")
        self.search.setFocus()

    def _filter(self, text: str) -> None:
        self.results.clear()
        section = None
        first = -1
        for service in self._catalogue.search(text):
            title = service.section_ar if self.lang == "ar" else service.section_en
            if title != section:
                heading = QListWidgetItem(title)
                heading.setFlags(Qt.ItemFlag.NoItemFlags)
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                self.results.addItem(heading)
                section = title
            fees = sum(f.amount.piastres for f in service.fixed_fees)
            label = f"{service.name(self.lang)}   [{service.code}]"
            if fees:
                label += f"   {Money(fees).format(self.lang)}"
            item = QListWidgetItem(label)
            item.setData(SERVICE_ROLE, service.code)
            self.results.addItem(item)
            if first < 0:
                first = self.results.count() - 1
        if first >= 0:
            self.results.setCurrentRow(first)

    def _choose(self) -> None:
        item = self.results.currentItem()
        code = item.data(SERVICE_ROLE) if item is not None else None
        if not code:
            return
        self.accept()
        self._chosen(self._catalogue.service(code))
