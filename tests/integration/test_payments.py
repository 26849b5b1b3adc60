"""Paying fines and issuing the clearance certificate through the services, against the
real HQ on 127.0.0.1: receipts decoded and their chained QR verified, one payment per
confirmation, provisional payments offline, HQ's settlement and its conflicts, voids."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import zxingcpp
from sqlalchemy import text as text_sql

from counter_app.domain.errors import InputError
from counter_app.domain.money import Money
from counter_app.domain.visit import Tender, VisitLine
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_SHEETS
from counter_app.services.payment import PaymentDone
from counter_app.services.verification import payload_from_symbol
from hq.agencies.fines import SimulatedTrafficProsecution
from hq.settlement import Settlement
from peripherals.base import DeviceError
from peripherals.document_printer import FileDocumentPrinter
from peripherals.receipt_printer import SimulatedReceiptPrinter
from printing.qr_payload import chain_value, verify
from sync.protocol import FineToSettle, SettleRequest, load_public_key
from tests.helpers import open_demo
from tests.integration.test_printing import read_pdf_qr
from tests.support.escpos_decode import decode
from tests.support.fines_people import person_with_fines, person_without_fines
from tests.support.hq_server import RunningHq

SUPERVISOR = ("ahmed", "9876")


@pytest.fixture
def window(hq: RunningHq, tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_demo(tmp_path / "window")
    ctx.sync.enroll(hq.url, hq.enroll_code())
    ctx.sync.sync_once()
    yield ctx
    ctx.close()


def receipt_qr(ctx: AppContext) -> bytes:
    """The last receipt as the printer got it: ESC/POS decoded, its QR read by zxing-cpp."""
    printer = ctx.receipt_printer
    assert isinstance(printer, SimulatedReceiptPrinter)
    job = sorted(printer.folder.glob("*.escpos"))[-1]
    image = decode(job.read_bytes()).image().convert("L")
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert found, "no QR on the receipt"
    return payload_from_symbol(bytes(found[0].bytes))


def pay(ctx: AppContext, tenders: list[Tender]) -> PaymentDone:
    outcome = ctx.visit.pay(ctx.visit.request(tenders))
    for printed in outcome.prints:
        assert printed.result().status == "printed"
    outcome.settlement.result()  # HQ settles right after the receipt
    ctx.visit.clear()
    return outcome.done


def fine_status(ctx: AppContext, payment_id: int) -> set[str]:
    with ctx.db.read() as tx:
        return {status for _amount, status in tx.payments.fines_of(payment_id).values()}


def test_fines_paid_in_cash_then_by_card_then_the_certificate(window: AppContext) -> None:
    ctx = window
    service = ctx.catalogue.current().service("traffic_fines")
    person = person_with_fines(2)
    inquiry = ctx.fines.inquire("national_id", person)
    assert inquiry.live and len(inquiry.fines) >= 2
    hq_key = load_public_key(ctx.sync.enrolment().hq_public_key)  # type: ignore[union-attr]

    # Part in cash: the change is the domain's, the receipt's QR verifies.
    first = inquiry.fines[0]
    lines, fines = ctx.fines.lines(service, inquiry, [first.fine_id])
    ctx.visit.add(lines, fines=fines)
    due = ctx.visit.basket.total
    done = pay(ctx, [Tender("cash", due + Money(1000))])
    assert done.change == Money(1000) and not done.provisional
    facts = verify(receipt_qr(ctx), hq_key)
    assert facts.document_type == "receipt" and facts.amount_piastres == due.piastres
    assert facts.sheet_serial == done.receipt_number and facts.document_number == done.seq
    assert fine_status(ctx, done.payment_id) == {"settled"}
    first_qr = receipt_qr(ctx)

    # The rest by card (the simulated terminal approves): the next receipt chains.
    rest = [f.fine_id for f in inquiry.fines[1:]]
    lines, fines = ctx.fines.lines(service, inquiry, rest)
    ctx.visit.add(lines, fines=fines)
    card = pay(ctx, [Tender("card", ctx.visit.basket.total)])
    second = verify(receipt_qr(ctx), hq_key)
    assert second.previous_chain == chain_value(first_qr)
    assert second.sheet_serial == done.receipt_number + 1
    assert fine_status(ctx, card.payment_id) == {"settled"}

    # Nothing outstanding now: HQ confirms, the certificate prints on the scanned sheet.
    clearance_service = ctx.catalogue.current().service("traffic_clearance")
    clearance = ctx.certificates.check(clearance_service, person)
    lines, order = ctx.certificates.order(
        clearance_service,
        clearance,
        name="محمد أحمد علي",
        plate="أ ب ج 123",
        licence="",
        sheet=str(DEMO_SHEETS[0] + 2),
    )
    ctx.visit.add(lines, certificate=order)
    cert = pay(ctx, [Tender("cash", ctx.visit.basket.total)])
    assert len(cert.certificate_jobs) == 1
    stock = DEMO_SHEETS[1] - DEMO_SHEETS[0] + 1
    assert ctx.printing.sheet_counts() == {"loaded": stock - 1, "used": 1}
    with ctx.db.read() as tx:
        job = tx.printing.job(cert.certificate_jobs[0])
    assert job is not None and "محمد" not in job.document and person not in job.document


def test_a_person_with_fines_gets_no_certificate(window: AppContext) -> None:
    service = window.catalogue.current().service("traffic_clearance")
    with pytest.raises(InputError) as refused:
        window.certificates.check(service, person_with_fines(1))
    assert refused.value.field == "outstanding"


def test_one_confirmation_is_one_payment_however_often_it_is_sent(window: AppContext) -> None:
    ctx = window
    service = ctx.catalogue.current().service("traffic_fines")
    inquiry = ctx.fines.inquire("national_id", person_with_fines(1))
    lines, fines = ctx.fines.lines(service, inquiry, [inquiry.fines[0].fine_id])
    ctx.visit.add(lines, fines=fines)
    request = ctx.visit.request([Tender("card", ctx.visit.basket.total)])
    results: list[object] = []
    start = threading.Barrier(8)

    def press_enter() -> None:
        start.wait()
        try:
            results.append(ctx.visit.pay(request).done.payment_id)
        except InputError as exc:
            results.append(exc.field)

    threads = [threading.Thread(target=press_enter) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with ctx.db.read() as tx:
        payments = tx.payments.on_day(tx.journal.get(tx.journal.head()[0]).business_day)
    assert len(payments) == 1
    assert set(results) <= {payments[0].id, "busy"}
    terminal = ctx.visit.card_terminal
    assert len(terminal.charges) == 1  # type: ignore[attr-defined]
    # Sent again later (a retry after a crash of the screen): still the same payment.
    assert ctx.visit.pay(request).done.payment_id == payments[0].id


def test_offline_provisional_payment_settles_at_sync_and_a_conflict_returns(
    window: AppContext, hq: RunningHq
) -> None:
    ctx = window
    service = ctx.catalogue.current().service("traffic_fines")
    person = person_with_fines(2, skip=1)
    online = ctx.fines.inquire("national_id", person)  # saved for later
    hq.kill()

    offline = ctx.fines.inquire("national_id", person)
    assert not offline.live and [f.fine_id for f in offline.fines] == [
        f.fine_id for f in online.fines
    ]
    clearance = ctx.catalogue.current().service("traffic_clearance")
    with pytest.raises(InputError) as refused:
        ctx.certificates.check(clearance, person)
    assert refused.value.field == "offline"

    ids = [f.fine_id for f in offline.fines]
    lines, fines = ctx.fines.lines(service, offline, ids)
    ctx.visit.add(lines, fines=fines, provisional=True)
    done = pay(ctx, [Tender("cash", ctx.visit.basket.total)])
    assert done.provisional and fine_status(ctx, done.payment_id) == {"provisional"}

    # Meanwhile another window paid the first of these fines online.
    Settlement(hq.engine, SimulatedTrafficProsecution()).settle(
        "ASW-0101-W02",
        SettleRequest(
            payment_uuid="elsewhere-0001",
            fines=[FineToSettle(fine_id=ids[0], amount_piastres=offline.fines[0].amount_piastres)],
        ),
    )
    hq.start()
    # Back online but not yet synced: HQ still lists what this window took provisionally.
    with pytest.raises(InputError) as not_yet:
        ctx.certificates.check(clearance, person)
    assert "sync now" in not_yet.value.message_en
    ctx.sync.sync_once()
    ctx.sync.sync_once()  # the instruction HQ wrote while ingesting comes down
    ctx.fines.settle_waiting()
    with ctx.db.read() as tx:
        statuses = tx.payments.fines_of(done.payment_id)
    assert statuses[ids[0]][1] == "conflict"
    assert {statuses[i][1] for i in ids[1:]} == {"settled"}
    instructions = ctx.sync.bundle("instructions")
    assert instructions is not None
    texts = [item["text_en"] for item in instructions.payload["items"]]
    assert any(ids[0] in text and "paid elsewhere" in text for text in texts)
    assert ctx.certificates.check(clearance, person).national_id == person


def test_a_void_needs_another_supervisors_credentials(window: AppContext) -> None:
    ctx = window
    service = ctx.catalogue.current().service("traffic_fines")
    inquiry = ctx.fines.inquire("national_id", person_with_fines(1, skip=2))
    lines, fines = ctx.fines.lines(service, inquiry, [inquiry.fines[0].fine_id])
    ctx.visit.add(lines, fines=fines)
    done = pay(ctx, [Tender("cash", ctx.visit.basket.total)])

    with pytest.raises(InputError) as own:
        ctx.visit.void(done.receipt_number, "خطأ في الإدخال", "mona", "1234")
    assert own.value.field == "approver"  # a clerk approves nothing, least of all her own
    with pytest.raises(InputError):
        ctx.visit.void(done.receipt_number, "خطأ في الإدخال", SUPERVISOR[0], "0000")
    voided = ctx.visit.void(done.receipt_number, "خطأ في الإدخال", *SUPERVISOR)
    assert voided.prints[0].result().status == "printed"
    assert voided.done.change == done.total  # the cash goes back to the citizen
    printer = ctx.receipt_printer
    assert isinstance(printer, SimulatedReceiptPrinter)
    last = sorted(printer.folder.glob("*.escpos"))[-1]
    assert "drawer" in decode(last.read_bytes()).commands  # opened to hand it back
    assert (
        verify(receipt_qr(ctx), load_public_key(ctx.sync.enrolment().hq_public_key)).document_type
        == "void_receipt"
    )  # type: ignore[union-attr]
    with ctx.db.read() as tx:
        types = [e.entry_type for e in tx.journal.entries()][-6:]
        payment = tx.payments.get(done.payment_id)
    assert payment is not None and payment.status == "voided"
    assert "approval.granted" in types and "payment.voided" in types
    with pytest.raises(InputError):
        ctx.visit.void(done.receipt_number, "مرة أخرى", *SUPERVISOR)  # already void


def test_prepaid_card_is_authorised_by_hq_and_refused_offline(
    window: AppContext, hq: RunningHq
) -> None:
    ctx = window
    Settlement(hq.engine, SimulatedTrafficProsecution()).add_prepaid_card(
        "4000000000000002", 50_000
    )
    service = ctx.catalogue.current().service("traffic_fines")
    inquiry = ctx.fines.inquire("national_id", person_with_fines(1, skip=3))
    lines, fines = ctx.fines.lines(service, inquiry, [inquiry.fines[0].fine_id])
    ctx.visit.add(lines, fines=fines)
    total = ctx.visit.basket.total
    done = pay(ctx, [Tender("prepaid", total, "4000 0000 0000 0002")])
    with ctx.db.read() as tx:
        payment = tx.payments.get(done.payment_id)
    assert payment is not None and payment.tenders[0]["reference"].startswith("****0002 ")

    hq.kill()
    ctx.visit.add(lines[:1])
    with pytest.raises(InputError) as refused:
        ctx.visit.pay(ctx.visit.request([Tender("prepaid", lines[0].amount, "4000000000000002")]))
    assert refused.value.field == "offline"
    hq.start()


def test_free_text_person_data_never_reaches_the_journal(window: AppContext) -> None:
    ctx = window
    person = person_without_fines()
    service = ctx.catalogue.current().service("traffic_clearance")
    clearance = ctx.certificates.check(service, person)
    lines, order = ctx.certificates.order(
        service, clearance, name="سعاد حسن", plate="", licence="12345678", sheet=str(DEMO_SHEETS[0])
    )
    ctx.visit.add(lines, certificate=order)
    pay(ctx, [Tender("cash", ctx.visit.basket.total)])
    with ctx.db.read() as tx:
        payloads = " ".join(e.payload for e in tx.journal.entries())
    assert person not in payloads and "سعاد" not in payloads and "12345678" not in payloads


def test_a_failed_certificate_prints_on_a_new_sheet_and_a_copy_needs_a_supervisor(
    window: AppContext,
) -> None:
    ctx = window
    documents = ctx.printing.document_printer
    assert isinstance(documents, FileDocumentPrinter)
    service = ctx.catalogue.current().service("traffic_clearance")
    clearance = ctx.certificates.check(service, person_without_fines())
    first_sheet = DEMO_SHEETS[0] + 10
    lines, order = ctx.certificates.order(
        service, clearance, name="هدى سمير", plate="", licence="", sheet=str(first_sheet)
    )
    ctx.visit.add(lines, certificate=order)
    documents.fail_next = "paper jam in tray 2"
    outcome = ctx.visit.pay(ctx.visit.request([Tender("cash", ctx.visit.basket.total)]))
    ctx.visit.clear()
    failed = outcome.prints[1].result()
    assert failed.status == "failed" and failed.sheet_serial == first_sheet
    with ctx.db.read() as tx:
        assert tx.printing.sheet_status(first_sheet) == "spoiled"
    number = ctx.payments.last_certificate_number()

    # The retry after a failure: the clerk alone, a new sheet, the original (no COPY).
    with pytest.raises(InputError):
        ctx.visit.print_certificate_again(number, str(first_sheet)).result()  # spoiled sheet
    retry = ctx.visit.print_certificate_again(number, str(first_sheet + 1)).result()
    assert retry.status == "printed" and retry.copy_number == 0
    assert retry.sheet_serial == first_sheet + 1

    # Once printed, another print is a copy: only with a supervisor who is not the clerk.
    with pytest.raises(InputError):
        ctx.visit.print_certificate_again(number, str(first_sheet + 2))
    with pytest.raises(InputError):
        ctx.visit.print_certificate_again(number, str(first_sheet + 2), "mona", "1234")
    copy = ctx.visit.print_certificate_again(number, str(first_sheet + 2), *SUPERVISOR).result()
    assert copy.status == "printed" and copy.copy_number == 1
    facts = verify(
        read_pdf_qr(sorted(documents.folder.glob("*.pdf"))[-1]),
        load_public_key(ctx.sync.enrolment().hq_public_key),  # type: ignore[union-attr]
    )
    assert facts.sheet_serial == first_sheet + 2


def test_citizen_data_is_purged_after_sync_and_the_retention_period(window: AppContext) -> None:
    ctx = window
    service = ctx.catalogue.current().service("traffic_clearance")
    person = person_without_fines()
    clearance = ctx.certificates.check(service, person)
    lines, order = ctx.certificates.order(
        service, clearance, name="كريم عادل", plate="", licence="", sheet=str(DEMO_SHEETS[0] + 20)
    )
    ctx.visit.add(lines, certificate=order)
    pay(ctx, [Tender("cash", ctx.visit.basket.total)])
    number = ctx.payments.last_certificate_number()
    today = ctx.clock.now().date()
    assert ctx.payments.purge_citizen_data(today + timedelta(days=40)) == 0  # not at HQ yet
    ctx.sync.sync_once()
    assert ctx.payments.purge_citizen_data(today) == 0  # at HQ, but kept 30 days
    assert ctx.payments.purge_citizen_data(today + timedelta(days=40)) >= 1
    with ctx.db.read() as tx:
        text = " ".join(str(v) for v in tx.conn.execute(text_sql("SELECT * FROM citizen_records")))
    assert person not in text and "كريم" not in text
    with pytest.raises(InputError) as refused:
        ctx.visit.print_certificate_again(number, str(DEMO_SHEETS[0] + 21), *SUPERVISOR)
    assert "purged" in refused.value.message_en


class _SilentTerminal:
    """A card terminal that never answers (a cable pulled mid-payment)."""

    name = "silent terminal"
    needs_clerk_code = False

    def authorise(self, amount_piastres: int, reference: str, cancel: threading.Event) -> str:
        cancel.wait()
        raise DeviceError("cancelled")


def test_a_card_terminal_that_never_answers_fails_the_payment_at_its_deadline(
    profile_dir: Path,
) -> None:
    from counter_app.services.devices import set_device
    from counter_app.services.profile import Profile

    open_demo(profile_dir, sign_in=False).close()  # writes the demo configuration
    set_device(Profile(profile_dir).config_path, "card_terminal.timeout_s", "0.3", profile_dir)
    ctx = open_demo(profile_dir)
    try:
        ctx.visit.card_terminal = _SilentTerminal()
        ctx.visit.add([VisitLine("traffic_fines", "رسم", "Fee", Money(500))])
        with pytest.raises(InputError) as refused:
            ctx.visit.pay(ctx.visit.request([Tender("card", Money(500))]))
        assert refused.value.field == "card" and "did not answer" in refused.value.message_en
        with ctx.db.read() as tx:
            assert tx.payments.by_uuid(ctx.visit.basket.confirmation) is None
        # Cash still works at once: nothing waits behind the silent terminal.
        done = ctx.visit.pay(ctx.visit.request([Tender("cash", Money(500))])).done
        assert done.total == Money(500)
    finally:
        ctx.close()


def test_no_offline_payment_against_an_answer_older_than_the_catalogue_allows(
    window: AppContext, hq: RunningHq
) -> None:
    ctx = window
    service = ctx.catalogue.current().service("traffic_fines")
    person = person_with_fines(1, skip=6)
    ctx.fines.inquire("national_id", person)
    hq.kill()
    # The saved answer is made a day and an hour old (what a long outage does).
    old = (ctx.clock.now() - timedelta(hours=service.offline_age_hours + 1)).isoformat()
    with ctx.db.write() as tx:
        tx.conn.execute(text_sql("UPDATE fine_inquiries SET asked_at = :t"), {"t": old})
    offline = ctx.fines.inquire("national_id", person)
    assert not offline.live and offline.fines
    with pytest.raises(InputError) as refused:
        ctx.fines.lines(service, offline, [offline.fines[0].fine_id])
    assert refused.value.field == "inquiry_age" and "24 h" in refused.value.message_en
    hq.start()


def test_taking_the_fines_out_of_a_visit_leaves_nothing_provisional(profile_dir: Path) -> None:
    from counter_app.services.payment import FineToPay

    ctx = open_demo(profile_dir)
    try:
        fine = VisitLine("traffic_fines", "مخالفة", "Fine", Money(5000), "SIM-1")
        ctx.visit.add([fine], fines=[FineToPay("SIM-1", Money(5000))], provisional=True)
        ctx.visit.add([VisitLine("traffic_clearance", "رسم", "Fee", Money(3500))])
        ctx.visit.remove_service("traffic_fines")
        assert not ctx.visit.basket.provisional and not ctx.visit.basket.fines
        done = ctx.visit.pay(ctx.visit.request([Tender("cash", Money(3500))])).done
        assert not done.provisional  # the receipt would not say "provisional"
    finally:
        ctx.close()
