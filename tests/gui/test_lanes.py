"""Work on lanes: a result is delivered even when the work is done before anyone could
listen, and a stalled printer holds up neither the next ticket nor a call to HQ."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_app.domain.errors import InputError
from counter_app.services.demo import open_demo_workstation
from counter_app.ui.main_window import MainWindow
from counter_app.ui.ops import OpRunner
from peripherals.receipt_printer import SimulatedReceiptPrinter
from tests.gui.conftest import screenshot, show_window
from tests.gui.test_main_window import settle
from tests.gui.test_soak import with_receipt_timeout
from tests.gui.test_visit_and_session import signed_in
from tests.support.hq_server import RunningHq

pytestmark = pytest.mark.gui


def test_an_op_that_finishes_at_once_still_delivers_exactly_once(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    settle(qtbot, window)
    # A fresh runner, and calls that are done before `run` returns: the old runner lost
    # the first result of every runner, and any result that beat `.success()`.
    runner = OpRunner(window.ctx, window.inbox, lambda _e: None, lambda _e: None)
    got: list[int] = []
    refused: list[str] = []
    for n in range(500):
        runner.run(lambda _c, n=n: n, success=got.append)
        runner.query(lambda _c, n=n: -n - 1, success=got.append)

    def refuse(_c: object) -> None:
        raise InputError("x", "مرفوض", "refused")

    runner.run(refuse, failure=lambda e: refused.append(e.message_en))
    qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)
    assert sorted(got) == sorted([*range(500), *(-n - 1 for n in range(500))])
    assert refused == ["refused"]
    writes = [n for n in got if n >= 0]
    assert writes == sorted(writes)  # the write lane keeps submission order


def test_a_stalled_printer_holds_up_neither_the_next_ticket_nor_hq(
    qtbot: QtBot, hq: RunningHq, tmp_path: Path
) -> None:
    profile = with_receipt_timeout(tmp_path / "w", 30)
    ctx = open_demo_workstation(profile, log_to_file=False)
    ctx.sync.enroll(hq.url, hq.enroll_code())
    window = show_window(qtbot, ctx, "en")
    printer = ctx.receipt_printer
    assert isinstance(printer, SimulatedReceiptPrinter)
    try:
        signed_in(qtbot, window)
        printer.set_fault("stall")
        qtbot.keyClick(window, Qt.Key.Key_F4)  # its paper is now stuck in the printer
        qtbot.waitUntil(lambda: "Ticket T-1 issued" in window.messages.text(), timeout=5000)
        qtbot.keyClick(window, Qt.Key.Key_F4)
        qtbot.waitUntil(lambda: "Ticket T-2 issued" in window.messages.text(), timeout=5000)
        qtbot.keyClick(window, Qt.Key.Key_F2)
        qtbot.waitUntil(lambda: window.queue.current.text() == "T-1", timeout=5000)
        qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: "HQ answers" in window.messages.text(), timeout=10_000)
        # All of that while the first ticket's paper is still stuck (30 s allowed).
        assert printer.printed_count() == 0
        assert window.ctx.printing.receipt_lane.state_hint is None  # not given up yet
        screenshot(window, "printer-stalled-en")
    finally:
        printer.set_fault(None)
        window.close()
        ctx.close()


def test_a_call_to_hq_shows_busy_and_cancel_frees_the_clerk(
    qtbot: QtBot, counter_window: Callable[[str], MainWindow]
) -> None:
    window = counter_window("en")
    signed_in(qtbot, window)
    release = __import__("threading").Event()

    def slow(_c: object) -> str:
        release.wait(30)  # an HQ that does not answer (within its timeout)
        return "late"

    answers: list[str] = []
    window.ops.online("check_hq", slow, success=answers.append)
    qtbot.waitUntil(lambda: window.messages.busy, timeout=5000)
    assert "Cancel (Esc)" in window.messages.cancel.text()
    screenshot(window, "busy-en")
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.messages.busy and not window.ops.online_calls
    qtbot.keyClick(window, Qt.Key.Key_F4)  # the clerk works on at once
    qtbot.waitUntil(lambda: "Ticket T-1 issued" in window.messages.text(), timeout=5000)
    release.set()
    settle(qtbot, window)
    assert answers == []  # the cancelled answer is dropped
