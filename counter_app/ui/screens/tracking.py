"""The tracking screen (the `tracking` kind): a request's stages from its tracking number
(typed or scanned from the slip), live from HQ or, offline, as last known here with its
age; a request waiting at this office is handed to its owner after their national ID is
checked (Ctrl+H)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QListWidget, QPushButton, QWidget

from counter_app.domain.business_time import cairo_local
from counter_app.domain.catalogue import Catalogue, Service
from counter_app.domain.errors import BilingualError
from counter_app.domain.fines import age_text
from counter_app.domain.requests import status_name
from counter_app.services.kinds.tracking import Tracked
from counter_app.ui.ops import OpRunner
from counter_app.ui.screens.base import ScreenDialog
from counter_app.ui.strings import ltr, tr, tr_both, tr_code
from counter_app.ui.widgets import named


class TrackingScreen(ScreenDialog):
    def __init__(
        self,
        parent: QWidget,
        ops: OpRunner,
        lang: str,
        service: Service,
        national_id: str,
        added: Callable[[Service], None],
    ) -> None:
        super().__init__(parent, ops, lang, "tracking_title")
        self.setObjectName("tracking_screen")
        self.tracked: Tracked | None = None
        form = QFormLayout()
        self.number = named(QLineEdit(), "tracking_number")
        self.number.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.number.setStyleSheet("font-size: 16pt;")
        self.track_button = named(QPushButton(tr("track", lang)), "track")
        self.track_button.setAutoDefault(False)
        form.addRow(tr("tracking_number", lang), self.number)
        form.addRow("", self.track_button)
        self.layout_.addLayout(form)
        self.summary = named(QLabel(), "tracking_summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.layout_.addWidget(self.summary)
        self.stages = named(QListWidget(), "tracking_stages")
        self.stages.setMinimumHeight(200)
        self.layout_.addWidget(self.stages, 1)
        handover = QFormLayout()
        self.collector = named(QLineEdit(national_id), "collector_id")
        self.collector.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.hand_button = named(QPushButton(tr("hand_over", lang)), "hand_over")
        self.hand_button.setAutoDefault(False)
        handover.addRow(tr("collector_id", lang), self.collector)
        handover.addRow("", self.hand_button)
        self.layout_.addLayout(handover)
        self._collectable(False)
        self.number.returnPressed.connect(self.track)
        self.track_button.clicked.connect(self.track)
        self.collector.returnPressed.connect(self.hand_over)
        self.hand_button.clicked.connect(self.hand_over)
        QShortcut(QKeySequence("Ctrl+H"), self).activated.connect(self.hand_over)
        self.number.setFocus()

    def _collectable(self, yes: bool) -> None:
        self.collector.setEnabled(yes)
        self.hand_button.setEnabled(yes)

    def track(self) -> None:
        text = self.number.text()
        self._collectable(False)
        self.ops.online(
            "asking_tracking",
            lambda c: (c.tracking.track(text), c.catalogue.current()),
            success=self._show,
            failure=self._refused,
        )

    def _refused(self, error: BilingualError) -> None:
        self.show_error(error)
        self.number.setFocus()
        self.number.selectAll()

    def _show(self, answer: tuple[Tracked, Catalogue]) -> None:
        tracked, catalogue = answer
        self.tracked = tracked
        history, lang = tracked.history, self.lang
        if tracked.live:
            said = tr_both("tracking_live")
        else:
            then = datetime.fromisoformat(tracked.as_of)
            age_ar, age_en = age_text(self.ops.ctx.clock.now() - then)
            said = tr("tracking_cached", "ar", age=age_ar), tr("tracking_cached", "en", age=age_en)
        self.messages.show_notice(*said)
        service = next((s for s in catalogue.services if s.code == history.service), None)
        name = service.name(lang) if service else history.service
        lines = [f"{name}: {status_name(history.status, lang)}"]
        if history.consignment:
            lines.append(tr_code("consignment", lang, number=ltr(history.consignment)))
        self.summary.setText("\n".join(lines))
        self.stages.clear()
        for stage in history.stages:
            note = stage.note_ar if lang == "ar" else stage.note_en
            when = ltr(_local_time(stage.at))
            text = f"{status_name(stage.status, lang)}  ·  {when}"
            self.stages.addItem(f"{text}\n{note}" if note else text)
        self._collectable(tracked.collectable)
        if tracked.collectable:
            self.collector.setFocus()
            self.collector.selectAll()

    def hand_over(self) -> None:
        if self.tracked is None or not self.tracked.collectable:
            return
        number, person = self.tracked.history.tracking, self.collector.text()
        clerk = self.ops.ctx.session.current_username()
        window = self.ops.ctx.config.window.number
        self.ops.run(
            lambda c: c.tracking.hand_over(number, person, clerk, window),
            success=self._handed,
            failure=self._not_handed,
        )

    def _handed(self, number: str) -> None:
        self.messages.show_notice(
            *(tr_code("handed_over", lang, number=ltr(self.number.text())) for lang in ("ar", "en"))
        )
        self._collectable(False)
        self.summary.setText(
            f"{self.summary.text().splitlines()[0].split(':')[0]}: "
            f"{status_name('collected', self.lang)}"
        )

    def _not_handed(self, error: BilingualError) -> None:
        self.show_error(error)
        self.collector.setFocus()
        self.collector.selectAll()


def _local_time(text: str) -> str:
    """A stage's time as the clerk reads clocks: Cairo's, to the minute."""
    try:
        return cairo_local(datetime.fromisoformat(text)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text[:16]
