"""The journey the seeds describe, by keyboard on the real window with the real HQ on
127.0.0.1 and simulated devices: a citizen pays traffic fines (part cash, part card) and
leaves with a receipt and a clearance certificate; then HQ stops (a provisional payment,
the certificate refused with the reason); then HQ returns (settled, and a fine paid
elsewhere meanwhile comes back as a conflict and an instruction)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_SHEETS
from counter_app.services.verification import payload_from_symbol
from counter_app.ui.main_window import MainWindow
from counter_app.ui.screens.certificate import CertificateScreen
from counter_app.ui.screens.fines import FinesScreen
from counter_app.ui.screens.instructions import InstructionDialog
from counter_app.ui.screens.picker import ServicePicker
from counter_app.ui.screens.tender import TenderDialog
from hq.agencies.fines import SimulatedTrafficProsecution
from hq.settlement import Settlement
from peripherals.document_printer import FileDocumentPrinter
from peripherals.receipt_printer import SimulatedReceiptPrinter
from printing.qr_payload import chain_value, verify
from sync.protocol import FineToSettle, SettleRequest, load_public_key
from tests.gui.conftest import screenshot, show_window
from tests.gui.test_main_window import settle, type_text
from tests.gui.test_visit_and_session import key, signed_in
from tests.helpers import open_demo
from tests.support.escpos_decode import decode
from tests.support.fines_people import person_with_fines
from tests.support.hq_server import RunningHq

pytestmark = pytest.mark.gui


def enrolled_window(qtbot: QtBot, hq: RunningHq, root: Path, lang: str) -> MainWindow:
    ctx = open_demo(root, sign_in=False)
    ctx.sync.enroll(hq.url, hq.enroll_code())
    ctx.sync.sync_once()
    return show_window(qtbot, ctx, lang)


def dialog(qtbot: QtBot, window: MainWindow, kind: type) -> QWidget:
    qtbot.waitUntil(lambda: isinstance(window.visit.dialog, kind), timeout=5000)
    shown = window.visit.dialog
    assert shown is not None
    qtbot.waitExposed(shown)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown, timeout=5000)
    return shown


def shot(window: MainWindow, name: str) -> None:
    """The window as the clerk sees it, with the open screen drawn where it is."""
    path = screenshot(window, name)
    shown = window.visit.dialog
    if shown is None:
        return
    picture = QPixmap(str(path))
    painter = QPainter(picture)
    painter.drawPixmap(
        shown.mapTo(window, QPoint(0, 0))
        if shown.parent() is None
        else window.mapFromGlobal(shown.mapToGlobal(QPoint(0, 0))),
        shown.grab(),
    )
    painter.end()
    picture.save(str(path))


def back_at_counter(qtbot: QtBot, window: MainWindow, timeout: int = 5000) -> None:
    """The screen closed and the keyboard is the counter's again."""
    qtbot.waitUntil(
        lambda: window.visit.dialog is None and QApplication.activeWindow() is window,
        timeout=timeout,
    )


def typed(qtbot: QtBot, text: str) -> None:
    """Type into whatever has the keyboard focus, as the clerk does."""
    focus = QApplication.focusWidget()
    assert focus is not None
    type_text(qtbot, focus, text)


def press(
    qtbot: QtBot, k: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, k, mod)


def capture_person(qtbot: QtBot, window: MainWindow, number: str) -> None:
    window.identity.national_id.setFocus()
    qtbot.keyClicks(window.identity.national_id, number)
    qtbot.keyClick(window.identity.national_id, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.identity.captured_number == number, timeout=5000)


def pick(qtbot: QtBot, window: MainWindow, search: str, shot_name: str = "") -> None:
    key(qtbot, window, Qt.Key.Key_F7)
    picker = dialog(qtbot, window, ServicePicker)
    assert isinstance(picker, ServicePicker)
    type_text(qtbot, picker.search, search)
    if shot_name:
        shot(window, shot_name)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)


def inquire_fines(qtbot: QtBot, window: MainWindow, name: str) -> FinesScreen:
    pick(qtbot, window, "مخالفات", name.replace("fines", "picker", 1))
    screen = dialog(qtbot, window, FinesScreen)
    assert isinstance(screen, FinesScreen)
    assert screen.query.text() == window.identity.captured_number  # the visit's citizen
    qtbot.keyClick(screen.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.inquiry is not None, timeout=20000)
    shot(window, name)
    return screen


def pay(qtbot: QtBot, window: MainWindow, keys: list[tuple[str, str]], name: str) -> str:
    """F8, then for each (field, text) the clerk replaces that field; Enter confirms."""
    key(qtbot, window, Qt.Key.Key_F8)
    tender = dialog(qtbot, window, TenderDialog)
    assert isinstance(tender, TenderDialog)
    for field_name, text in keys:
        field = tender.findChild(QLineEdit, field_name)
        assert field is not None
        field.setFocus()
        field.selectAll()
        press(qtbot, Qt.Key.Key_Backspace)
        if text:
            typed(qtbot, text)
    shot(window, name)
    press(qtbot, Qt.Key.Key_Return)
    back_at_counter(qtbot, window, timeout=20000)
    settle(qtbot, window)
    return window.messages.text()


def last_receipt_qr(ctx: AppContext) -> bytes:
    printer = ctx.receipt_printer
    assert isinstance(printer, SimulatedReceiptPrinter)
    job = sorted(printer.folder.glob("*.escpos"))[-1]
    [found] = zxingcpp.read_barcodes(
        decode(job.read_bytes()).image().convert("L"), formats=zxingcpp.BarcodeFormat.QRCode
    )
    # A phone's camera opens HQ's verification page with the payload after "#".
    enrolment = ctx.sync.enrolment()
    assert enrolment is not None
    assert found.text.startswith(f"{enrolment.hq_url}/v/#"), found.text[:60]
    return payload_from_symbol(bytes(found.bytes))


def pdf_qr(path: Path) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), f"{tmp}/p"], check=True)
        [found] = zxingcpp.read_barcodes(
            Image.open(sorted(Path(tmp).glob("p*.png"))[0]), formats=zxingcpp.BarcodeFormat.QRCode
        )
        return payload_from_symbol(bytes(found.bytes))


def wait_printed(qtbot: QtBot, ctx: AppContext) -> None:
    def all_printed() -> bool:
        with ctx.db.read() as tx:
            return not tx.printing.unfinished()

    qtbot.waitUntil(all_printed, timeout=20000)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_journey_fines_receipt_certificate_offline_and_back(
    qtbot: QtBot, hq: RunningHq, tmp_path: Path, lang: str
) -> None:
    window = enrolled_window(qtbot, hq, tmp_path / "w", lang)
    ctx = window.ctx
    hq_key = load_public_key(ctx.sync.enrolment().hq_public_key)  # type: ignore[union-attr]
    try:
        signed_in(qtbot, window)
        key(qtbot, window, Qt.Key.Key_F4)
        key(qtbot, window, Qt.Key.Key_F2)
        citizen = person_with_fines(2)
        capture_person(qtbot, window, citizen)

        # Inquire; keep only the first fine selected; pay it in cash with change.
        screen = inquire_fines(qtbot, window, f"journey-1-fines-{lang}")
        assert screen.inquiry is not None and screen.inquiry.live
        fines = screen.inquiry.fines
        for _ in fines[1:]:
            press(qtbot, Qt.Key.Key_Down)
            press(qtbot, Qt.Key.Key_Space)
        assert screen.selected() == [fines[0].fine_id]
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        back_at_counter(qtbot, window)
        screenshot(window, f"journey-2-visit-{lang}")
        said = pay(qtbot, window, [("tender_cash", "1000")], f"journey-3-tender-cash-{lang}")
        assert "تم الدفع" in said and "Paid" in said
        wait_printed(qtbot, ctx)
        first_qr = last_receipt_qr(ctx)
        first = verify(first_qr, hq_key)
        assert first.document_type == "receipt"
        assert first.amount_piastres == fines[0].amount_piastres + 500  # fine + service fee

        # The rest by card: the simulated terminal approves; the receipt chains.
        screen = inquire_fines(qtbot, window, f"journey-4-fines-rest-{lang}")
        assert screen.inquiry is not None
        assert fines[0].fine_id not in {f.fine_id for f in screen.inquiry.fines}
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        back_at_counter(qtbot, window)
        total = ctx.visit.basket.total
        said = pay(
            qtbot,
            window,
            [("tender_cash", ""), ("tender_card", f"{total.as_decimal():.2f}")],
            f"journey-5-tender-card-{lang}",
        )
        assert "Paid" in said
        wait_printed(qtbot, ctx)
        second = verify(last_receipt_qr(ctx), hq_key)
        assert second.previous_chain == chain_value(first_qr)

        # Nothing outstanding: the certificate, on the sheet the clerk scans.
        pick(qtbot, window, "براءة")
        cert = dialog(qtbot, window, CertificateScreen)
        assert isinstance(cert, CertificateScreen)
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: cert.clearance is not None, timeout=20000)
        typed(qtbot, "محمد أحمد علي")
        press(qtbot, Qt.Key.Key_Return)
        press(qtbot, Qt.Key.Key_Return)  # no plate
        press(qtbot, Qt.Key.Key_Return)  # no licence
        typed(qtbot, str(DEMO_SHEETS[0] + 4))
        shot(window, f"journey-6-certificate-{lang}")
        press(qtbot, Qt.Key.Key_Return)
        back_at_counter(qtbot, window)
        said = pay(qtbot, window, [], f"journey-7-tender-certificate-{lang}")
        assert "Paid" in said
        wait_printed(qtbot, ctx)
        documents = ctx.printing.document_printer
        assert isinstance(documents, FileDocumentPrinter)
        facts = verify(pdf_qr(sorted(documents.folder.glob("*.pdf"))[-1]), hq_key)
        assert facts.document_type == "clearance_certificate"
        assert (facts.national_id, facts.sheet_serial) == (citizen, DEMO_SHEETS[0] + 4)
        screenshot(window, f"journey-8-paid-{lang}")

        # A second citizen, asked about while online; then HQ stops.
        key(qtbot, window, Qt.Key.Key_F3)
        key(qtbot, window, Qt.Key.Key_F4)
        key(qtbot, window, Qt.Key.Key_F2)
        other = person_with_fines(2, skip=1)
        capture_person(qtbot, window, other)
        screen = inquire_fines(qtbot, window, f"journey-9-fines-other-{lang}")
        assert screen.inquiry is not None
        other_fines = screen.inquiry.fines
        press(qtbot, Qt.Key.Key_Escape)
        back_at_counter(qtbot, window)
        hq.kill()

        screen = inquire_fines(qtbot, window, f"journey-10-fines-offline-{lang}")
        assert screen.inquiry is not None and not screen.inquiry.live
        saved = "آخر استعلام محفوظ" if lang == "ar" else "last saved inquiry"
        assert saved in screen.source.text()
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        back_at_counter(qtbot, window)
        said = pay(qtbot, window, [], f"journey-11-tender-offline-{lang}")
        assert "provisionally" in said
        wait_printed(qtbot, ctx)
        assert verify(last_receipt_qr(ctx), hq_key).document_type == "receipt"

        pick(qtbot, window, "براءة")
        cert = dialog(qtbot, window, CertificateScreen)
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "offline" in cert.messages.text(), timeout=20000)  # type: ignore[attr-defined]
        shot(window, f"journey-12-certificate-refused-{lang}")
        press(qtbot, Qt.Key.Key_Escape)
        back_at_counter(qtbot, window)

        # Meanwhile another window paid one of those fines; then HQ returns.
        Settlement(hq.engine, SimulatedTrafficProsecution()).settle(
            "ASW-0101-W02",
            SettleRequest(
                payment_uuid="paid-elsewhere-1",
                fines=[
                    FineToSettle(
                        fine_id=other_fines[0].fine_id,
                        amount_piastres=other_fines[0].amount_piastres,
                    )
                ],
            ),
        )
        hq.start()
        ctx.sync.sync_once()
        ctx.sync.sync_once()
        with ctx.db.read() as tx:
            statuses = {
                fine_id: status
                for payment in tx.payments.on_day(tx.journal.get(tx.journal.head()[0]).business_day)
                for fine_id, (_amount, status) in tx.payments.fines_of(payment.id).items()
            }
        assert statuses[other_fines[0].fine_id] == "conflict"
        assert all(statuses[f.fine_id] == "settled" for f in other_fines[1:])
        assert all(status in ("settled", "conflict") for status in statuses.values())
        instructions = ctx.sync.bundle("instructions")
        assert instructions is not None
        assert any(other_fines[0].fine_id in i["text_en"] for i in instructions.payload["items"])

        # The clerk sees HQ's instruction, reads it and accepts it: journaled for HQ.
        qtbot.waitUntil(lambda: "Ctrl+Shift+I" in window.messages.text(), timeout=5000)
        badge = window.status.instructions
        qtbot.waitUntil(badge.isVisible, timeout=5000)  # the inbox's badge on the status bar
        assert badge.text().endswith("1" if lang == "en" else "١")
        shot(window, f"journey-13-instruction-waiting-{lang}")
        key(
            qtbot,
            window,
            Qt.Key.Key_I,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        answer = dialog(qtbot, window, InstructionDialog)
        assert isinstance(answer, InstructionDialog)
        assert other_fines[0].fine_id in answer.instruction.text_en
        shot(window, f"journey-14-instruction-{lang}")
        typed(qtbot, "refund 50 EGP given")
        press(qtbot, Qt.Key.Key_Return)
        back_at_counter(qtbot, window)
        settle(qtbot, window)
        assert ctx.instructions.pending() == []
        qtbot.waitUntil(lambda: not badge.isVisible(), timeout=5000)
        with ctx.db.read() as tx:
            accepted = [e for e in tx.journal.entries() if e.entry_type == "instruction.accepted"]
        assert accepted and "refund" in accepted[-1].payload
    finally:
        window.close()
        ctx.close()
