"""The messages between a counter window and HQ, and how they are signed.

Shared by the client (`counter_app`) and the server (`hq`); imports nothing of either.
Signatures are Ed25519 over the canonical JSON (sorted keys, no spaces, UTF-8) of the
signed object without its signature field. Keys and signatures travel as unpadded
base64url. See PROTOCOL.md beside this file.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import BaseModel, ConfigDict, Field, model_validator

from counter_app.domain.heartbeat import heartbeat_body
from counter_app.domain.journal import canonical_json

PROTOCOL_VERSION = 1
TIME_HEADER = "X-HQ-Time"
WINDOW_TIME_HEADER = "X-Window-Time"  # the window's clock as it sends (HQ's dashboard)
MAX_BATCH_ENTRIES = 1000
MAX_BATCH_BYTES = 8 * 1024 * 1024  # decompressed; a larger body is refused (zip bombs)
BUNDLE_KINDS = ("catalogue", "users", "trust", "instructions", "requests")
MAX_PHOTO_BYTES = 300_000  # an ID card photo, PNG


# Identifiers HQ stores (ids, uuids, signatures): visible ASCII, no space, no NUL (which
# PostgreSQL's text cannot hold).
VISIBLE = r"^[\x21-\x7e]+$"


class SignatureError(ValueError):
    """A signature, certificate or bundle did not verify; the message says which."""


# ---- encoding and signing ---------------------------------------------------------------


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(obj: Any) -> bytes:
    """The bytes that are signed: the journal's canonical JSON, UTF-8 encoded."""
    return canonical_json(obj).encode()


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return b64e(public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def load_public_key(text: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(b64d(text))
    except ValueError as exc:
        raise SignatureError("not an Ed25519 public key") from exc


def key_fingerprint(public_key: str) -> str:
    """A short, stable name for a public key (first 16 bytes of its SHA-256, hex)."""
    return hashlib.sha256(b64d(public_key)).hexdigest()[:32]


def sign(key: Ed25519PrivateKey, body: Any) -> str:
    return b64e(key.sign(canonical(body)))


def verify(public_key: str, body: Any, signature: str) -> None:
    try:
        load_public_key(public_key).verify(b64d(signature), canonical(body))
    except (InvalidSignature, ValueError) as exc:
        raise SignatureError("the signature does not verify") from exc


def heartbeat_verifies(
    public_key: str,
    workstation_id: str,
    entry: Mapping[str, Any],
    enrolled_seq: int | None,
) -> bool:
    """A `shift.heartbeat` entry (its stored fields: seq, prev_hash, device_time, payload
    as text) against the window's key (counter_app.domain.heartbeat). Unsigned is right
    only before the window's `workstation.enrolled` entry, when it held no key yet."""
    try:
        payload = json.loads(entry["payload"])
        signature = str(payload.get("signature", ""))
        shift = int(payload.get("shift", 0))
    except (ValueError, AttributeError, TypeError):
        return False
    if not signature:
        return enrolled_seq is None or entry["seq"] < enrolled_seq
    body = heartbeat_body(
        workstation_id, entry["seq"], entry["prev_hash"], entry["device_time"], shift
    )
    try:
        verify(public_key, body, signature)
    except SignatureError:
        return False
    return True


def version_key(text: str) -> tuple[int, ...]:
    """A program version ("0.1.0": one to four whole numbers) as something to compare.
    Raises ValueError for anything else."""
    parts = text.strip().split(".")
    if not 1 <= len(parts) <= 4 or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError(f"not a version like 0.1.0: {text!r}")
    return tuple(int(p) for p in parts)


def is_behind(running: str, approved: str) -> bool:
    """Whether the running program is older than the version HQ approves ("" approves
    any). An unreadable approved version is never a reason to stop a window."""
    try:
        return bool(approved) and version_key(running) < version_key(approved)
    except ValueError:
        return False


def utc_now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Message(BaseModel):
    """Requests and signed objects: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _Answer(BaseModel):
    """Plain answers from HQ: fields a newer HQ adds are ignored by older clients."""

    model_config = ConfigDict(extra="ignore", frozen=True)


# ---- enrolment --------------------------------------------------------------------------


class WorkstationCertificate(_Message):
    """HQ's statement that a public key belongs to one window of one office, for a time."""

    version: Literal[1] = 1
    serial: str
    workstation_id: str
    office_code: str
    window: int
    public_key: str
    not_before: str
    not_after: str
    signature: str = ""

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude={"signature"})

    def signed_by(self, hq_key: Ed25519PrivateKey) -> WorkstationCertificate:
        return self.model_copy(update={"signature": sign(hq_key, self.body())})

    def check(self, hq_public_key: str, *, at: datetime | None = None) -> None:
        """Raise SignatureError unless HQ signed this and it is valid at `at`."""
        verify(hq_public_key, self.body(), self.signature)
        moment = at or datetime.now(UTC)
        if not (
            datetime.fromisoformat(self.not_before)
            <= moment
            <= datetime.fromisoformat(self.not_after)
        ):
            raise SignatureError("the workstation certificate is not valid at this time")


COMPACT_CERT_MAGIC = b"CW1"
# A workstation certificate lasts this long from enrolment: a document dated more than this
# before its certificate's last day was dated before the workstation was certified.
CERTIFICATE_LIFETIME_DAYS = 730
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def day_number(moment: datetime) -> int:
    """Whole days since 2000-01-01 (UTC): how compact formats carry dates."""
    return (moment - EPOCH).days


def compact_certificate_body(workstation_id: str, public_key: str, expires_day: int) -> bytes:
    """The bytes HQ signs so that a printed QR can carry the workstation's certificate:
    magic, the workstation id (length-prefixed ASCII), the raw public key, the last valid
    day (uint16, days since 2000-01-01)."""
    ident = workstation_id.encode("ascii")
    return (
        COMPACT_CERT_MAGIC
        + bytes([len(ident)])
        + ident
        + b64d(public_key)
        + expires_day.to_bytes(2, "big")
    )


class EnrollRequest(_Message):
    code: str = Field(min_length=6, max_length=64, pattern=r"^[\x20-\x7e]+$")
    public_key: str = Field(pattern=r"^[A-Za-z0-9_-]{43}$")  # 32 bytes, base64url, no padding
    # The private key's signature over enrol_proof_body: lets the same request be sent
    # again when its answer was lost (HQ gives the same window a new token).
    proof: str = Field(default="", pattern=r"^([A-Za-z0-9_-]{86})?$")
    # How many entries the window's own journal already holds. A replacement PC must start
    # empty (its chain continues HQ's copy of the window's), so HQ refuses it otherwise
    # before spending the code.
    journal_seq: int = Field(default=0, ge=0, le=2**53)


def normalise_code(code: str) -> str:
    """An enrolment code as HQ keeps it: capitals, without the dash or spaces."""
    return code.strip().upper().replace("-", "").replace(" ", "")


def enrol_proof_body(code: str, public_key: str) -> dict[str, str]:
    return {"purpose": "enrol", "code": normalise_code(code), "public_key": public_key}


def enrol_request(code: str, key: Ed25519PrivateKey, journal_seq: int = 0) -> EnrollRequest:
    """A window's enrolment request, with the proof that it holds `key`; `journal_seq` is
    how many entries its store already holds."""
    public_key = public_key_text(key)
    proof = sign(key, enrol_proof_body(code, public_key))
    return EnrollRequest(code=code, public_key=public_key, proof=proof, journal_seq=journal_seq)


def proves_key(request: EnrollRequest, code: str) -> bool:
    if not request.proof:
        return False
    try:
        verify(request.public_key, enrol_proof_body(code, request.public_key), request.proof)
    except SignatureError:
        return False
    return True


class EnrollResponse(_Answer):
    workstation_id: str
    token: str
    certificate: WorkstationCertificate
    hq_public_key: str
    office_name: str
    office_name_ar: str = ""  # a new window writes its configuration from these
    # HQ's signature over compact_certificate_body(...) for QR codes, and its last day.
    compact_signature: str
    compact_expires_day: int
    # Where this workstation's journal begins: after seq `chain_seq`, whose hash is
    # `chain_hash`. (0, zeros) for a window's first workstation; for a replacement PC, the
    # last entry HQ holds from the workstation it replaces.
    chain_seq: int = Field(default=0, ge=0)
    chain_hash: str = Field(default="0" * 64, pattern=r"^[0-9a-f]{64}$")


# ---- journal push -----------------------------------------------------------------------

# One entry on the wire, in this order. The workstation id is the batch's; prev_hash is
# only sent for the batch's first entry (each later one links to the entry before it).
WIRE_FIELDS = (
    "seq",
    "uuid",
    "entry_type",
    "payload",
    "clerk",
    "device_time",
    "monotonic_ns",
    "run_id",
    "business_day",
    "hash",
)


class SignedHead(_Message):
    """The window's journal head as it stands, signed with the workstation's key over
    `{"workstation_id", "seq", "hash"}`: HQ raises an alarm when it goes backwards, forks
    from what HQ holds, or does not verify."""

    seq: int = Field(ge=0, le=2**63 - 1)
    hash: str = Field(min_length=64, max_length=64)
    signature: str = Field(max_length=100, pattern=r"^[\x21-\x7e]*$")

    def body(self, workstation_id: str) -> dict[str, Any]:
        return {"workstation_id": workstation_id, "seq": self.seq, "hash": self.hash}


def _row_schema() -> dict[str, Any]:
    """A journal row on the wire: WIRE_FIELDS in order, seq and monotonic_ns whole numbers."""
    fields: list[dict[str, Any]] = [
        {"title": name, "type": "integer", "minimum": 0, "maximum": 2**63 - 1}
        if name in ("seq", "monotonic_ns")
        else {"title": name, "type": "string", "pattern": "^[^\\x00]*$"}  # PostgreSQL text
        for name in WIRE_FIELDS
    ]
    return {
        "type": "array",
        "prefixItems": fields,
        "items": False,
        "minItems": len(fields),
        "maxItems": len(fields),
    }


class PushBatch(_Message):
    """Entries of one window's chain in order, each a row of WIRE_FIELDS; `prev_hash` is
    the hash of the entry before the first (HQ's last held, or the genesis hash)."""

    workstation_id: str = Field(min_length=1, max_length=64, pattern=VISIBLE)
    prev_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    rows: list[list[Any]] = Field(
        max_length=MAX_BATCH_ENTRIES, json_schema_extra={"items": _row_schema()}
    )
    head: SignedHead | None = None


class JournalHead(_Answer):
    """What HQ holds for a window: every entry up to `acked_seq`, the last one's hash."""

    workstation_id: str
    acked_seq: int
    acked_hash: str


class JournalRange(_Answer):
    """A window's own entries as HQ holds them, after a seq the window asked from (rows of
    WIRE_FIELDS, in order; `prev_hash` is the hash of the entry before the first), with
    the last head the window signed whose entry HQ holds. A window restored from an older
    backup fetches its entries back with these and checks both."""

    workstation_id: str
    prev_hash: str
    rows: list[list[Any]]
    acked_seq: int
    signed_head: SignedHead | None = None


# ---- signed bundles ---------------------------------------------------------------------


class Bundle(_Message):
    """A versioned download signed by HQ: catalogue, users, trust list or instructions."""

    kind: str
    scope: str  # "all", an office code, or a workstation id
    version: int
    issued_at: str
    payload: dict[str, Any]
    signature: str = ""

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude={"signature"})

    def signed_by(self, hq_key: Ed25519PrivateKey) -> Bundle:
        return self.model_copy(update={"signature": sign(hq_key, self.body())})

    def check(self, hq_public_key: str) -> None:
        verify(hq_public_key, self.body(), self.signature)


# ---- live calls -------------------------------------------------------------------------


class Fine(_Answer):
    fine_id: str
    violation_ar: str
    violation_en: str
    date: str
    place: str
    plate: str
    amount_piastres: int


class FinesAnswer(_Answer):
    query: str
    fines: list[Fine]
    total_piastres: int
    source: str
    as_of: str


class FinesInquiry(_Message):
    """A fines inquiry by exactly one of national ID, plate or licence number (in the body,
    so no citizen's number is written to an access log)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "oneOf": [
                {"required": ["national_id"]},
                {"required": ["plate"]},
                {"required": ["licence"]},
            ]
        },
    )
    # "" is "not given" (a default is never checked against its field's pattern).
    national_id: str = Field(default="", pattern=r"^[0-9]{14}$")
    plate: str = Field(default="", min_length=1, max_length=32, pattern=r"^[^\x00-\x1f\x7f]+$")
    licence: str = Field(default="", pattern=r"^[0-9]{6,14}$")

    @model_validator(mode="after")
    def _exactly_one(self) -> FinesInquiry:
        given = [v for v in (self.national_id, self.plate, self.licence) if v]
        if len(given) != 1:
            raise ValueError("give exactly one of national_id, plate and licence")
        return self


class FineToSettle(_Message):
    fine_id: str = Field(min_length=1, max_length=64, pattern=VISIBLE)
    amount_piastres: int = Field(gt=0, le=100_000_000)


class SettleRequest(_Message):
    """Fines paid at a window: settled at once online, or from the journal at sync."""

    payment_uuid: str = Field(min_length=8, max_length=64, pattern=VISIBLE)
    fines: list[FineToSettle] = Field(min_length=1, max_length=100)


class SettleConflict(_Answer):
    fine_id: str
    reason: str  # "paid_elsewhere", "amount_changed" or "unknown_fine"
    message_ar: str
    message_en: str


class SettleAnswer(_Answer):
    payment_uuid: str
    settled: list[str]
    conflicts: list[SettleConflict]


class PrepaidRequest(_Message):
    """Authorise a payment from a prepaid service card (HQ holds the balances)."""

    payment_uuid: str = Field(min_length=8, max_length=64, pattern=VISIBLE)
    card_number: str = Field(pattern=r"^[0-9]{16}$")
    amount_piastres: int = Field(gt=0, le=100_000_000)


class PrepaidAnswer(_Answer):
    payment_uuid: str
    authorisation: str
    balance_piastres: int


# ---- requests delivered later -------------------------------------------------------------


def request_digest(details: dict[str, Any], photo: bytes) -> str:
    """What the window's journal entry holds of a request's personal details: HQ checks
    the details it is sent against it, so nothing can be changed on the way or later."""
    return hashlib.sha256(
        canonical({"details": details, "photo": hashlib.sha256(photo).hexdigest()})
    ).hexdigest()


class RequestSubmission(_Message):
    """A request's personal details, sent once HQ holds its `request.captured` entry."""

    tracking: str = Field(pattern=r"^[A-Z0-9]{9,24}$")
    service: str = Field(min_length=2, max_length=32, pattern=VISIBLE)
    details: dict[str, Any]
    photo: str = Field(  # base64url, unpadded
        default="",
        max_length=MAX_PHOTO_BYTES * 4 // 3 + 4,
        pattern=r"^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$",
    )


class RequestStage(_Answer):
    status: str
    at: str
    note_ar: str = ""
    note_en: str = ""


class RequestHistory(_Answer):
    """A request's stages, without a word of the citizen's details."""

    tracking: str
    service: str
    office_code: str
    status: str
    consignment: str = ""
    stages: list[RequestStage]


class OtpSend(_Message):
    national_id: str = Field(pattern=r"^[0-9]{14}$")
    mobile: str = Field(pattern=r"^\+20[0-9]{10}$")


class OtpChallenge(_Answer):
    challenge_id: str
    expires_at: str
    attempts: int


class OtpCheck(_Message):
    challenge_id: str = Field(min_length=8, max_length=64, pattern=VISIBLE)
    code: str = Field(pattern=r"^[0-9]{4,8}$")


class OtpLinked(_Answer):
    challenge_id: str
    linked_at: str


# ---- civil records ----------------------------------------------------------------------


class CivilQuery(_Message):
    """Whose record: in the body, so no national ID is written to an access log."""

    national_id: str = Field(pattern=r"^[0-9]{14}$")


class CivilRecord(_Answer):
    """A civil-registry record, for an extract printed at the window (personal data: the
    window keeps it only with the certificate's citizen record)."""

    kind: str  # birth, death, marriage, divorce
    national_id: str
    registry_number: str
    facts: list[list[str]]  # [label in Arabic, value], in print order
    source: str
    as_of: str
