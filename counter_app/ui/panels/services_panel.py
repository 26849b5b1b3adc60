"""The services panel: the catalogue of what this window offers (filled by later capabilities)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from counter_app.ui.panels.common import Panel
from counter_app.ui.strings import tr


class ServicesPanel(Panel):
    def __init__(self, lang: str) -> None:
        super().__init__(tr("services", lang))
        self.setObjectName("services_panel")
        note = QLabel(tr("services_soon", lang))
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.body.addStretch(1)
