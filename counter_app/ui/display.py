"""The waiting-room display: who is called to which window, the last calls, who waits.

Full screen on a second screen or a separate PC, Arabic first. It reads the office's board
every second (from the queue host, or this workstation's own queue) and says each new
call through the announcement queue: a chime and the spoken call, one after another.
Sizes follow the screen's height, so the numbers read across a hall at 1920x1080 and at
1366x768 alike.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from counter_app.domain.errors import BilingualError, InputError
from counter_app.domain.text import to_arabic_indic
from counter_app.services.context import AppContext
from counter_app.services.queue import BoardView, TicketView
from counter_app.ui.inbox import GuiInbox
from counter_app.ui.ops import OpRunner
from counter_app.ui.panels.queue_panel import ticket_text as shown
from counter_app.ui.strings import tr
from counter_app.ui.widgets import named
from peripherals.speaker import Announcement, AnnouncementQueue

NOW_ROWS = 3
EARLIER_ROWS = 4


class HallDisplay(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        lang: str = "ar",
        announcements: AnnouncementQueue | None = None,
        poll_ms: int = 1000,
    ) -> None:
        super().__init__()
        self.setObjectName("hall_display")
        self.setWindowTitle(tr("app_title", lang))
        self.lang = lang
        self.ctx = ctx
        self.announcements = announcements
        self.inbox = GuiInbox(self)
        self.ops = OpRunner(ctx, self.inbox, self._away, lambda _e: None)
        self._since = -1  # the last call said; -1 until the first board is read
        self._epoch = ""
        self.board: BoardView | None = None
        self.setStyleSheet("#hall_display { background: #0b3d2e; } QLabel { color: white; }")

        self._build(ctx, lang)
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def _build(self, ctx: AppContext, lang: str) -> None:
        office = ctx.config.office.name_ar if lang == "ar" else ctx.config.office.name_en
        self.title = named(QLabel(office), "display_title")
        self.state = named(QLabel(), "display_state")
        self.state.setStyleSheet("color: #ffd54f;")
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.state)

        self.now_cells: list[tuple[QLabel, QLabel]] = []
        now = QGridLayout()
        self.headings = [
            named(QLabel(tr(key, lang)), f"{key}_head")
            for key in ("display_now", "display_window", "display_earlier", "display_waiting")
        ]
        for place, heading in enumerate(self.headings[:2]):
            heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
            now.addWidget(heading, 0, place)
        for row in range(NOW_ROWS):
            ticket = named(QLabel(""), f"now_ticket_{row}")
            window = named(QLabel(""), f"now_window_{row}")
            for cell in (ticket, window):
                cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
                cell.setStyleSheet("color: #ffffff; font-weight: bold;")
            now.addWidget(ticket, row + 1, 0)
            now.addWidget(window, row + 1, 1)
            self.now_cells.append((ticket, window))

        side = QVBoxLayout()
        side.addWidget(self.headings[2])
        self.earlier = [named(QLabel(""), f"earlier_{i}") for i in range(EARLIER_ROWS)]
        for label in self.earlier:
            side.addWidget(label)
        side.addSpacing(12)
        side.addWidget(self.headings[3])
        self.waiting_box = QVBoxLayout()
        side.addLayout(self.waiting_box)
        self.waiting: dict[str, QLabel] = {}
        side.addStretch(1)

        body = QHBoxLayout()
        body.addLayout(now, 3)
        body.addLayout(side, 2)
        column = QVBoxLayout(self)
        column.addLayout(head)
        column.addLayout(body, 1)

    # ---- reading the board ---------------------------------------------------------------

    def refresh(self) -> None:
        since = max(self._since, 0)
        self.ops.query(lambda c: c.queue.board(since), success=self._apply, failure=self._away)

    def _apply(self, board: BoardView) -> None:
        self.board = board
        self.state.setText(tr("display_host_away", self.lang) if board.host == "away" else "")
        calls = list(board.calls)
        for row, (ticket_cell, window_cell) in enumerate(self.now_cells):
            current = (
                calls[row]
                if row < len(calls) and calls[row].status in ("called", "serving")
                else None
            )
            ticket_cell.setText(shown(current, self.lang) if current else "")
            window_cell.setText(self._number(self._window_of(current)) if current else "")
        earlier = [c for c in calls if c.status not in ("called", "serving")][:EARLIER_ROWS]
        for i, label in enumerate(self.earlier):
            if i >= len(earlier):
                label.setText("")
                continue
            where = tr("window_n", self.lang, n=self._window_of(earlier[i]))
            label.setText(f"{shown(earlier[i], self.lang)}  ←  {where}")
        names = {code: pair[0 if self.lang == "ar" else 1] for code, pair in board.names.items()}
        for code, count in board.waiting.items():
            if code not in self.waiting:
                self.waiting[code] = named(QLabel(), f"waiting_{code}")
                self.waiting_box.addWidget(self.waiting[code])
            self.waiting[code].setText(f"{names.get(code, code)}: {self._number(count)}")
        self._announce(board)
        self._fit()

    def _announce(self, board: BoardView) -> None:
        fresh = board.called
        if board.epoch != self._epoch:
            # A new queue process (the host restarted): every call it lists is new, except
            # when this display has only just started and knows nothing yet.
            first = self._since < 0
            self._epoch = board.epoch
            self._since = 0
            if first:
                fresh = []
        for serial, _label, letter, number, window in fresh:
            if serial <= self._since:
                continue
            self._since = int(serial)
            if self.announcements is not None:
                self.announcements.announce(Announcement(str(letter), int(number), int(window)))
        if board.called:
            self._since = max(self._since, *(int(c[0]) for c in board.called))

    def _away(self, error: BilingualError | BaseException) -> None:
        if isinstance(error, InputError | BilingualError):
            self.state.setText(tr("display_host_away", self.lang))

    @staticmethod
    def _window_of(ticket: TicketView | None) -> int:
        return 0 if ticket is None else ticket.window

    def _number(self, value: int) -> str:
        return to_arabic_indic(str(value)) if self.lang == "ar" else str(value)

    # ---- sizes that follow the screen ------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        h = max(self.height(), 400)
        big, mid, small = h // 9, h // 26, h // 38
        self.title.setStyleSheet(f"font-size: {mid}px; font-weight: bold; color: white;")
        self.state.setStyleSheet(f"font-size: {small}px; color: #ffd54f;")
        for row, (ticket, window) in enumerate(self.now_cells):
            size = big if row == 0 else int(big * 0.6)
            colour = "#ffeb3b" if row == 0 else "white"
            style = f"font-size: {size}px; font-weight: bold; color: {colour};"
            ticket.setStyleSheet(style)
            window.setStyleSheet(style)
        for label in [*self.earlier, *self.waiting.values()]:
            label.setStyleSheet(f"font-size: {small}px; color: white;")
        for heading in self.headings:
            heading.setStyleSheet(f"font-size: {small}px; color: #a5d6a7; font-weight: bold;")

    def close_display(self) -> None:
        self.timer.stop()
        self.inbox.close()
