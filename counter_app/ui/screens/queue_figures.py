"""The supervisor's view of the queue: waits, service times, no-shows and ratings of the
day, for the office and per group, window and clerk (from the queue host when there is
one). Figures are minutes; "within target" is the share called within the office's
target wait."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from counter_app.domain.text import to_arabic_indic
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named

COLUMNS = (
    "issued",
    "served",
    "no_show",
    "abandoned",
    "wait_median_min",
    "wait_p90_min",
    "service_median_min",
    "service_p90_min",
    "within_target",
    "no_show_rate",
    "rating_mean",
)


class QueueFiguresScreen(QDialog):
    def __init__(
        self,
        report: dict[str, Any],
        lang: str,
        group_names: dict[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("queue_figures")
        self.setWindowTitle(tr("queue_figures", lang))
        self.resize(1200, 520)
        target = report.get("target_wait_min", 20)
        heading = QLabel(tr("queue_figures_head", lang, n=report["tickets"], target=target))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        rows: list[tuple[str, dict[str, Any]]] = [(tr("fig_office", lang), report["office"])]
        for kind in ("group", "window", "clerk"):
            for key, values in report[kind].items():
                shown = (group_names or {}).get(key, key) if kind == "group" else key
                rows.append((f"{tr('fig_' + kind, lang)} {shown}", values))
        self.table = named(QTableWidget(len(rows), len(COLUMNS)), "figures_table")
        self.table.setHorizontalHeaderLabels([tr(f"fig_{c}", lang) for c in COLUMNS])
        self.table.setVerticalHeaderLabels([name for name, _ in rows])
        for r, (_name, values) in enumerate(rows):
            for c, column in enumerate(COLUMNS):
                value = values[column]
                share = column in ("within_target", "no_show_rate")
                text = str(round(100 * value) if share else value)
                if lang == "ar":  # Arabic-Indic digits, the Arabic decimal and percent signs
                    text = to_arabic_indic(text).replace(".", "٫") + ("٪" if share else "")
                elif share:
                    text += "%"
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table)
