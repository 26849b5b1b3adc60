"""The signed QR payload on receipts and certificates, and its offline verifier.

A compact, versioned binary record (see QR_FORMAT.md beside this file) signed with the
workstation's Ed25519 key, carrying the workstation's compact certificate (its public
key signed by HQ). A verifier needs nothing but HQ's public key, and optionally the
revocation list from HQ's trust bundle.
"""

from __future__ import annotations

import hashlib
import re
import struct
from dataclasses import dataclass
from datetime import date, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from counter_app.domain.errors import BilingualError
from counter_app.domain.journal import canonical_json, workstation_name
from sync.protocol import CERTIFICATE_LIFETIME_DAYS, b64e, compact_certificate_body
from sync.protocol import EPOCH as PROTOCOL_EPOCH

VERSION = 2  # 2 added the previous receipt's chain value; nothing printed as 1 is in use
MAX_PAYLOAD_BYTES = 256
EPOCH = PROTOCOL_EPOCH.date()  # the day count compact formats share
DOCUMENT_TYPES = {
    1: "clearance_certificate",
    2: "receipt",
    3: "civil_extract",
    4: "void_receipt",
}
_DOC_CODES = {name: code for code, name in DOCUMENT_TYPES.items()}
_FIXED_HEAD = struct.Struct(">BBII")  # version, type, document number, sheet serial
_FIXED_TAIL = struct.Struct(">BHH6sI8s")  # window, issued, valid days, ID, amount, digest
_CHAIN = struct.Struct(">8s")  # version 2: the previous receipt's chain value
_CERT = struct.Struct(">32sH64s")  # workstation key, cert's last day, HQ signature
SIGNATURE_BYTES = 64
OFFICE_CODE = re.compile(rb"[A-Z0-9]+(?:-[A-Z0-9]+)*")  # ASCII capitals, digits, hyphens
MAX_OFFICE_CODE = 12
MAX_WINDOW = 99
FUTURE_GRACE = timedelta(days=1)  # a verifier's clock a day behind Cairo's still agrees


class InvalidDocument(BilingualError, ValueError):
    """The payload does not verify; the messages say why."""

    @property
    def reason_en(self) -> str:
        return self.message_en

    @property
    def reason_ar(self) -> str:
        return self.message_ar


@dataclass(frozen=True)
class DocumentFacts:
    """What a printed document states, as its QR carries it."""

    document_type: str
    document_number: int
    sheet_serial: int
    office_code: str
    window: int
    issued: date
    valid_days: int
    national_id: str  # 14 digits, or "" when the document names nobody
    amount_piastres: int
    details_digest: bytes  # 8 bytes: SHA-256 of the printed name and details
    previous_chain: bytes = bytes(8)  # receipts: the previous receipt's `chain_value`

    @property
    def workstation_id(self) -> str:
        return workstation_name(self.office_code, self.window)

    @property
    def valid_until(self) -> date:
        return self.issued + timedelta(days=self.valid_days)


@dataclass(frozen=True)
class WorkstationSigner:
    """The workstation's key and the compact certificate HQ signed for it."""

    key: Ed25519PrivateKey
    cert_expires_day: int
    hq_signature: bytes
    verify_url: str = ""  # HQ's public page the printed QR opens ("": the raw payload)


def details_digest(printed: dict[str, str]) -> bytes:
    """8 bytes that bind the QR to the printed name and details (canonical JSON)."""
    return hashlib.sha256(canonical_json(printed).encode("utf-8")).digest()[:8]


def chain_value(payload: bytes) -> bytes:
    """A receipt's short chain value: the next receipt carries it (QR_FORMAT.md)."""
    return hashlib.sha256(payload).digest()[:8]


def qr_content(payload: bytes, verify_url: str) -> bytes:
    """What the printed QR symbol holds: HQ's public verification page with the payload in
    the URL's fragment (a phone's camera opens it; the fragment never leaves the phone),
    or the raw payload when the window knows no page (QR_FORMAT.md, "The QR symbol")."""
    if not verify_url:
        return payload
    return f"{verify_url}#{b64e(payload)}".encode("ascii")


def encode(facts: DocumentFacts, signer: WorkstationSigner) -> bytes:
    office = facts.office_code.encode("ascii")
    national = int(facts.national_id) if facts.national_id else 0
    body = (
        _FIXED_HEAD.pack(
            VERSION, _DOC_CODES[facts.document_type], facts.document_number, facts.sheet_serial
        )
        + bytes([len(office)])
        + office
        + _FIXED_TAIL.pack(
            facts.window,
            (facts.issued - EPOCH).days,
            facts.valid_days,
            national.to_bytes(6, "big"),
            facts.amount_piastres,
            facts.details_digest,
        )
        + _CHAIN.pack(facts.previous_chain)
        + _CERT.pack(_raw_public(signer.key), signer.cert_expires_day, signer.hq_signature)
    )
    payload = body + signer.key.sign(body)
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ValueError("QR payload too large")
    return payload


def verify(
    payload: bytes,
    hq_public_key: Ed25519PublicKey,
    *,
    revoked_keys: frozenset[bytes] = frozenset(),
    today: date | None = None,
) -> DocumentFacts:
    """Check the payload as QR_FORMAT.md's "Verifying" says, in its order; the facts.

    `today` (the verifier's date in Cairo) enables the checks of time: not dated in the
    future, not past its validity. Without it only what the payload proves is checked.
    """
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise InvalidDocument(
            "too_large",
            "البيانات أكبر من أي وثيقة صحيحة",
            "the payload is larger than any genuine one",
        )
    if not payload or payload[0] != VERSION:
        raise InvalidDocument(
            "version",
            "إصدار غير معروف لرمز الاستجابة",
            f"unknown payload version {payload[0] if payload else '-'}",
        )
    try:
        _version, doc_code, number, serial = _FIXED_HEAD.unpack_from(payload, 0)
        at = _FIXED_HEAD.size
        office_raw = payload[at + 1 : at + 1 + payload[at]]
        if len(office_raw) > MAX_OFFICE_CODE or not OFFICE_CODE.fullmatch(office_raw):
            raise InvalidDocument(
                "malformed", "رمز المكتب غير صالح", "the office code is not a valid one"
            )
        office = office_raw.decode("ascii")
        at += 1 + payload[at]
        window, issued, valid_days, national, amount, digest = _FIXED_TAIL.unpack_from(payload, at)
        at += _FIXED_TAIL.size
        (previous,) = _CHAIN.unpack_from(payload, at)
        at += _CHAIN.size
        ws_key, cert_day, hq_signature = _CERT.unpack_from(payload, at)
        at += _CERT.size
    except (struct.error, IndexError, UnicodeDecodeError) as exc:
        raise InvalidDocument(
            "malformed", "البيانات ناقصة أو تالفة", "the payload is truncated or malformed"
        ) from exc
    body, signature = payload[:at], payload[at:]
    if (
        len(signature) != SIGNATURE_BYTES
        or doc_code not in DOCUMENT_TYPES
        or not 1 <= window <= MAX_WINDOW
    ):
        raise InvalidDocument(
            "malformed", "البيانات ناقصة أو تالفة", "the payload is truncated or malformed"
        )
    cert_body = compact_certificate_body(workstation_name(office, window), b64e(ws_key), cert_day)
    try:
        hq_public_key.verify(hq_signature, cert_body)
    except InvalidSignature as exc:
        raise InvalidDocument(
            "not_certified",
            "جهاز الإصدار غير معتمد من المركز الرئيسي",
            "the workstation is not certified by HQ",
        ) from exc
    try:
        Ed25519PublicKey.from_public_bytes(ws_key).verify(signature, body)
    except InvalidSignature as exc:
        raise InvalidDocument(
            "signature",
            "توقيع الوثيقة لا يطابق محتواها",
            "the document's signature does not match its contents",
        ) from exc
    issued_day = EPOCH + timedelta(days=issued)
    last_day = EPOCH + timedelta(days=cert_day)
    if issued_day > last_day:
        raise InvalidDocument(
            "certificate_expired",
            "كانت شهادة جهاز الإصدار منتهية عند الإصدار",
            "the workstation's certificate had expired when this was issued",
        )
    if issued_day < last_day - timedelta(days=CERTIFICATE_LIFETIME_DAYS):
        raise InvalidDocument(
            "before_certified",
            "تاريخ الوثيقة سابق لاعتماد جهاز الإصدار",
            "the document is dated before its workstation was certified",
        )
    if ws_key in revoked_keys:
        # Whatever its date: whoever holds a stolen key can date a document before the theft.
        raise InvalidDocument(
            "revoked",
            "ألغى المركز الرئيسي اعتماد جهاز الإصدار: تحقق من الوثيقة لدى المركز",
            "the issuing workstation has been revoked by HQ: check the document with HQ",
        )
    if today is not None and issued_day > today + FUTURE_GRACE:
        raise InvalidDocument(
            "future", "تاريخ الوثيقة في المستقبل", "the document is dated in the future"
        )
    if today is not None and valid_days and today > issued_day + timedelta(days=valid_days):
        ended = issued_day + timedelta(days=valid_days)
        raise InvalidDocument(
            "expired",
            f"الوثيقة أصلية لكن صلاحيتها انتهت في {ended.isoformat()}",
            f"the document is genuine but its validity ended on {ended.isoformat()}",
        )
    return DocumentFacts(
        document_type=DOCUMENT_TYPES[doc_code],
        document_number=number,
        sheet_serial=serial,
        office_code=office,
        window=window,
        issued=issued_day,
        valid_days=valid_days,
        national_id=f"{int.from_bytes(national, 'big'):014d}" if any(national) else "",
        amount_piastres=amount,
        details_digest=digest,
        previous_chain=previous,
    )


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
