"""The signed QR payload: what verifies, and every way a forgery is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from counter_app.services.verification import (
    UnreadableDocument,
    payload_from_symbol,
    payload_from_text,
)
from printing.qr_payload import (
    DocumentFacts,
    InvalidDocument,
    chain_value,
    details_digest,
    encode,
    qr_content,
    verify,
)
from sync.protocol import b64e
from tests.support.signing import certified_signer

HQ = Ed25519PrivateKey.generate()
FACTS = DocumentFacts(
    document_type="clearance_certificate",
    document_number=120_345,
    sheet_serial=4_500_871,
    office_code="ASW-0101",
    window=1,
    issued=date.today(),
    valid_days=30,
    national_id="29001012801235",
    amount_piastres=3500,
    details_digest=details_digest({"name": "محمد أحمد علي", "plate": "أ ب ج 123"}),
)


def test_round_trip_and_it_fits_a_small_qr() -> None:
    payload = encode(FACTS, certified_signer(HQ))
    assert verify(payload, HQ.public_key()) == FACTS
    qr = segno.make(payload, error="m", mode="byte", boost_error=False)
    assert qr.version <= 10, f"{len(payload)} bytes need QR version {qr.version}"


def test_every_single_byte_change_is_refused() -> None:
    payload = encode(FACTS, certified_signer(HQ))
    for index in range(len(payload)):
        for flip in (0x01, 0x80):
            changed = bytearray(payload)
            changed[index] ^= flip
            with pytest.raises(InvalidDocument):
                verify(bytes(changed), HQ.public_key())


def test_a_key_hq_never_certified_is_refused() -> None:
    impostor_hq = Ed25519PrivateKey.generate()
    payload = encode(FACTS, certified_signer(impostor_hq))
    with pytest.raises(InvalidDocument, match="not certified by HQ"):
        verify(payload, HQ.public_key())


def test_a_revoked_workstation_is_refused() -> None:
    signer = certified_signer(HQ)
    raw = signer.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    with pytest.raises(InvalidDocument, match="revoked"):
        verify(encode(FACTS, signer), HQ.public_key(), revoked_keys=frozenset({raw}))


def test_a_document_issued_after_the_certificate_expired_is_refused() -> None:
    signer = certified_signer(HQ, days=-1)
    with pytest.raises(InvalidDocument, match="expired"):
        verify(encode(FACTS, signer), HQ.public_key())


def test_unknown_version_truncated_and_oversized_payloads_are_refused() -> None:
    payload = encode(FACTS, certified_signer(HQ))
    with pytest.raises(InvalidDocument, match="version"):
        verify(b"\x01" + payload[1:], HQ.public_key())
    with pytest.raises(InvalidDocument, match="truncated"):
        verify(payload[:50], HQ.public_key())
    with pytest.raises(InvalidDocument, match="larger"):
        verify(payload + b"\x00" * 100, HQ.public_key())
    with pytest.raises(InvalidDocument):
        verify(b"", HQ.public_key())


def test_future_dated_documents_are_refused_when_today_is_given() -> None:
    facts = DocumentFacts(**{**FACTS.__dict__, "issued": date.today() + timedelta(days=3)})
    with pytest.raises(InvalidDocument, match="future"):
        verify(encode(facts, certified_signer(HQ)), HQ.public_key(), today=date.today())


def test_receipts_without_a_national_id() -> None:
    facts = DocumentFacts(
        **{**FACTS.__dict__, "document_type": "receipt", "national_id": "", "sheet_serial": 0}
    )
    assert verify(encode(facts, certified_signer(HQ)), HQ.public_key()).national_id == ""


def test_receipts_carry_the_previous_receipts_chain_value() -> None:
    signer = certified_signer(HQ)
    first = encode(DocumentFacts(**{**FACTS.__dict__, "document_type": "receipt"}), signer)
    second_facts = DocumentFacts(
        **{**FACTS.__dict__, "document_type": "receipt", "previous_chain": chain_value(first)}
    )
    second = encode(second_facts, signer)
    assert verify(second, HQ.public_key()).previous_chain == chain_value(first)
    # One byte of the carried chain value changed: the signature no longer holds.
    at = second.index(chain_value(first))
    forged = second[:at] + bytes([second[at] ^ 1]) + second[at + 1 :]
    with pytest.raises(InvalidDocument):
        verify(forged, HQ.public_key())


def test_the_decisions_of_qr_format_md_are_what_the_verifier_does() -> None:
    """Each point QR_FORMAT.md's "Decisions" settles, checked against the verifier."""
    signer = certified_signer(HQ, days=600)  # certified 130 days ago
    today = date.today()
    # Validity is checked: genuine but past its last valid day is refused as expired.
    old = DocumentFacts(**{**FACTS.__dict__, "issued": today - timedelta(days=31)})
    with pytest.raises(InvalidDocument, match="validity ended"):
        verify(encode(old, signer), HQ.public_key(), today=today)
    last_valid = DocumentFacts(**{**FACTS.__dict__, "issued": today - timedelta(days=30)})
    assert verify(encode(last_valid, signer), HQ.public_key(), today=today) == last_valid
    # Without an expiry (receipts: 0 days) an old document stays valid.
    receipt = DocumentFacts(**{**old.__dict__, "valid_days": 0, "document_type": "receipt"})
    assert verify(encode(receipt, signer), HQ.public_key(), today=today) == receipt
    # A day of grace for a verifier's clock behind Cairo's; two days ahead is refused.
    tomorrow = DocumentFacts(**{**FACTS.__dict__, "issued": today + timedelta(days=1)})
    assert verify(encode(tomorrow, signer), HQ.public_key(), today=today) == tomorrow
    # Not before the workstation was certified (its certificate lasts 730 days).
    short_lived = certified_signer(HQ, days=10)
    early = DocumentFacts(**{**FACTS.__dict__, "issued": today - timedelta(days=730)})
    with pytest.raises(InvalidDocument, match="before its workstation was certified"):
        verify(encode(early, short_lived), HQ.public_key())
    # Windows 1-99 and office codes of capitals, digits and hyphens only.
    for bad in (
        {"window": 0},
        {"window": 100},
        {"office_code": "asw-0101"},
        {"office_code": "ASW 0101"},
        {"office_code": "A" * 13},
    ):
        forged = DocumentFacts(**{**FACTS.__dict__, **bad})
        with pytest.raises(InvalidDocument, match=r"malformed|office code"):
            verify(encode(forged, signer), HQ.public_key())


def test_the_text_form_ignores_whitespace_and_refuses_anything_else() -> None:
    payload = encode(FACTS, certified_signer(HQ))
    text = b64e(payload)
    wrapped = "  " + "\n".join(text[i : i + 40] for i in range(0, len(text), 40)) + "\n"
    assert payload_from_text(wrapped) == payload
    for bad in (text[:20] + "!" + text[20:], text + "=", "", "   "):
        with pytest.raises(UnreadableDocument):
            payload_from_text(bad)


def test_the_printed_symbol_is_the_verification_pages_address_with_the_payload_after_hash() -> None:
    payload = encode(FACTS, certified_signer(HQ))
    page = "https://verify.post.example.eg/v/"
    symbol = qr_content(payload, page)
    assert symbol.startswith(page.encode() + b"#")
    assert payload_from_symbol(symbol) == payload
    assert payload_from_text(symbol.decode()) == payload
    assert payload_from_symbol(payload) == payload  # printed before the page: raw bytes
    assert qr_content(payload, "") == payload
    # The longest office code: still a QR a phone reads from 45 mm or 3 dots a module.
    longest = encode(
        DocumentFacts(**{**FACTS.__dict__, "office_code": "ABCDEF-12345"}),
        certified_signer(HQ, "ABCDEF-12345-W01"),
    )
    qr = segno.make(qr_content(longest, page), error="m", mode="byte", boost_error=False)
    assert qr.version <= 14, f"QR version {qr.version}"
    for bad in (page, page + "#", page + "#" + b64e(payload)[:-40] + "!"):
        with pytest.raises(UnreadableDocument):
            payload_from_text(bad)
