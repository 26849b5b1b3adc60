"""Enrolment of a window with HQ: a new key pair and a one-time code sent, what HQ
certifies checked; and, for a replacement PC, where its store's journal begins."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.domain.errors import InputError
from counter_app.domain.journal import GENESIS_HASH
from counter_app.store import Database
from counter_app.store.journal_repo import JOURNAL_BASE
from sync.client import HqClient, HqRefused, HqUnavailable, check_hq_url
from sync.protocol import (
    EnrollResponse,
    SignatureError,
    b64d,
    compact_certificate_body,
    enrol_request,
    load_public_key,
    public_key_text,
)


@dataclass(frozen=True)
class GrantedEnrolment:
    """HQ's answer to an enrolment code, verified, with the key pair it certifies."""

    hq_url: str
    key: Ed25519PrivateKey
    answer: EnrollResponse


def request_enrolment(
    hq_url: str, code: str, ca_bundle: str = "", journal_seq: int = 0
) -> GrantedEnrolment:
    """Send a new key pair and a one-time code to HQ; verify what HQ certifies.

    Needs no store and no configuration: a new window's configuration is written from
    the answer (office, names, window number). `journal_seq` is the last seq of the
    window's store, if it has one (a replacement PC must start empty).
    """
    try:
        url = check_hq_url(hq_url)
    except ValueError as exc:
        raise InputError("hq_url", "عنوان المركز الرئيسي غير صحيح", str(exc)) from exc
    key = Ed25519PrivateKey.generate()
    client = HqClient(url, ca_bundle=ca_bundle)
    try:
        answer = client.enroll(enrol_request(code, key, journal_seq))
    except HqRefused as exc:
        raise InputError("code", exc.message_ar, exc.message_en) from exc
    except HqUnavailable as exc:
        raise InputError(
            "hq_url", "تعذر الاتصال بالمركز الرئيسي", f"HQ could not be reached: {exc}"
        ) from exc
    finally:
        client.close()
    cert = answer.certificate
    try:
        cert.check(answer.hq_public_key)
    except SignatureError as exc:
        raise InputError(
            "certificate",
            "شهادة المحطة من المركز غير صحيحة",
            f"HQ's certificate for this window does not verify: {exc}",
        ) from exc
    compact = compact_certificate_body(
        cert.workstation_id, cert.public_key, answer.compact_expires_day
    )
    try:
        load_public_key(answer.hq_public_key).verify(b64d(answer.compact_signature), compact)
    except (InvalidSignature, ValueError) as exc:
        raise InputError(
            "certificate",
            "شهادة المحطة المختصرة من المركز غير صحيحة",
            "HQ's compact certificate for this window does not verify",
        ) from exc
    if cert.public_key != public_key_text(key):
        raise InputError(
            "certificate", "الشهادة لا تخص هذا الشباك", "HQ certified another key than ours"
        )
    return GrantedEnrolment(url, key, answer)


def store_head(database: Path) -> int:
    """The last seq of the journal in the store at `database`; 0 when there is none yet."""
    if not database.exists():
        return 0
    db = Database(database, readonly=True)
    db.open("")
    try:
        with db.read() as tx:
            return tx.journal.head()[0]
    finally:
        db.close()


def begin_store(database: Path, granted: GrantedEnrolment) -> None:
    """Before a new window's store holds anything: where its journal begins. For a
    replacement PC, after the last entry HQ held from the PC it replaces."""
    answer = granted.answer
    if not answer.chain_seq:
        return
    db = Database(database)
    db.open(answer.certificate.workstation_id)
    try:
        with db.write() as tx:
            if tx.journal.head() != (0, GENESIS_HASH):
                raise InputError(
                    "enrolment",
                    "جهاز بديل يبدأ بقاعدة بيانات فارغة",
                    "A replacement PC must start with an empty store",
                )
            tx.set_fact(JOURNAL_BASE, f"{answer.chain_seq}:{answer.chain_hash}")
    finally:
        db.close()
