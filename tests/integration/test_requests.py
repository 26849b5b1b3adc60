"""Requests delivered later, against the real HQ on 127.0.0.1: every request kind taken
online and offline, held once at HQ, moved on by the simulated agencies, the statuses
back at the window, one Arabic SMS per stage (not resent after HQ restarts), the public
tracking page, mobile linking by one-time code, the handover at the office, the purge."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests as http
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from counter_app.domain.errors import InputError
from counter_app.domain.requests import RequestForm, tracking_key
from counter_app.domain.visit import Tender
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_SHEETS
from counter_app.services.journal_check import verify_journal
from counter_app.services.kinds.verification import CodeSent
from hq import schema as t
from hq.agencies.requests import Agencies
from hq.cli import main as hq_main
from hq.requests import RequestDesk
from peripherals.camera import SimulatedCamera
from peripherals.document_printer import FileDocumentPrinter
from peripherals.receipt_printer import SimulatedReceiptPrinter
from printing.qr_payload import verify
from sync.client import HqRefused
from sync.protocol import RequestSubmission, load_public_key
from tests.helpers import open_demo
from tests.integration.test_printing import read_pdf_qr
from tests.support.escpos_decode import decode
from tests.support.hq_server import RunningHq

NID = "29001010100015"  # born 1990-01-01 in Cairo
# Window-side or HTTP-only checks: HQ's database does nothing here that the PostgreSQL
# variants of the other tests do not already exercise, so they run on SQLite only.
WINDOW_SIDE = pytest.mark.parametrize("hq", ["sqlite"], indirect=True)
MOBILE = "01012345678"


@pytest.fixture
def window(hq: RunningHq, tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_demo(tmp_path / "window")
    ctx.sync.enroll(hq.url, hq.enroll_code())
    ctx.sync.sync_once()
    yield ctx
    ctx.close()


def form_for(fields: tuple[str, ...], **changes: object) -> RequestForm:
    form = RequestForm(
        national_id=NID,
        name="منى سعيد عبد الله",
        mobile=MOBILE,
        plate="أ ب ج 123",
        licence="12345678",
        relation="child",
        subject_name="سعيد عبد الله محمود",
        governorate="28",
        district="أسوان أول",
        street="١٢ شارع السوق، الدور الثاني",
        grounds="لم أكن أقود السيارة في ذلك اليوم، كانت في الصيانة",
        fines=["SIM-FINE-1"],
        photo=SimulatedCamera().capture() if "photo" in fields else b"",
    )
    for key, value in changes.items():
        setattr(form, key, value)
    return form


def take(ctx: AppContext, code: str, **changes: object) -> str:
    """One request of a service, paid in cash; returns its tracking number."""
    service = ctx.catalogue.current().service(code)
    lines, order = ctx.payments.requests.order(service, form_for(service.fields, **changes))
    ctx.visit.add(lines, request=order)
    outcome = ctx.visit.pay(ctx.visit.request([Tender("cash", ctx.visit.basket.total)]))
    for printed in outcome.prints:
        assert printed.result().status == "printed"
    ctx.visit.clear()
    (printed,) = outcome.done.trackings
    return tracking_key(printed)


def desk(hq: RunningHq) -> RequestDesk:
    return RequestDesk(hq.engine, Agencies.simulated(hq.engine))


def finish_all(hq: RunningHq) -> None:
    """Let the simulated agencies run their whole schedule, and send the SMS."""
    hq_desk = desk(hq)
    later = datetime.now(UTC) + timedelta(days=30)
    for _ in range(12):
        if not hq_desk.advance_due(now=later):
            break
    hq_desk.deliver_sms()


def sms_sent(hq: RunningHq) -> list[tuple[str, str]]:
    with hq.engine.connect() as conn:
        return [
            (r.mobile, r.text)
            for r in conn.execute(select(t.simulated_sms).order_by(t.simulated_sms.c.message_id))
        ]


REQUEST_SERVICES = (
    "fine_appeal",
    "licence_renewal",
    "birth_extract_delivery",
    "marriage_extract_delivery",
    "national_id_replacement",
)


def test_every_request_kind_online_and_offline_reaches_hq_once_and_comes_back(
    window: AppContext, hq: RunningHq
) -> None:
    ctx = window
    online = [take(ctx, code) for code in REQUEST_SERVICES]
    hq.kill()
    offline = [take(ctx, code) for code in REQUEST_SERVICES]
    with ctx.db.read() as tx:
        assert {tx.requests.by_tracking(k)["status"] for k in offline} == {"captured"}  # type: ignore[index]
    hq.start()
    ctx.sync.sync_once()
    everything = online + offline
    with hq.engine.connect() as conn:
        held = conn.execute(
            select(t.requests.c.tracking, t.requests.c.status, t.requests.c.details)
        ).all()
    assert sorted(r.tracking for r in held) == sorted(everything)  # each exactly once
    assert {r.status for r in held} == {"submitted"} and all(r.details for r in held)

    finish_all(hq)
    ctx.sync.sync_once()  # the statuses bundle comes down
    with ctx.db.read() as tx:
        final = {k: tx.requests.by_tracking(k)["status"] for k in everything}  # type: ignore[index]
    with hq.engine.connect() as conn:
        at_hq = dict(conn.execute(select(t.requests.c.tracking, t.requests.c.status)).all())
    assert final == at_hq
    assert set(final.values()) <= {"accepted", "rejected", "delivered", "ready_for_collection"}

    # One Arabic SMS per stage after capture, to the citizen's number, none twice.
    with hq.engine.connect() as conn:
        stages = conn.execute(
            select(func.count())
            .select_from(t.request_stages)
            .where(t.request_stages.c.status != "captured")
        ).scalar()
    sent = sms_sent(hq)
    assert len(sent) == stages
    assert {mobile for mobile, _ in sent} == {"+201012345678"}
    assert all("طلبكم رقم" in text for _, text in sent)
    assert len({text for _, text in sent}) == len(sent)

    # An HQ restart sends nothing again.
    hq.stop()
    hq.start()
    assert sms_sent(hq) == sent


@WINDOW_SIDE
def test_the_slip_carries_the_tracking_number_and_a_qr_to_the_tracking_page(
    window: AppContext, hq: RunningHq
) -> None:
    tracking = take(window, "licence_renewal")
    printer = window.receipt_printer
    assert isinstance(printer, SimulatedReceiptPrinter)
    slip = sorted(printer.folder.glob("*.escpos"))[-1]
    image = decode(slip.read_bytes()).image().convert("L")
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert found and found[0].text.endswith(f"/track?n={hq_display(tracking)}")
    assert found[0].text.startswith(hq.url)


def hq_display(key: str) -> str:
    """The printed form of a stored tracking key (office-window-serial-check)."""
    return f"{key[:7]}-{key[7]}-{key[8:14]}-{key[14:]}"


@WINDOW_SIDE
def test_the_tracking_page_answers_the_right_digits_and_refuses_wrong_ones(
    window: AppContext, hq: RunningHq
) -> None:
    tracking = take(window, "birth_extract_delivery")
    window.sync.sync_once()
    page = hq.url + "/track"
    right = http.post(page, data={"n": hq_display(tracking), "d": NID[-4:]}, timeout=5)
    assert right.status_code == 200 and "أُرسل إلى الجهة" in right.text
    assert "منى" not in right.text and "أسوان أول" not in right.text  # nothing else
    wrong = http.post(page, data={"n": hq_display(tracking), "d": "0000"}, timeout=5)
    unknown_key = tracking[:-2] + ("1" if tracking[-2] != "1" else "2")
    assert wrong.status_code == 404
    mistyped = http.post(page, data={"n": unknown_key, "d": NID[-4:]}, timeout=5)
    assert mistyped.status_code == 400 and "check character" in mistyped.text
    for _ in range(5):
        http.post(page, data={"n": hq_display(tracking), "d": "1111"}, timeout=5)
    locked = http.post(page, data={"n": hq_display(tracking), "d": NID[-4:]}, timeout=5)
    assert locked.status_code == 429  # four digits cannot be tried one after another


@WINDOW_SIDE
def test_a_tracking_lookup_online_and_offline(window: AppContext, hq: RunningHq) -> None:
    tracking = take(window, "licence_renewal")
    window.sync.sync_once()
    live = window.tracking.track(hq_display(tracking))
    assert live.live and live.history.status == "submitted" and live.here
    hq.kill()
    cached = window.tracking.track(tracking)
    assert not cached.live and cached.history.status == "submitted"
    with pytest.raises(InputError) as refused:
        window.tracking.track(tracking[:-1] + ("0" if tracking[-1] != "0" else "1"))
    assert refused.value.field == "tracking"
    hq.start()


def test_a_request_ready_at_the_office_is_handed_to_its_owner_only(
    window: AppContext, hq: RunningHq
) -> None:
    tracking = take(window, "national_id_renewal", deliver=False)
    window.sync.sync_once()
    hq_desk = desk(hq)
    for status in ("accepted", "in_production", "ready_for_collection"):
        hq_desk.advance(tracking, status)
    window.sync.sync_once()
    found = window.tracking.track(tracking)
    assert found.collectable
    with pytest.raises(InputError) as stranger:
        window.tracking.hand_over(tracking, "29505050100034", "mona", 1)
    assert stranger.value.field == "national_id"
    window.tracking.hand_over(tracking, NID, "mona", 1)
    window.sync.sync_once()
    assert hq_desk.history(tracking).status == "collected"


def test_an_accepted_appeal_cancels_its_fines(window: AppContext, hq: RunningHq) -> None:
    from tests.support.fines_people import person_with_fines

    person = person_with_fines(2)
    inquiry = window.fines.inquire("national_id", person)
    appealed = [inquiry.fines[0].fine_id]
    tracking = take(window, "fine_appeal", national_id=person, fines=appealed)
    window.sync.sync_once()
    desk(hq).advance(tracking, "accepted")
    again = window.fines.inquire("national_id", person)
    assert appealed[0] not in {f.fine_id for f in again.fines}
    assert {f.fine_id for f in again.fines} == {f.fine_id for f in inquiry.fines[1:]}


def otp_code(hq: RunningHq) -> str:
    _mobile, text = sms_sent(hq)[-1]
    found = re.search(r"\b([0-9]{6})\b", text)
    assert found, text
    return found.group(1)


def test_mobile_linking_by_one_time_code(window: AppContext, hq: RunningHq) -> None:
    sent = window.verification.send_code(NID, MOBILE)
    assert sms_sent(hq)[-1][0] == "+201012345678"
    with pytest.raises(HqRefused) as wrong:
        window.verification.check_code(
            sent, "000000" if otp_code(hq) != "000000" else "111111", "mona"
        )
    assert wrong.value.reason == "otp_wrong"
    window.verification.check_code(sent, otp_code(hq), "mona")
    with hq.engine.connect() as conn:
        link = conn.execute(select(t.mobile_links)).one()
    assert (link.national_id, link.mobile) == (NID, "+201012345678")
    expired = CodeSent(window.verification.send_code(NID, MOBILE).challenge_id, NID, "", "")
    with hq.engine.begin() as conn:
        conn.execute(
            t.otp_challenges.update()
            .where(t.otp_challenges.c.id == expired.challenge_id)
            .values(expires_at="2000-01-01T00:00:00+00:00")
        )
    with pytest.raises(HqRefused) as late:
        window.verification.check_code(expired, otp_code(hq), "mona")
    assert late.value.reason == "otp_expired"
    hq.kill()
    with pytest.raises(InputError) as offline:
        window.verification.send_code(NID, MOBILE)
    assert offline.value.field == "offline"
    hq.start()


@WINDOW_SIDE
def test_request_details_are_purged_after_sync_and_retention(
    window: AppContext, tmp_path: Path
) -> None:
    ctx = window
    tracking = take(ctx, "licence_renewal", name="ZAHRA UNIQUEMARKER")
    ctx.sync.sync_once()
    # A whole retention period after the business day (Cairo) it was taken.
    later = ctx.clock.now().date() + timedelta(days=ctx.config.retention.citizen_data_days + 2)
    assert ctx.requests.purge(later) == 1
    with ctx.db.read() as tx:
        assert tx.requests.count_details() == 0
        assert tx.requests.by_tracking(tracking) is not None
    ctx.sync.sync_once()
    path = ctx.db.path
    ctx.close()
    raw = path.read_bytes() + (
        Path(str(path) + "-wal").read_bytes() if Path(str(path) + "-wal").exists() else b""
    )
    for needle in ("UNIQUEMARKER", NID, "+201012345678", "أسوان أول"):
        assert needle.encode() not in raw, needle
    reopened = open_demo(tmp_path / "window")
    assert verify_journal(reopened.db).ok
    reopened.close()


@WINDOW_SIDE
def test_the_form_refuses_bad_input_and_changes_nothing(window: AppContext) -> None:
    service = window.catalogue.current().service("licence_renewal")
    for change, field in (
        ({"mobile": "0101234"}, "mobile"),
        ({"governorate": ""}, "governorate"),
        ({"street": "x"}, "street"),
        ({"licence": "12"}, "licence"),
        ({"national_id": "123"}, "national_id"),
    ):
        with pytest.raises(InputError) as refused:
            window.payments.requests.order(service, form_for(service.fields, **change))
        assert refused.value.field == field, change
    assert not window.visit.basket.lines
    assert tracking_key  # the tracking number's own rules are unit-tested


def test_photo_from_the_simulated_camera_is_a_png() -> None:
    photo = SimulatedCamera().capture()
    assert Image.open(io.BytesIO(photo)).format == "PNG"


@WINDOW_SIDE
def test_a_birth_extract_prints_at_the_window_with_the_registry_record(
    window: AppContext, hq: RunningHq
) -> None:
    ctx = window
    service = ctx.catalogue.current().service("birth_extract_print")
    answer = ctx.certificates.check(service, NID)
    assert answer.record is not None and answer.name
    lines, order = ctx.certificates.order(
        service, answer, name="", plate="", licence="", sheet=str(DEMO_SHEETS[0])
    )
    assert order.document_type == "civil_extract"
    ctx.visit.add(lines, certificate=order)
    outcome = ctx.visit.pay(ctx.visit.request([Tender("cash", ctx.visit.basket.total)]))
    assert [p.result().status for p in outcome.prints] == ["printed", "printed"]
    documents = ctx.printing.document_printer
    assert isinstance(documents, FileDocumentPrinter)
    pdf = sorted(documents.folder.glob("*.pdf"))[-1]
    hq_key = load_public_key(ctx.sync.enrolment().hq_public_key)  # type: ignore[union-attr]
    facts = verify(read_pdf_qr(pdf), hq_key)
    assert facts.document_type == "civil_extract"
    assert (facts.national_id, facts.sheet_serial) == (NID, DEMO_SHEETS[0])
    with ctx.db.read() as tx:
        job = tx.printing.job(outcome.done.certificate_jobs[0])
    assert job is not None and answer.name not in job.document  # the job keeps no names
    # Someone the registry holds no death record for: refused, nothing added.
    death = ctx.catalogue.current().service("death_extract_print")
    with pytest.raises(InputError) as refused:
        ctx.certificates.check(death, NID)
    assert refused.value.field == "record"
    hq.kill()
    with pytest.raises(InputError) as offline:
        ctx.certificates.check(service, NID)
    assert offline.value.field == "offline"
    hq.start()


class FlakyGateway:
    """An SMS gateway that fails its first `failures` sends, then records each text."""

    name = "flaky test gateway"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[tuple[int, str, str]] = []

    def send(self, message_id: int, mobile: str, text: str) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("gateway unavailable")
        self.sent.append((message_id, mobile, text))


def test_an_sms_the_gateway_refused_is_retried_and_sent_once(
    window: AppContext, hq: RunningHq
) -> None:
    tracking = take(window, "licence_renewal")
    hq.stop()  # HQ's own tick would deliver the outbox meanwhile
    hq.start_without_tick()
    window.sync.sync_once()
    flaky = FlakyGateway(failures=2)
    simulated = Agencies.simulated(hq.engine)
    flaky_desk = RequestDesk(hq.engine, Agencies(simulated.by_authority, simulated.mail, flaky))
    flaky_desk.advance(tracking, "accepted")
    assert flaky_desk.deliver_sms() == 0  # the gateway failed: both wait
    assert flaky_desk.deliver_sms() == 2  # retried: submitted and accepted
    assert flaky_desk.deliver_sms() == 0  # and never again
    assert [mobile for _, mobile, _ in flaky.sent] == ["+201012345678"] * 2
    with hq.engine.connect() as conn:
        errors = conn.execute(select(t.sms_outbox.c.last_error)).scalars().all()
    assert errors == [None, None]


@WINDOW_SIDE
def test_details_that_differ_from_the_journal_entry_are_refused(
    window: AppContext, hq: RunningHq
) -> None:
    tracking = take(window, "licence_renewal")
    window.sync.push_only()  # HQ holds the entry, not the details yet
    with window.db.read() as tx:
        row = tx.requests.by_tracking(tracking)
        assert row is not None
        held = tx.requests.details(row["id"])
    assert held is not None
    details, _photo = held
    altered = RequestSubmission(
        tracking=tracking,
        service="licence_renewal",
        details={**details, "mobile": "+201099999999"},  # the SMS to someone else
    )
    with pytest.raises(HqRefused) as refused:
        window.sync.live(lambda c: c.submit_request(altered))
    assert refused.value.reason == "digest_mismatch"
    window.sync.sync_once()  # the true details still go up
    with hq.engine.connect() as conn:
        mobile = conn.execute(
            select(t.requests.c.mobile).where(t.requests.c.tracking == tracking)
        ).scalar()
    assert mobile == "+201012345678"


@WINDOW_SIDE
def test_operators_list_show_and_advance_requests_from_the_command_line(
    window: AppContext, hq: RunningHq, capsys: pytest.CaptureFixture[str]
) -> None:
    tracking = take(window, "national_id_new")
    window.sync.sync_once()
    base = ["--db", hq.db_url, "--key-file", str(hq.key_file), "requests"]
    assert hq_main([*base, "list", "--status", "submitted"]) == 0
    assert tracking in capsys.readouterr().out
    assert hq_main([*base, "advance", hq_display(tracking)]) == 0
    assert capsys.readouterr().out.strip().endswith(("accepted", "rejected"))
    assert hq_main([*base, "show", hq_display(tracking)]) == 0
    shown = capsys.readouterr().out
    assert "captured" in shown and "submitted" in shown
    mistyped = hq_display(tracking)[:-1] + ("0" if tracking[-1] != "0" else "1")
    assert hq_main([*base, "show", mistyped]) == 2  # refused in words, nothing looked up
    assert "check characters" in capsys.readouterr().err
