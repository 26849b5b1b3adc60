"""Enrolment: a window's one-time code and public key become a workstation, its token
and HQ's certificate; every later call is authenticated by that token."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, insert, select, update

from counter_app.domain.journal import GENESIS_HASH, workstation_name
from hq import schema as t
from hq.checks import check_public_key
from hq.errors import HqError
from hq.records import Workstation, hash_secret, office_row
from sync.protocol import (
    CERTIFICATE_LIFETIME_DAYS,
    EnrollRequest,
    EnrollResponse,
    WorkstationCertificate,
    b64e,
    compact_certificate_body,
    day_number,
    normalise_code,
    proves_key,
    utc_now_text,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CERTIFICATE_LIFETIME = timedelta(days=CERTIFICATE_LIFETIME_DAYS)

# A replacement PC has signed no head yet (hq/ingest.py keeps the last one it signs).
_UNSIGNED = {"signed_head_seq": None, "signed_head_hash": None, "signed_head_signature": None}


def _answer_lost(conn: Connection, code: Any, request: EnrollRequest, normalised: str) -> str:
    """The workstation this used code enrolled, when `request` is its own key proving
    itself (a repeat of a request whose answer was lost); otherwise refused as used."""
    ws = conn.execute(
        select(t.workstations).where(t.workstations.c.public_key == request.public_key)
    ).first()
    if (
        ws is not None
        and ws.revoked_at is None
        and (ws.office_code, ws.window) == (code.office_code, code.window)
        and proves_key(request, normalised)
    ):
        return str(ws.id)
    raise HqError(
        "used_code",
        "رمز التسجيل استُخدم من قبل.",
        "This enrolment code has already been used.",
        status=403,
    )


def _check_new(
    conn: Connection, request: EnrollRequest, workstation_id: str
) -> tuple[int, str] | None:
    """A first enrolment for a key never revoked nor in use. None for a window never
    enrolled; for a window whose workstation HQ has revoked, the head of the window's
    journal that the replacement PC's chain continues from (its store must be empty)."""
    public_key = request.public_key
    revoked = conn.execute(
        select(t.revoked_keys.c.workstation_id).where(t.revoked_keys.c.public_key == public_key)
    ).first()
    if revoked is not None:
        raise HqError(
            "revoked_key",
            "مفتاح هذه المحطة أُلغي.",
            "This workstation key has been revoked.",
            status=403,
        )
    in_use = conn.execute(
        select(t.workstations.c.id).where(t.workstations.c.public_key == public_key)
    ).first()
    if in_use is not None:
        raise HqError(
            "key_in_use",
            "هذا المفتاح العام لمحطة أخرى مسجلة؛ لم يُستخدم الرمز.",
            "This public key belongs to another enrolled workstation; the code is still unused.",
            status=409,
        )
    old = conn.execute(
        select(t.workstations).where(t.workstations.c.id == workstation_id).with_for_update()
    ).first()
    if old is None:
        return None
    if old.revoked_at is None:
        raise HqError(
            "window_enrolled",
            f"الشباك {workstation_id} مسجل بالفعل؛ ألغِ تسجيله أولًا.",
            f"Window {workstation_id} is already enrolled; revoke it first.",
            status=409,
        )
    if request.journal_seq:
        raise HqError(
            "store_not_empty",
            f"جهاز بديل للشباك {workstation_id} يبدأ بقاعدة بيانات فارغة؛ لم يُستخدم الرمز.",
            f"A replacement PC for window {workstation_id} must start with an empty store "
            f"(this one holds {request.journal_seq} entries); the code is still unused.",
            status=409,
        )
    return int(old.acked_seq), str(old.acked_hash)


def _spend(conn: Connection, code_hash: str, now: datetime) -> None:
    conn.execute(
        update(t.enroll_codes)
        .where(t.enroll_codes.c.code_hash == code_hash)
        .values(used_at=now.isoformat(timespec="seconds"))
    )


class Enrolment:
    engine: Engine
    key: Ed25519PrivateKey
    public_key: str

    def enroll(self, request: EnrollRequest) -> EnrollResponse:
        """A new workstation for the code's window; or, when the code was used by this very
        key and the request proves it holds the private key, the same workstation with a
        new token (the first answer was lost on the way: the window sends again)."""
        check_public_key(request.public_key)
        code = normalise_code(request.code)
        code_hash = hash_secret(code)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            row = conn.execute(
                select(t.enroll_codes)
                .where(t.enroll_codes.c.code_hash == code_hash)
                .with_for_update()
            ).first()
            if row is None:
                raise HqError(
                    "bad_code",
                    "رمز التسجيل غير معروف.",
                    "This enrolment code is not known.",
                    status=403,
                )
            again = None if row.used_at is None else _answer_lost(conn, row, request, code)
            if datetime.fromisoformat(row.expires_at) < now:
                raise HqError(
                    "expired_code",
                    "انتهت صلاحية رمز التسجيل؛ اطلب رمزًا جديدًا.",
                    "This enrolment code has expired; ask for a new one.",
                    status=403,
                )
            workstation_id = workstation_name(row.office_code, row.window)
            replaces = None if again is not None else _check_new(conn, request, workstation_id)
            office = office_row(conn, row.office_code)
            token = secrets.token_urlsafe(32)
            cert = WorkstationCertificate(
                serial=uuid.uuid4().hex[:16],
                workstation_id=workstation_id,
                office_code=row.office_code,
                window=row.window,
                public_key=request.public_key,
                not_before=(now - timedelta(minutes=10)).isoformat(timespec="seconds"),
                not_after=(now + CERTIFICATE_LIFETIME).isoformat(timespec="seconds"),
            ).signed_by(self.key)
            granted = {"token_hash": hash_secret(token), "cert_serial": cert.serial}
            if again is not None:  # the lost answer's token never reached anyone: replaced
                conn.execute(
                    update(t.workstations).where(t.workstations.c.id == again).values(granted)
                )
            else:
                _spend(conn, code_hash, now)
                base = replaces or (0, GENESIS_HASH)
                enrolled = {"public_key": request.public_key, "enrolled_at": utc_now_text()}
                if replaces is None:
                    conn.execute(
                        insert(t.workstations).values(
                            id=workstation_id,
                            office_code=row.office_code,
                            window=row.window,
                            acked_seq=0,
                            acked_hash=GENESIS_HASH,
                            **granted,
                            **enrolled,
                        )
                    )
                else:  # a replacement PC: the same window, its journal continuing
                    conn.execute(
                        update(t.workstations)
                        .where(t.workstations.c.id == workstation_id)
                        # The old PC's signed head is not this PC's to vouch for.
                        .values(revoked_at=None, **_UNSIGNED, **granted, **enrolled)
                    )
                conn.execute(
                    insert(t.workstation_keys).values(
                        workstation_id=workstation_id,
                        first_seq=base[0] + 1,
                        prev_hash=base[1],
                        **enrolled,
                    )
                )
            chain = conn.execute(
                select(t.workstation_keys.c.first_seq, t.workstation_keys.c.prev_hash).where(
                    t.workstation_keys.c.public_key == request.public_key
                )
            ).one()
        expires_day = day_number(now + CERTIFICATE_LIFETIME)
        compact = compact_certificate_body(workstation_id, request.public_key, expires_day)
        return EnrollResponse(
            compact_signature=b64e(self.key.sign(compact)),
            compact_expires_day=expires_day,
            workstation_id=workstation_id,
            token=token,
            certificate=cert,
            hq_public_key=self.public_key,
            office_name=office.name,
            office_name_ar=office.name_ar or office.name,
            chain_seq=int(chain.first_seq) - 1,
            chain_hash=str(chain.prev_hash),
        )

    def authenticate(self, token: str) -> Workstation:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.workstations).where(t.workstations.c.token_hash == hash_secret(token))
            ).first()
        if row is None:
            raise HqError(
                "bad_token",
                "هذه المحطة غير مسجلة.",
                "This workstation is not enrolled.",
                status=401,
            )
        if row.revoked_at is not None:
            raise HqError(
                "revoked",
                "ألغى المركز الرئيسي تسجيل هذه المحطة.",
                "This workstation has been revoked by HQ.",
                status=403,
            )
        return Workstation(row.id, row.office_code, row.window, row.public_key, False)
