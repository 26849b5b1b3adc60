"""Requests, mobile linking and tracking by keyboard on the real window, with the real HQ
on 127.0.0.1: a licence renewal delivered home (its slip decoded, its QR read back), an
appeal of some fines, mobile linking by one-time code (right, wrong, expired, offline),
and a tracking lookup with the handover at the office."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from counter_app.domain import national_id
from counter_app.domain.requests import RequestForm
from counter_app.domain.visit import Tender
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_SHEETS
from counter_app.ui.main_window import MainWindow
from counter_app.ui.screens.certificate import CertificateScreen
from counter_app.ui.screens.otp import OtpScreen
from counter_app.ui.screens.request import RequestScreen
from counter_app.ui.screens.tracking import TrackingScreen
from hq import schema as t
from hq.agencies.requests import Agencies
from hq.requests import RequestDesk
from peripherals.document_printer import FileDocumentPrinter
from peripherals.receipt_printer import SimulatedReceiptPrinter
from printing.qr_payload import verify
from sync.protocol import load_public_key
from tests.gui.conftest import SCREENSHOTS, screenshot
from tests.gui.test_journey import (
    back_at_counter,
    capture_person,
    dialog,
    enrolled_window,
    pay,
    pdf_qr,
    pick,
    press,
    shot,
    typed,
    wait_printed,
)
from tests.gui.test_visit_and_session import key, signed_in
from tests.support.escpos_decode import decode
from tests.support.fines_people import person_with_fines
from tests.support.hq_server import RunningHq

pytestmark = [pytest.mark.gui, pytest.mark.parametrize("hq", ["sqlite"], indirect=True)]
CITIZEN = "29001010100015"
ASWAN = list(k for k in national_id.GOVERNORATES if k != "88").index("28") + 1  # after "—"


def at_counter(qtbot: QtBot, hq: RunningHq, tmp_path: Path, person: str = CITIZEN) -> MainWindow:
    window = enrolled_window(qtbot, hq, tmp_path / "w", "ar")
    signed_in(qtbot, window)
    key(qtbot, window, Qt.Key.Key_F4)
    key(qtbot, window, Qt.Key.Key_F2)
    capture_person(qtbot, window, person)
    return window


def choose(qtbot: QtBot, combo: QComboBox, steps: int) -> None:
    combo.setFocus()
    for _ in range(steps):
        qtbot.keyClick(combo, Qt.Key.Key_Down)


def last_slip(ctx: AppContext) -> Path:
    printer = ctx.receipt_printer
    assert isinstance(printer, SimulatedReceiptPrinter)
    return sorted(printer.folder.glob("*.escpos"))[-1]


def test_request_licence_renewal_delivered_home_by_keyboard(
    qtbot: QtBot, hq: RunningHq, tmp_path: Path
) -> None:
    window = at_counter(qtbot, hq, tmp_path)
    ctx = window.ctx
    try:
        pick(qtbot, window, "تجديد رخصة")
        screen = dialog(qtbot, window, RequestScreen)
        assert isinstance(screen, RequestScreen)
        assert screen.national_id.text() == CITIZEN  # the visit's citizen
        typed(qtbot, "منى سعيد عبد الله")
        press(qtbot, Qt.Key.Key_Return)
        typed(qtbot, "12345678")  # licence
        press(qtbot, Qt.Key.Key_Return)
        typed(qtbot, "أسوان أول")  # district (the governorate is a list)
        press(qtbot, Qt.Key.Key_Return)
        typed(qtbot, "١٢ شارع السوق")
        press(qtbot, Qt.Key.Key_Return)
        typed(qtbot, "01012345678")
        press(qtbot, Qt.Key.Key_Return)  # the last field adds: no governorate yet
        qtbot.waitUntil(lambda: "محافظة" in screen.messages.text(), timeout=5000)
        assert not ctx.visit.basket.lines  # refused, nothing added
        governorate = screen.inputs["governorate"]
        assert isinstance(governorate, QComboBox)
        choose(qtbot, governorate, ASWAN)
        assert governorate.currentData() == "28"
        shot(window, "request-1-licence-renewal-ar")
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        back_at_counter(qtbot, window)
        assert ctx.visit.basket.total.piastres == 15000 + 1000 + 3500  # with express delivery
        said = pay(qtbot, window, [], "request-2-tender-ar")
        found = re.search(r"ASW0101-1-[0-9]{6}-[0-9A-Z]{2}", said)
        assert found, said
        wait_printed(qtbot, ctx)
        image = decode(last_slip(ctx).read_bytes()).image()
        image.save(SCREENSHOTS / "request-3-slip.png")
        [qr] = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
        assert qr.text == f"{hq.url}/track?n={found.group(0)}"
        ctx.sync.sync_once()
        key_form = found.group(0).replace("-", "")
        assert RequestDesk(hq.engine, Agencies.simulated(hq.engine)).history(key_form).status == (
            "submitted"
        )
    finally:
        window.close()


def test_request_appeal_of_some_fines(qtbot: QtBot, hq: RunningHq, tmp_path: Path) -> None:
    person = person_with_fines(2)
    window = at_counter(qtbot, hq, tmp_path, person)
    ctx = window.ctx
    try:
        pick(qtbot, window, "تظلم")
        screen = dialog(qtbot, window, RequestScreen)
        assert isinstance(screen, RequestScreen) and screen.fines is not None
        typed(qtbot, "كريم حسن علي")
        press(qtbot, Qt.Key.Key_Return)
        press(qtbot, Qt.Key.Key_Return)  # no plate: Enter asks HQ for the fines
        qtbot.waitUntil(lambda: screen.inquiry is not None, timeout=20000)
        assert screen.inquiry is not None and len(screen.inquiry.fines) >= 2
        press(qtbot, Qt.Key.Key_Space)  # the first fine only
        assert screen.chosen_fines() == [screen.inquiry.fines[0].fine_id]
        press(qtbot, Qt.Key.Key_Tab)
        typed(qtbot, "كانت السيارة في ورشة الصيانة يوم المخالفة")
        press(qtbot, Qt.Key.Key_Return)
        typed(qtbot, "01123456789")
        shot(window, "request-4-appeal-ar")
        press(qtbot, Qt.Key.Key_Return)
        back_at_counter(qtbot, window)
        said = pay(qtbot, window, [], "request-5-appeal-tender-ar")
        tracking = re.search(r"ASW0101-1-[0-9]{6}-[0-9A-Z]{2}", said)
        assert tracking, said
        ctx.sync.sync_once()
        with hq.engine.connect() as conn:
            details = conn.execute(
                select(t.requests.c.details).where(
                    t.requests.c.tracking == tracking.group(0).replace("-", "")
                )
            ).scalar()
        assert details is not None and screen.inquiry.fines[0].fine_id in details
        assert screen.inquiry.fines[1].fine_id not in details
    finally:
        window.close()


def otp_in_sms(hq: RunningHq) -> str:
    with hq.engine.connect() as conn:
        text = conn.execute(
            select(t.simulated_sms.c.text).order_by(t.simulated_sms.c.message_id.desc())
        ).first()
    assert text is not None
    found = re.search(r"\b([0-9]{6})\b", text[0])
    assert found
    return found.group(1)


def open_otp(qtbot: QtBot, window: MainWindow) -> OtpScreen:
    pick(qtbot, window, "ربط الرقم")
    screen = dialog(qtbot, window, OtpScreen)
    assert isinstance(screen, OtpScreen)
    return screen


def send(qtbot: QtBot, screen: OtpScreen) -> None:
    screen.sent = None
    typed(qtbot, "01012345678")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.sent is not None, timeout=20000)


def test_otp_mobile_link_wrong_expired_and_offline(
    qtbot: QtBot, hq: RunningHq, tmp_path: Path
) -> None:
    window = at_counter(qtbot, hq, tmp_path)
    try:
        screen = open_otp(qtbot, window)
        send(qtbot, screen)
        code = otp_in_sms(hq)
        typed(qtbot, "000000" if code != "000000" else "111111")
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "غير صحيح" in screen.messages.text(), timeout=20000)
        shot(window, "otp-1-wrong-code-ar")
        press(qtbot, Qt.Key.Key_Backspace)  # the wrong code is selected: replace it
        typed(qtbot, code)
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(screen.linked_at), timeout=20000)
        shot(window, "otp-2-linked-ar")
        with hq.engine.connect() as conn:
            assert conn.execute(select(t.mobile_links.c.mobile)).scalar() == "+201012345678"
        press(qtbot, Qt.Key.Key_Escape)
        back_at_counter(qtbot, window)

        screen = open_otp(qtbot, window)
        send(qtbot, screen)
        assert screen.sent is not None
        with hq.engine.begin() as conn:
            conn.execute(
                t.otp_challenges.update()
                .where(t.otp_challenges.c.id == screen.sent.challenge_id)
                .values(expires_at="2000-01-01T00:00:00+00:00")
            )
        typed(qtbot, otp_in_sms(hq))
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "انتهت صلاحية" in screen.messages.text(), timeout=20000)
        press(qtbot, Qt.Key.Key_Escape)
        back_at_counter(qtbot, window)

        hq.kill()
        screen = open_otp(qtbot, window)
        typed(qtbot, "01012345678")
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "لا يوجد اتصال" in screen.messages.text(), timeout=30000)
        assert screen.sent is None
        shot(window, "otp-3-offline-ar")
        press(qtbot, Qt.Key.Key_Escape)
        back_at_counter(qtbot, window)
        hq.start()
    finally:
        window.close()


def test_tracking_lookup_and_handover_at_the_office(
    qtbot: QtBot, hq: RunningHq, tmp_path: Path
) -> None:
    window = at_counter(qtbot, hq, tmp_path)
    ctx = window.ctx
    try:
        service = ctx.catalogue.current().service("birth_extract_delivery")
        form = RequestForm(
            national_id=CITIZEN,
            name="منى سعيد عبد الله",
            mobile="01012345678",
            relation="self",
            deliver=False,
        )
        lines, order = ctx.payments.requests.order(service, form)
        ctx.visit.add(lines, request=order)
        outcome = ctx.visit.pay(ctx.visit.request([Tender("cash", ctx.visit.basket.total)]))
        (printed,) = outcome.done.trackings
        stored = printed.replace("-", "")
        ctx.visit.clear()
        ctx.sync.sync_once()
        desk = RequestDesk(hq.engine, Agencies.simulated(hq.engine))
        for status in ("accepted", "in_production", "ready_for_collection"):
            desk.advance(stored, status)

        pick(qtbot, window, "متابعة طلب")
        screen = dialog(qtbot, window, TrackingScreen)
        assert isinstance(screen, TrackingScreen)
        wrong = printed[:-1] + ("0" if printed[-1] != "0" else "1")
        typed(qtbot, wrong)
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "التحقق" in screen.messages.text(), timeout=20000)
        screen.number.selectAll()
        typed(qtbot, printed)
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: screen.tracked is not None, timeout=20000)
        assert screen.stages.count() == 5  # captured ... ready for collection
        assert screen.hand_button.isEnabled()
        shot(window, "tracking-1-ready-ar")
        press(qtbot, Qt.Key.Key_Return)  # the collector's ID is the visit's citizen
        qtbot.waitUntil(lambda: "سُلم الطلب" in screen.messages.text(), timeout=20000)
        shot(window, "tracking-2-handed-over-ar")
        ctx.sync.sync_once()
        assert desk.history(stored).status == "collected"
        screenshot(window, "tracking-3-counter-ar")
    finally:
        window.close()


def test_request_birth_extract_printed_at_the_window(
    qtbot: QtBot, hq: RunningHq, tmp_path: Path
) -> None:
    window = at_counter(qtbot, hq, tmp_path)
    ctx = window.ctx
    try:
        pick(qtbot, window, "ميلاد (طباعة")
        screen = dialog(qtbot, window, CertificateScreen)
        assert isinstance(screen, CertificateScreen)
        press(qtbot, Qt.Key.Key_Return)  # the visit's citizen: ask the civil registry
        qtbot.waitUntil(lambda: screen.clearance is not None, timeout=20000)
        assert screen.clearance is not None and screen.clearance.record is not None
        assert screen.name.text() == screen.clearance.name
        typed(qtbot, str(DEMO_SHEETS[0]))
        shot(window, "request-6-birth-extract-ar")
        press(qtbot, Qt.Key.Key_Return)
        back_at_counter(qtbot, window)
        pay(qtbot, window, [], "request-7-birth-extract-tender-ar")
        wait_printed(qtbot, ctx)
        documents = ctx.printing.document_printer
        assert isinstance(documents, FileDocumentPrinter)
        pdf = sorted(documents.folder.glob("*.pdf"))[-1]
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-png",
                "-singlefile",
                str(pdf),
                str(SCREENSHOTS / "request-8-birth-extract-pdf"),
            ],
            check=True,
        )
        hq_key = load_public_key(ctx.sync.enrolment().hq_public_key)  # type: ignore[union-attr]
        assert verify(pdf_qr(pdf), hq_key).document_type == "civil_extract"
    finally:
        window.close()
