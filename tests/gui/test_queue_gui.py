"""The queue by keyboard at the real window, the waiting-room display with its spoken
calls, and the ticket kiosk: driven as a clerk and a citizen would, and photographed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from counter_app.services.context import AppContext
from counter_app.ui.app import prepare_application
from counter_app.ui.display import HallDisplay
from counter_app.ui.kiosk import Kiosk
from counter_app.ui.main_window import MainWindow
from peripherals.receipt_printer import SimulatedReceiptPrinter
from peripherals.speaker import AnnouncementQueue, SimulatedSpeaker
from tests.gui.conftest import SCREENSHOTS, screenshot
from tests.gui.test_main_window import settle, type_text
from tests.gui.test_visit_and_session import key, signed_in
from tests.helpers import open_demo
from tests.support.escpos_decode import decode

pytestmark = pytest.mark.gui
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def entry_types(ctx: AppContext) -> list[str]:
    with ctx.db.read() as tx:
        return [e.entry_type for e in tx.journal.entries() if e.entry_type.startswith("ticket.")]


def type_answer(qtbot: QtBot, window: MainWindow, text: str) -> None:
    qtbot.waitUntil(window.queue.answer.hasFocus, timeout=5000)
    type_text(qtbot, window.queue.answer, text)  # Arabic letters too, as a keyboard sends them
    qtbot.keyClick(window.queue.answer, Qt.Key.Key_Return)
    settle(qtbot, window)


def test_a_clerk_calls_recalls_parks_transfers_finishes_and_records_the_rating_by_keyboard(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("ar")
    ctx = window.ctx
    signed_in(qtbot, window)
    for group in ("T", "T", "C"):
        ctx.queue.issue_ticket(group, kiosk=True)
    key(qtbot, window, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.queue.current.text() == "م ١", timeout=5000)
    key(qtbot, window, Qt.Key.Key_F5)
    assert "أُعيد النداء" in window.messages.text() and "T-1 called again" in window.messages.text()
    key(qtbot, window, Qt.Key.Key_F11)  # the citizen went to fetch a paper
    qtbot.waitUntil(lambda: "معلّقة" in window.queue.parked.text(), timeout=5000)
    key(qtbot, window, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.queue.current.text() == "م ٢", timeout=5000)
    key(qtbot, window, Qt.Key.Key_F12)  # to the civil registry, by its letter
    type_answer(qtbot, window, "س")
    qtbot.waitUntil(lambda: "Ticket sent to" in window.messages.text(), timeout=5000)
    qtbot.waitUntil(lambda: window.queue.current.text() == "—", timeout=5000)
    key(qtbot, window, Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier)  # back: T-1
    qtbot.waitUntil(lambda: window.queue.current.text() == "م ١", timeout=5000)
    screenshot(window, "queue-1-panel-serving")
    key(qtbot, window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: "T-1 served" in window.messages.text(), timeout=5000)
    assert window.queue.rate_buttons[3].isEnabled()
    key(qtbot, window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "T-1 rated 4 of 5" in window.messages.text(), timeout=5000)
    assert not window.queue.rate_buttons[3].isEnabled()
    # The transferred ticket is called next (it keeps its place), shown by its own letter.
    key(qtbot, window, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.queue.current.text() == "م ٢", timeout=5000)
    key(qtbot, window, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: "no-show" in window.messages.text(), timeout=5000)
    # Esc drops a half-typed transfer and changes nothing.
    before = entry_types(ctx)
    key(qtbot, window, Qt.Key.Key_F2)
    key(qtbot, window, Qt.Key.Key_F12)
    qtbot.waitUntil(window.queue.answer.hasFocus, timeout=5000)
    qtbot.keyClicks(window.queue.answer, "9")
    qtbot.keyClick(window.queue.answer, Qt.Key.Key_Escape)
    settle(qtbot, window)
    assert not window.queue.answer.isVisible()
    assert entry_types(ctx) == [*before, "ticket.called"]
    # A transfer to nowhere is refused in words.
    key(qtbot, window, Qt.Key.Key_F12)
    type_answer(qtbot, window, "Z")
    qtbot.waitUntil(lambda: "There is no queue group 'Z'" in window.messages.text(), timeout=5000)
    screenshot(window, "queue-2-panel-refused")
    kinds = entry_types(ctx)
    for kind in (
        "ticket.recalled",
        "ticket.parked",
        "ticket.transferred",
        "ticket.resumed",
        "ticket.served",
        "ticket.rated",
        "ticket.no_show",
    ):
        assert kind in kinds, kind


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_the_hall_display_shows_and_says_each_call_in_order(
    qtbot: QtBot, tmp_path: Path, size: tuple[int, int]
) -> None:
    prepare_application("ar")
    ctx = open_demo(tmp_path / "w")
    speaker = SimulatedSpeaker()
    announcements = AnnouncementQueue(speaker)
    display = HallDisplay(ctx, "ar", announcements, poll_ms=100)
    qtbot.addWidget(display)
    display.resize(*size)
    display.show()
    qtbot.waitExposed(display)
    try:
        qtbot.waitUntil(lambda: display.board is not None, timeout=5000)
        ctx.shifts.open_shift()
        for group in ("T", "C", "T", "P"):
            ctx.queue.issue_ticket(group, kiosk=True)
        for _ in range(3):  # three calls in quick succession
            ctx.queue.call_next()
            ctx.queue.finish_current()
        ctx.queue.call_next()
        qtbot.waitUntil(lambda: display.now_cells[0][0].text() == "ع ١", timeout=5000)
        assert display.now_cells[0][1].text() == "١"
        assert announcements.wait_idle(10)
        assert speaker.said == [
            "التذكرة رقم م ١، الشباك رقم ١",
            "التذكرة رقم س ١، الشباك رقم ١",
            "التذكرة رقم م ٢، الشباك رقم ١",
            "التذكرة رقم ع ١، الشباك رقم ١",
        ]
        assert display.earlier[0].text().startswith("م ٢")
        # Nothing cut off: the display keeps the screen's size, and every text fits its cell.
        assert (display.width(), display.height()) == size
        cells = [c for row in display.now_cells for c in row] + display.earlier
        for cell in [*cells, *display.waiting.values(), *display.headings]:
            hint = cell.sizeHint()
            assert hint.width() <= cell.width() + 1 and hint.height() <= cell.height() + 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        assert display.grab().save(str(SCREENSHOTS / f"display-{size[0]}x{size[1]}.png"))
    finally:
        display.close_display()
        announcements.close()
        ctx.close()


def test_the_kiosk_issues_a_priority_ticket_by_touch_and_prints_it_with_its_qr(
    qtbot: QtBot, tmp_path: Path
) -> None:
    prepare_application("ar")
    ctx = open_demo(tmp_path / "kiosk", sign_in=False)
    kiosk = Kiosk(ctx, "ar")
    qtbot.addWidget(kiosk)
    kiosk.resize(1366, 768)
    kiosk.show()
    qtbot.waitExposed(kiosk)
    try:
        qtbot.mouseClick(kiosk.group_buttons["T"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "م ١" in kiosk.result.text(), timeout=5000)
        qtbot.mouseClick(kiosk.priority_buttons["elderly"], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(kiosk.group_buttons["T"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "م ٢" in kiosk.result.text(), timeout=5000)
        assert "أمامك ١" in kiosk.result.text()
        assert kiosk.height() == 768  # nothing pushed off the screen
        assert not kiosk.priority_buttons["elderly"].isChecked()  # for one ticket only
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        assert kiosk.grab().save(str(SCREENSHOTS / "kiosk-1366x768.png"))
        printer = ctx.receipt_printer
        assert isinstance(printer, SimulatedReceiptPrinter)
        qtbot.waitUntil(lambda: len(list(printer.folder.glob("*.escpos"))) == 2, timeout=10_000)
        paper = decode(sorted(printer.folder.glob("*.escpos"))[-1].read_bytes()).image()
        paper.save(SCREENSHOTS / "kiosk-ticket.png")
        codes = zxingcpp.read_barcodes(paper.convert("L"))
        day = ctx.clock.stamp().business_day
        assert [c.text for c in codes] == [f"CQ1|ASW-0101|{day}|T-2"]
        with ctx.db.read() as tx:
            second = tx.tickets.get(day, "T-2")
        assert second is not None and second.category == "elderly"
    finally:
        kiosk.close_kiosk()
        ctx.close()
        QApplication.processEvents()


def test_the_supervisor_sees_the_queue_figures_and_a_clerk_may_not(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("ar")
    ctx = window.ctx
    signed_in(qtbot, window)
    for group in ("T", "C", "T"):
        ctx.queue.issue_ticket(group, kiosk=True)
    for _ in range(2):
        ctx.queue.call_next()
        ctx.queue.finish_current()
    key(qtbot, window, Qt.Key.Key_Q, CTRL_SHIFT)
    assert "Only a supervisor" in window.messages.text()
    ctx.session.sign_out()
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 0, timeout=5000)
    signed_in(qtbot, window, "ahmed", "9876")
    key(qtbot, window, Qt.Key.Key_Q, CTRL_SHIFT)
    qtbot.waitUntil(lambda: getattr(window, "figures", None) is not None, timeout=5000)
    table = window.figures.table
    assert table.verticalHeaderItem(0).text() == "المكتب"
    served = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index(
        "خُدمت"
    )
    assert table.item(0, served).text() == "٢"
    window.figures.resize(1200, 420)
    assert window.figures.grab().save(str(SCREENSHOTS / "queue-3-figures.png"))
    window.figures.close()
