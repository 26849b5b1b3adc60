"""The signed QR payload: what verifies, and every way a forgery is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from printing.qr_payload import (
    DocumentFacts,
    InvalidDocument,
    chain_value,
    details_digest,
    encode,
    verify,
)
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
