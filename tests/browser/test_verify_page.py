"""The public verification page in a real browser (Debian's chromium, phone-sized): a
certificate's QR, read back from the printed PDF, opens HQ's page, which verifies it in
the phone. HQ's own access log shows that the payload never reached it."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from counter_app.domain.business_time import business_day
from counter_app.domain.money import Money
from printing.certificate_pdf import Registration, clearance_certificate_pdf
from printing.documents import ClearanceCertificate
from printing.qr_payload import DocumentFacts, WorkstationSigner, details_digest, encode
from sync.protocol import EnrollRequest, b64d, public_key_text
from tests.browser.conftest import SCREENSHOTS
from tests.support.hq_server import OFFICE, RunningHq
from tests.support.signing import certified_signer

NATIONAL_ID = "29001012801235"


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[RunningHq]:
    server = RunningHq(tmp_path, f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    server.add_office()
    server.start(tick_s=0, access_log=tmp_path / "access.log")
    yield server
    server.stop()


def enrolled(hq: RunningHq, window: int) -> tuple[str, WorkstationSigner]:
    """A window enrolled at HQ, as its QR signer (its key, HQ's compact certificate)."""
    key = Ed25519PrivateKey.generate()
    answer = hq.service.enroll(
        EnrollRequest(code=hq.enroll_code(window), public_key=public_key_text(key))
    )
    signer = WorkstationSigner(key, answer.compact_expires_day, b64d(answer.compact_signature))
    return answer.workstation_id, signer


def printed_certificate(
    hq: RunningHq,
    signer: WorkstationSigner,
    folder: Path,
    *,
    number: int,
    issued: date,
    window: int = 1,
) -> tuple[DocumentFacts, str]:
    """A clearance certificate printed as the window prints it; what its QR says, read
    back from the PDF through poppler and zxing-cpp."""
    certificate = ClearanceCertificate(
        4500871,
        number,
        "محمد أحمد علي",
        NATIONAL_ID,
        "أ ب ج ١٢٣",
        "1234567",
        issued,
        issued + timedelta(days=30),
        Money(3500),
        "مكتب بريد أسوان الرئيسي",
        1,
        b"",
        verify_url=f"{hq.url}/v/",
    )
    facts = DocumentFacts(
        "clearance_certificate",
        number,
        4500871,
        OFFICE,
        window,
        issued,
        30,
        NATIONAL_ID,
        3500,
        details_digest(certificate.printed_details()),
    )
    return facts, _printed_qr(certificate, facts, signer, folder)


def _printed_qr(
    certificate: ClearanceCertificate, facts: DocumentFacts, signer: WorkstationSigner, folder: Path
) -> str:
    certificate = replace(certificate, window=facts.window, qr_payload=encode(facts, signer))
    pdf = folder / f"certificate-{facts.document_number}.pdf"
    pdf.write_bytes(clearance_certificate_pdf(certificate, Registration()))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), f"{tmp}/p"], check=True)
        [found] = zxingcpp.read_barcodes(
            Image.open(next(Path(tmp).glob("p*.png"))), formats=zxingcpp.BarcodeFormat.QRCode
        )
    return str(found.text)


def verdict(phone: webdriver.Chrome, link: str) -> str:
    """Open the link as a phone's camera app would (a fresh load, not a jump within the
    page); the page's verdict once it has one."""
    phone.get("about:blank")
    phone.get(link)
    WebDriverWait(phone, 20).until(
        lambda d: d.find_element(By.ID, "verdict").get_attribute("data-state") != "checking"
    )
    return str(phone.find_element(By.ID, "verdict").get_attribute("data-state"))


def details(phone: webdriver.Chrome) -> dict[str, str]:
    """The details table, by its English labels."""
    found = {}
    for row in phone.find_elements(By.CSS_SELECTOR, "#details tr"):
        label = row.find_element(By.CSS_SELECTOR, "th .en").text
        found[label] = row.find_element(By.TAG_NAME, "td").text
    return found


def never_sent(hq: RunningHq, link: str) -> None:
    """HQ's access log has the page's requests and no part of the payload."""
    log = (hq.folder / "access.log").read_text(encoding="utf-8")
    assert '"GET /v/ HTTP/1.1" 200' in log
    fragment = link.partition("#")[2]
    assert fragment
    pieces = {fragment[i : i + 12] for i in range(0, len(fragment) - 12, 6)}
    assert not [p for p in pieces if p in log], "a piece of the payload reached HQ"


def today() -> date:
    return business_day(datetime.now(UTC))


def test_a_genuine_certificate_shows_valid_with_its_details(
    hq: RunningHq, phone: webdriver.Chrome, tmp_path: Path
) -> None:
    workstation, signer = enrolled(hq, 1)
    facts, link = printed_certificate(hq, signer, tmp_path, number=120345, issued=today())
    assert link.startswith(f"{hq.url}/v/#")

    assert verdict(phone, link) == "valid"
    phone.save_screenshot(str(SCREENSHOTS / "verify-valid.png"))
    shown = details(phone)
    assert shown["Number"] == str(facts.document_number)
    assert shown["Sheet / receipt serial"] == str(facts.sheet_serial)
    assert workstation in shown["Issued at"]
    assert shown["Issued on"] == facts.issued.isoformat()
    assert shown["Valid until"] == facts.valid_until.isoformat()
    assert shown["National ID"] == facts.national_id
    assert f"EGP {facts.amount_piastres / 100:.2f}" in shown["Amount"]
    assert shown["Printed details digest"] == facts.details_digest.hex()
    assert phone.find_element(By.ID, "verdict-en").text == "VALID"
    never_sent(hq, link)


def test_one_changed_character_shows_invalid(
    hq: RunningHq, phone: webdriver.Chrome, tmp_path: Path
) -> None:
    _workstation, signer = enrolled(hq, 1)
    _facts, link = printed_certificate(hq, signer, tmp_path, number=120346, issued=today())
    page, _, payload = link.partition("#")
    for at in (30, len(payload) // 2, len(payload) - 10):  # the ID, the key, the signature
        changed = payload[:at] + ("A" if payload[at] != "A" else "B") + payload[at + 1 :]
        assert verdict(phone, f"{page}#{changed}") == "invalid", at
        assert not phone.find_element(By.ID, "details").is_displayed()
    phone.save_screenshot(str(SCREENSHOTS / "verify-invalid.png"))
    assert phone.find_element(By.ID, "reason-en").text
    never_sent(hq, link)


def test_a_revoked_windows_certificate_shows_revoked(
    hq: RunningHq, phone: webdriver.Chrome, tmp_path: Path
) -> None:
    workstation, signer = enrolled(hq, 1)
    _facts, link = printed_certificate(hq, signer, tmp_path, number=120347, issued=today())
    assert verdict(phone, link) == "valid"
    hq.service.revoke_workstation(workstation)
    assert verdict(phone, link) == "revoked"  # the page reads the new trust list
    phone.save_screenshot(str(SCREENSHOTS / "verify-revoked.png"))
    assert workstation in details(phone)["Issued at"]
    never_sent(hq, link)


def test_an_expired_certificate_is_genuine_but_expired(
    hq: RunningHq, phone: webdriver.Chrome, tmp_path: Path
) -> None:
    # A window certified 50 days ago (its certificate ends in 680 days), a certificate
    # it issued 40 days ago, valid for 30.
    signer = certified_signer(hq.service.key, f"{OFFICE}-W01", days=680)
    issued = today() - timedelta(days=40)
    facts, link = printed_certificate(hq, signer, tmp_path, number=120348, issued=issued)
    assert verdict(phone, link) == "expired"
    phone.save_screenshot(str(SCREENSHOTS / "verify-expired.png"))
    assert facts.valid_until.isoformat() in phone.find_element(By.ID, "reason-en").text


def test_once_loaded_the_page_verifies_with_hq_switched_off(
    hq: RunningHq, phone: webdriver.Chrome, tmp_path: Path
) -> None:
    workstation, signer = enrolled(hq, 1)
    _f, first = printed_certificate(hq, signer, tmp_path, number=120349, issued=today())
    assert verdict(phone, first) == "valid"
    phone.execute_async_script(
        "navigator.serviceWorker.ready.then(() => arguments[arguments.length - 1](true))"
    )
    # A second window, revoked while the page was still online: the kept list says so.
    other, other_signer = enrolled(hq, 2)
    _f, revoked = printed_certificate(
        hq, other_signer, tmp_path, number=120350, issued=today(), window=2
    )
    hq.service.revoke_workstation(other)
    assert verdict(phone, revoked) == "revoked"
    _f, second = printed_certificate(hq, signer, tmp_path, number=120351, issued=today())

    hq.kill()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{hq.url}/v/", timeout=2)
    assert verdict(phone, second) == "valid"
    phone.save_screenshot(str(SCREENSHOTS / "verify-offline.png"))
    assert workstation in details(phone)["Issued at"]
    assert verdict(phone, revoked) == "revoked"


def test_the_page_without_a_payload_says_what_to_do(hq: RunningHq, phone: webdriver.Chrome) -> None:
    assert verdict(phone, f"{hq.url}/v") == "empty"  # redirected to /v/
    assert "Scan the QR code" in phone.find_element(By.ID, "verdict-en").text
    answer = requests.get(f"{hq.url}/v/", timeout=5)
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert hq.service.public_key in answer.text  # HQ's key, pinned in the page
