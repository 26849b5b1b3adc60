"""What HQ does, without HTTP: enrol windows, take their journals, sign what it sends down.

HQ never edits a branch's record. A pushed entry is stored once; the same entry again is
a no-op; a different entry under a known sequence number, or a chain that does not
continue, is refused and recorded as a tamper alarm, in its own transaction so the
alarm survives the refusal.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from counter_app.domain.journal import GENESIS_HASH, compute_hash, workstation_name
from hq import schema as t
from hq.bulk import write_entries
from hq.bundles import bundle_content
from hq.catalogue import seed_default
from hq.checks import check_office, check_public_key, check_window
from hq.errors import HqError
from hq.evidence import Alarm, check_head, heartbeat_alarms, record_alarm, window_reports
from hq.versions import add_instruction, bump
from sync.protocol import (
    CERTIFICATE_LIFETIME_DAYS,
    WIRE_FIELDS,
    Bundle,
    EnrollRequest,
    EnrollResponse,
    JournalHead,
    PushBatch,
    SignedHead,
    WorkstationCertificate,
    b64e,
    compact_certificate_body,
    day_number,
    public_key_text,
    utc_now_text,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CERTIFICATE_LIFETIME = timedelta(days=CERTIFICATE_LIFETIME_DAYS)


@dataclass(frozen=True)
class Workstation:
    id: str
    office_code: str
    window: int
    public_key: str
    revoked: bool


def _hash_secret(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _entry_hash(entry: dict[str, Any]) -> str:
    """The journal hash of an entry, over exactly the fields the workstation hashed."""
    return compute_hash({name: entry[name] for name in _HASHED_FIELDS})


_INTS = frozenset({"seq", "monotonic_ns"})
_HASHED_FIELDS = (*[f for f in WIRE_FIELDS if f != "hash"], "workstation_id", "prev_hash")


def _normalise_code(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


class HqService:
    def __init__(self, engine: Engine, key: Ed25519PrivateKey) -> None:
        self.engine = engine
        self.key = key
        self.public_key = public_key_text(key)
        self._hasher = PasswordHasher()
        # Settles what the entries paid for (hq.settlement), in the ingest's transaction.
        self.after_ingest: Callable[[Connection, str, list[dict[str, Any]]], None] | None = None

    # ---- administration -----------------------------------------------------------------

    def add_office(self, code: str, name: str, governorate: str, name_ar: str = "") -> None:
        check_office(code, name, name_ar, governorate)
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.offices).values(
                    code=code,
                    name=name,
                    name_ar=name_ar,
                    governorate=governorate,
                    created_at=utc_now_text(),
                )
            )

    def make_enroll_code(self, office: str, window: int, *, valid_for: timedelta) -> str:
        check_window(window)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        expires = datetime.now(UTC) + valid_for
        with self.engine.begin() as conn:
            self._office(conn, office)
            conn.execute(
                insert(t.enroll_codes).values(
                    code_hash=_hash_secret(code),
                    office_code=office,
                    window=window,
                    expires_at=expires.isoformat(timespec="seconds"),
                )
            )
        return f"{code[:5]}-{code[5:]}"

    def add_user(self, username: str, role: str, office: str, display_name: str, pin: str) -> None:
        with self.engine.begin() as conn:
            self._office(conn, office)
            conn.execute(
                insert(t.users).values(
                    username=username,
                    office_code=office,
                    display_name=display_name,
                    role=role,
                    pin_hash=self._hasher.hash(pin),
                    active=1,
                )
            )
            bump(conn, "users", office)

    def seed_catalogue(self) -> None:
        seed_default(self.engine)

    def revoke_workstation(self, workstation_id: str) -> None:
        now = utc_now_text()
        with self.engine.begin() as conn:
            ws = self._workstation_row(conn, workstation_id)
            conn.execute(
                update(t.workstations)
                .where(t.workstations.c.id == workstation_id)
                .values(revoked_at=now)
            )
            conn.execute(
                insert(t.revoked_keys).values(
                    public_key=ws.public_key, workstation_id=workstation_id, revoked_at=now
                )
            )
            bump(conn, "trust", "all")

    def add_instruction(self, workstation_id: str, kind: str, text_ar: str, text_en: str) -> None:
        with self.engine.begin() as conn:
            add_instruction(conn, workstation_id, kind, text_ar, text_en)

    def tamper_alarms(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.tamper_alarms).order_by(t.tamper_alarms.c.id))
            return [dict(row._mapping) for row in rows]

    # ---- enrolment and authentication ----------------------------------------------------

    def enroll(self, request: EnrollRequest) -> EnrollResponse:
        check_public_key(request.public_key)
        code_hash = _hash_secret(_normalise_code(request.code))
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
            if row.used_at is not None:
                raise HqError(
                    "used_code",
                    "رمز التسجيل استُخدم من قبل.",
                    "This enrolment code has already been used.",
                    status=403,
                )
            if datetime.fromisoformat(row.expires_at) < now:
                raise HqError(
                    "expired_code",
                    "انتهت صلاحية رمز التسجيل؛ اطلب رمزًا جديدًا.",
                    "This enrolment code has expired; ask for a new one.",
                    status=403,
                )
            revoked = conn.execute(
                select(t.revoked_keys.c.workstation_id).where(
                    t.revoked_keys.c.public_key == request.public_key
                )
            ).first()
            if revoked is not None:
                raise HqError(
                    "revoked_key",
                    "مفتاح هذه المحطة أُلغي.",
                    "This workstation key has been revoked.",
                    status=403,
                )
            in_use = conn.execute(
                select(t.workstations.c.id).where(t.workstations.c.public_key == request.public_key)
            ).first()
            if in_use is not None:
                raise HqError(
                    "key_in_use",
                    "هذا المفتاح العام لمحطة أخرى مسجلة؛ لم يُستخدم الرمز.",
                    "This public key belongs to another enrolled workstation; the code "
                    "is still unused.",
                    status=409,
                )
            workstation_id = workstation_name(row.office_code, row.window)
            if self._find_workstation(conn, workstation_id) is not None:
                raise HqError(
                    "window_enrolled",
                    f"الشباك {workstation_id} مسجل بالفعل؛ ألغِ تسجيله أولًا.",
                    f"Window {workstation_id} is already enrolled; revoke it first.",
                    status=409,
                )
            office = self._office(conn, row.office_code)
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
            conn.execute(
                update(t.enroll_codes)
                .where(t.enroll_codes.c.code_hash == code_hash)
                .values(used_at=now.isoformat(timespec="seconds"))
            )
            conn.execute(
                insert(t.workstations).values(
                    id=workstation_id,
                    office_code=row.office_code,
                    window=row.window,
                    public_key=request.public_key,
                    token_hash=_hash_secret(token),
                    cert_serial=cert.serial,
                    enrolled_at=utc_now_text(),
                    acked_seq=0,
                    acked_hash=GENESIS_HASH,
                )
            )
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
        )

    def authenticate(self, token: str) -> Workstation:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.workstations).where(t.workstations.c.token_hash == _hash_secret(token))
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

    # ---- journal ---------------------------------------------------------------------------

    def head(self, workstation_id: str, contact: dict[str, object] | None = None) -> JournalHead:
        """What HQ holds of the window's chain; with `contact`, the columns a sync's first
        call sets (hq/window_status.py), written by the same statement."""
        if contact:
            with self.engine.begin() as conn:
                row = conn.execute(
                    update(t.workstations)
                    .where(t.workstations.c.id == workstation_id)
                    .values(**contact)
                    .returning(t.workstations.c.acked_seq, t.workstations.c.acked_hash)
                ).first()
        else:
            with self.engine.connect() as conn:
                row = self._workstation_row(conn, workstation_id)
        if row is None:
            self._unknown(workstation_id)
        return JournalHead(
            workstation_id=workstation_id, acked_seq=row.acked_seq, acked_hash=row.acked_hash
        )

    def ingest(self, ws: Workstation, batch: PushBatch) -> JournalHead:
        if batch.workstation_id != ws.id:
            raise HqError(  # a token opens its own window's journal, no other
                "other_workstation",
                "الدفعة تخص محطة أخرى.",
                "The batch is for another workstation.",
                status=403,
            )
        for attempt in range(5):
            # Each try from clean entries: a try marks them (prev_hash, received_at).
            entries = [self._entry_from_row(ws.id, row) for row in batch.rows]
            try:
                return self._ingest_once(ws, batch.prev_hash, entries, batch.head)
            except IntegrityError:
                # A concurrent push of the same entries won the race: look again.
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def _ingest_once(
        self,
        ws: Workstation,
        prev_hash: str,
        entries: list[dict[str, Any]],
        head: SignedHead | None = None,
    ) -> JournalHead:
        alarm: Alarm | None = None
        # The head the window reported: its entries waiting, for the dashboard.
        marks = {"reported_head_seq": head.seq} if head is not None else {}
        with self.engine.begin() as conn:
            row = conn.execute(
                select(t.workstations).where(t.workstations.c.id == ws.id).with_for_update()
            ).one()
            held_seq, held_hash = int(row.acked_seq), str(row.acked_hash)
            known = [e for e in entries if e["seq"] <= held_seq]
            fresh = [e for e in entries if e["seq"] > held_seq]
            if known:
                alarm = self._compare_known(conn, ws.id, prev_hash, known)
            if alarm is None and fresh:
                if fresh[0]["seq"] != held_seq + 1:
                    raise HqError(
                        "gap",
                        f"المركز لديه القيود حتى {held_seq}.",
                        f"HQ holds entries up to {held_seq}; send from {held_seq + 1}.",
                        status=409,
                        acked_seq=held_seq,
                    )
                alarm = self._chain(fresh, held_hash)
                if alarm is None:
                    received_at = utc_now_text()
                    for entry in fresh:
                        entry["received_at"] = received_at
                    write_entries(conn, fresh)
                    for reported in window_reports(fresh):
                        record_alarm(conn, ws.id, reported)
                    for forged in heartbeat_alarms(conn, ws.id, ws.public_key, fresh):
                        record_alarm(conn, ws.id, forged)
                    if self.after_ingest is not None:
                        self.after_ingest(conn, ws.id, fresh)
                    held_seq, held_hash = fresh[-1]["seq"], fresh[-1]["hash"]
                    conn.execute(
                        update(t.workstations)
                        .where(t.workstations.c.id == ws.id)
                        .values(acked_seq=held_seq, acked_hash=held_hash, **marks)
                    )
                    marks = {}
            if alarm is None and head is not None:
                alarm = check_head(conn, ws.id, ws.public_key, head, held_seq)
            if alarm is None and marks:
                conn.execute(
                    update(t.workstations).where(t.workstations.c.id == ws.id).values(**marks)
                )
        if alarm is not None:
            with self.engine.begin() as conn:
                record_alarm(conn, ws.id, alarm)
            raise HqError(
                "tamper",
                "القيود المرسلة لا تطابق سلسلة المحطة؛ سُجل إنذار تلاعب في المركز الرئيسي.",
                alarm[2],
                status=409,
                acked_seq=held_seq,
            )
        return JournalHead(workstation_id=ws.id, acked_seq=held_seq, acked_hash=held_hash)

    def _compare_known(
        self, conn: Connection, ws_id: str, prev_hash: str, known: list[dict[str, Any]]
    ) -> tuple[int | None, str, str] | None:
        stored = {
            r.seq: r
            for r in conn.execute(
                select(t.journal_entries).where(
                    t.journal_entries.c.workstation_id == ws_id,
                    t.journal_entries.c.seq.between(known[0]["seq"], known[-1]["seq"]),
                )
            )
        }
        for entry in known:
            original = stored.get(entry["seq"])
            if original is None:
                continue
            entry["prev_hash"] = original.prev_hash
            if _entry_hash(entry) != original.hash or entry["hash"] != original.hash:
                return (
                    entry["seq"],
                    "different_entry",
                    f"entry {entry['seq']} differs from the one HQ already holds",
                )
        return None

    @staticmethod
    def _chain(fresh: list[dict[str, Any]], held_hash: str) -> tuple[int | None, str, str] | None:
        prev = held_hash
        expected = fresh[0]["seq"]
        for entry in fresh:
            if entry["seq"] != expected:
                return (entry["seq"], "broken_chain", f"entry {expected} is missing from the batch")
            entry["prev_hash"] = prev
            if _entry_hash(entry) != entry["hash"]:
                return (
                    entry["seq"],
                    "broken_chain",
                    f"entry {entry['seq']} does not continue the chain HQ holds",
                )
            prev = entry["hash"]
            expected += 1
        return None

    @staticmethod
    def _entry_from_row(ws_id: str, row: list[Any]) -> dict[str, Any]:
        if len(row) != len(WIRE_FIELDS):
            raise HqError(
                "malformed",
                "قيد بعدد حقول غير صحيح.",
                "An entry has the wrong number of fields.",
                status=400,
            )
        entry = dict(zip(WIRE_FIELDS, row, strict=True))
        for name in WIRE_FIELDS:
            value = entry[name]
            # Exact types (a JSON true is not a number): one comparison a field.
            ok = (
                type(value) is int and 0 <= value < 2**63
                if name in _INTS
                else type(value) is str and "\x00" not in value  # PostgreSQL's text holds no NUL
            )
            if not ok and name in _INTS and type(value) is float and value.is_integer():
                # JSON's 7.0 is the integer 7 (JSON Schema agrees): hashed as 7, as the
                # window hashed it.
                entry[name] = value = int(value)
                ok = 0 <= value < 2**63
            if not ok:
                raise HqError(
                    "malformed",
                    f"الحقل {name} من نوع غير صحيح.",
                    f"Field {name} has the wrong type.",
                    status=400,
                )
        entry["workstation_id"] = ws_id
        return entry

    # ---- bundles ---------------------------------------------------------------------------

    def bundle(self, ws: Workstation, kind: str) -> Bundle:
        with self.engine.connect() as conn:
            content = bundle_content(conn, kind, ws.id, ws.office_code, self.public_key)
        return content.signed_by(self.key)

    def trust_list(self) -> Bundle:
        """The signed trust bundle (HQ's key, the revoked workstations) for anyone: the
        public verification page reads it."""
        with self.engine.connect() as conn:
            content = bundle_content(conn, "trust", "", "", self.public_key)
        return content.signed_by(self.key)

    # ---- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _office(conn: Connection, code: str) -> Any:
        row = conn.execute(select(t.offices).where(t.offices.c.code == code)).first()
        if row is None:
            raise HqError(
                "unknown_office",
                f"المكتب {code} غير مسجل.",
                f"Office {code} is not registered.",
                status=404,
            )
        return row

    @staticmethod
    def _find_workstation(conn: Connection, workstation_id: str) -> Any:
        return conn.execute(
            select(t.workstations).where(t.workstations.c.id == workstation_id)
        ).first()

    def _workstation_row(self, conn: Connection, workstation_id: str) -> Any:
        row = self._find_workstation(conn, workstation_id)
        if row is None:
            self._unknown(workstation_id)
        return row

    @staticmethod
    def _unknown(workstation_id: str) -> NoReturn:
        raise HqError(
            "unknown_workstation",
            "المحطة غير معروفة.",
            f"Workstation {workstation_id} is unknown.",
            status=404,
        )
