"""What the window does with a scan, whether a keyboard-wedge burst or a serial line:
a national ID is captured, a passport's two MRZ lines fill the passport form and are
captured, a queue ticket of this office and day is called to this window."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from counter_app.domain.errors import BilingualError, InputError
from counter_app.domain.scan import Scan, classify
from counter_app.ui.panels.common import MessageArea
from counter_app.ui.panels.identity_panel import IdentityPanel
from counter_app.ui.panels.queue_panel import QueuePanel

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow

MRZ_PAIR_S = 3.0  # a reader sends the second line right after the first


class ScanDispatch:
    def __init__(
        self,
        window: MainWindow,
        identity: IdentityPanel,
        queue: QueuePanel,
        messages: MessageArea,
    ) -> None:
        self._window = window
        self._identity = identity
        self._queue = queue
        self._messages = messages
        self._first_line: tuple[str, float] | None = None

    def line(self, text: str) -> None:
        """A line from a serial scanner or passport reader."""
        try:
            scan = classify(text)
        except InputError as refused:
            self.refused(refused)
            return
        self.scanned(scan)

    def scanned(self, scan: Scan) -> None:
        if not self._window.at_counter():
            return  # nobody is serving: a scan at the sign-in or lock screen does nothing
        if scan.kind == "national_id":
            self._identity.national_id.setText(scan.value)
            self._identity.capture()
        elif scan.kind == "mrz_line":
            self._mrz(scan.value)
        elif scan.kind == "ticket":
            self._ticket(scan)

    def refused(self, error: BilingualError) -> None:
        if self._window.at_counter():
            self._messages.show_error(error)
            self._window.focus_identity()

    def _mrz(self, line: str) -> None:
        now = time.monotonic()
        first = self._first_line
        if first is not None and now - first[1] <= MRZ_PAIR_S and not line.startswith("P"):
            self._first_line = None
            self._identity.fill_passport(first[0], line)
            return
        self._first_line = (line, now)
        self._identity.mrz_lines[0].setText(line)
        self._identity.mrz_lines[1].clear()
        self._identity.mrz_lines[1].setFocus()

    def _ticket(self, scan: Scan) -> None:
        ctx = self._window.ctx
        if scan.office != ctx.config.office.code or scan.day != ctx.clock.stamp().business_day:
            self.refused(
                InputError(
                    "ticket",
                    "هذه التذكرة ليست من هذا المكتب أو من اليوم",
                    "This ticket is not of this office or of today",
                )
            )
            return
        label = scan.value
        self._window.ops.run(
            lambda c: c.queue.call_ticket(label),
            success=self._queue.show_called,
            failure=self.refused,
        )
