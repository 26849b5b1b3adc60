"""Requests at HQ: from the window's journal to the citizen's door, one SMS per stage.

- A `request.captured` entry in a window's journal makes the request known (captured),
  with the digest of its personal details; the window then submits the details
  (`submit`), which HQ checks against that digest: submitted.
- The agencies move it on (`advance_due`, on their seeded schedule, or an operator's
  `advance`): accepted or rejected, in production, dispatched with the express-mail
  consignment number, delivered or ready for collection; a `request.collected` entry
  from a window closes it.
- Every stage is one row in `request_stages` (unique per request and status, so a stage
  is never recorded twice) and one SMS in the outbox (unique key, sent once).
- An accepted appeal cancels its fines (settled "by appeal"); a fine already paid becomes
  a refund instruction for the window that took the appeal.
- The window's statuses bundle (`requests`, per office) is bumped with every change.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from counter_app.domain.requests import FINAL, check_transition, status_name
from hq import schema as t
from hq.agencies.requests import Agencies, RequestView, Step
from hq.errors import HqError
from hq.versions import add_instruction, bump
from sync.protocol import (
    RequestHistory,
    RequestStage,
    RequestSubmission,
    b64d,
    request_digest,
    utc_now_text,
)

log = logging.getLogger(__name__)
BUNDLE_DAYS = 90  # a window's statuses bundle holds its office's requests this recent
SMS_ATTEMPTS = 10


def _now() -> datetime:
    return datetime.now(UTC)


def _text(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class RequestDesk:
    def __init__(self, engine: Engine, agencies: Agencies) -> None:
        self.engine = engine
        self.agencies = agencies

    # ---- from the journal ---------------------------------------------------------------

    def after_ingest(
        self, conn: Connection, workstation_id: str, entries: list[dict[str, Any]]
    ) -> None:
        for entry in entries:
            kind = entry["entry_type"]
            if kind == "request.captured":
                self._captured(conn, workstation_id, entry)
            elif kind == "request.collected":
                payload = json.loads(entry["payload"])
                row = self._row(conn, str(payload.get("tracking", "")))
                if row is not None and row.status == "ready_for_collection":
                    self._move(
                        conn,
                        row,
                        Step(
                            "collected",
                            f"استلمه صاحبه من الشباك {payload.get('window', '')}",
                            f"Collected at window {payload.get('window', '')}",
                        ),
                        _now(),
                    )

    def _captured(self, conn: Connection, workstation_id: str, entry: dict[str, Any]) -> None:
        payload = json.loads(entry["payload"])
        tracking = str(payload["tracking"])
        if self._row(conn, tracking) is not None:
            return  # a journal entry is ingested once; a second is a different window's bug
        office = conn.execute(
            select(t.workstations.c.office_code).where(t.workstations.c.id == workstation_id)
        ).scalar()
        now = _text(_now())
        conn.execute(
            insert(t.requests).values(
                tracking=tracking,
                workstation_id=workstation_id,
                office_code=str(office),
                service=str(payload["service"]),
                service_ar=str(payload.get("service_ar", "")),
                authority=str(payload.get("authority", "")),
                seq=int(entry["seq"]),
                payment_uuid=str(payload.get("payment", "")),
                details_digest=str(payload["details_digest"]),
                deliver=1 if payload.get("deliver") else 0,
                status="captured",
                consignment="",
                updated_at=now,
            )
        )
        self._stage(conn, tracking, "captured", entry.get("device_time", now), "", "")
        bump(conn, "requests", str(office))

    # ---- the window's submission ----------------------------------------------------------

    def submit(self, workstation_id: str, submission: RequestSubmission) -> RequestHistory:
        try:
            photo = b64d(submission.photo) if submission.photo else b""
        except ValueError as exc:  # binascii.Error is one
            raise HqError(
                "malformed", "الصورة ليست base64url.", "The photo is not base64url.", status=400
            ) from exc
        digest = request_digest(submission.details, photo)
        with self.engine.begin() as conn:
            row = self._row(conn, submission.tracking, for_update=True)
            if row is None or row.workstation_id != workstation_id:
                raise HqError(
                    "unknown_request",
                    "المركز لم يستلم قيد هذا الطلب بعد: زامن أولًا",
                    "HQ does not hold this request's journal entry yet: sync first",
                    status=409,
                )
            if digest != row.details_digest:
                raise HqError(
                    "digest_mismatch",
                    "بيانات الطلب لا تطابق ما سُجل في قيده",
                    "The request's details do not match its journal entry",
                    status=409,
                )
            if row.details is None:
                details = submission.details
                conn.execute(
                    update(t.requests)
                    .where(t.requests.c.tracking == row.tracking)
                    .values(
                        details=json.dumps(details, ensure_ascii=False),
                        photo=photo or None,
                        nid_last4=str(details.get("national_id", ""))[-4:],
                        mobile=str(details.get("mobile", "")),
                    )
                )
                row = self._row(conn, row.tracking)
                assert row is not None
                self._move(conn, row, Step("submitted"), _now())
        return self.history(submission.tracking)

    # ---- the agencies ---------------------------------------------------------------------

    def advance_due(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """Every request whose next stage is due moves one stage: [(tracking, status)]."""
        moment = now or _now()
        with self.engine.connect() as conn:
            due = list(
                conn.execute(
                    select(t.requests.c.tracking).where(
                        t.requests.c.next_step_at.is_not(None),
                        t.requests.c.next_step_at <= _text(moment),
                    )
                ).scalars()
            )
        moved = []
        for tracking in due:
            with self.engine.begin() as conn:
                row = self._row(conn, tracking, for_update=True)
                if row is None or row.next_step_at is None or row.next_step_at > _text(moment):
                    continue
                step = self.agencies.next_step(self._view(row))
                if step is None:
                    conn.execute(
                        update(t.requests)
                        .where(t.requests.c.tracking == tracking)
                        .values(next_step_at=None)
                    )
                    continue
                self._move(conn, row, step, moment)
                moved.append((tracking, step.status))
        return moved

    def advance(self, tracking: str, status: str = "") -> str:
        """An operator moves a request on: to `status`, or as its agency would next."""
        with self.engine.begin() as conn:
            row = self._row(conn, tracking, for_update=True)
            if row is None:
                raise HqError(
                    "unknown_request", "لا يوجد طلب بهذا الرقم", "No such request", status=404
                )
            if row.status == "captured":
                raise HqError(
                    "not_submitted",
                    "لم ترسل النافذة بيانات الطلب بعد",
                    "The window has not submitted the request's details yet",
                    status=409,
                )
            step = Step(status) if status else self.agencies.next_step(self._view(row))
            if step is None:
                raise HqError(
                    "final",
                    "الطلب في مرحلته الأخيرة",
                    "The request is at its last stage",
                    status=409,
                )
            try:
                check_transition(row.status, step.status)
            except ValueError as exc:
                raise HqError("status", str(exc), str(exc), status=409) from exc
            self._move(conn, row, step, _now())
            return step.status

    # ---- moving a request -----------------------------------------------------------------

    def _move(self, conn: Connection, row: Any, step: Step, moment: datetime) -> None:
        check_transition(row.status, step.status)
        following = step.next_in
        if following is None and step.status not in FINAL and step.status != "ready_for_collection":
            following = timedelta(hours=1)
        conn.execute(
            update(t.requests)
            .where(t.requests.c.tracking == row.tracking)
            .values(
                status=step.status,
                consignment=step.consignment or row.consignment,
                next_step_at=_text(moment + following) if following else None,
                updated_at=_text(_now()),
            )
        )
        self._stage(conn, row.tracking, step.status, _text(moment), step.note_ar, step.note_en)
        if row.mobile:
            self._sms(conn, row, step)
        if row.service == "fine_appeal" and step.status == "accepted":
            self._appeal_accepted(conn, row)
        bump(conn, "requests", row.office_code)

    def _stage(
        self, conn: Connection, tracking: str, status: str, at: str, note_ar: str, note_en: str
    ) -> None:
        conn.execute(
            insert(t.request_stages).values(
                tracking=tracking, status=status, at=at, note_ar=note_ar, note_en=note_en
            )
        )

    def _sms(self, conn: Connection, row: Any, step: Step) -> None:
        stage = status_name(step.status, "ar")
        text = f"البريد المصري: طلبكم رقم {row.tracking} ({row.service_ar}): {stage}."
        if step.consignment:
            text += f" رقم الشحنة {step.consignment}."
        if step.note_ar:
            text += f" {step.note_ar}."
        conn.execute(
            insert(t.sms_outbox).values(
                key=f"{row.tracking}:{step.status}",
                mobile=row.mobile,
                text=text,
                created_at=utc_now_text(),
                attempts=0,
            )
        )

    def _appeal_accepted(self, conn: Connection, row: Any) -> None:
        details = json.loads(row.details or "{}")
        for fine_id in details.get("fines", []):
            paid = conn.execute(
                select(t.fine_settlements).where(t.fine_settlements.c.fine_id == fine_id)
            ).first()
            if paid is None:
                conn.execute(
                    insert(t.fine_settlements).values(
                        fine_id=fine_id,
                        payment_uuid=f"appeal:{row.tracking}",
                        workstation_id=row.workstation_id,
                        amount_piastres=0,
                        via="appeal",
                        settled_at=utc_now_text(),
                    )
                )
            elif paid.via != "appeal":
                add_instruction(
                    conn,
                    row.workstation_id,
                    "appeal_refund",
                    f"قُبل التظلم رقم {row.tracking}: المخالفة {fine_id} كانت مسددة "
                    f"({paid.amount_piastres / 100:.2f} جنيه): يُرد المبلغ للمواطن.",
                    f"Appeal {row.tracking} was accepted: fine {fine_id} had been paid "
                    f"(EGP {paid.amount_piastres / 100:.2f}); the amount is due back to the "
                    "citizen.",
                )

    # ---- SMS ------------------------------------------------------------------------------

    def deliver_sms(self) -> int:
        """Send what waits in the outbox; a sent message is never sent again. Each attempt
        is claimed first, so two HQ processes never send the same message; a crash
        between sending and marking it sent repeats the message id, which the gateway
        drops (it is told our id)."""
        with self.engine.connect() as conn:
            waiting = list(
                conn.execute(
                    select(t.sms_outbox)
                    .where(t.sms_outbox.c.sent_at.is_(None), t.sms_outbox.c.attempts < SMS_ATTEMPTS)
                    .order_by(t.sms_outbox.c.id)
                )
            )
        sent = 0
        for message in waiting:
            # Claim this attempt: of several HQ processes, one sends it.
            with self.engine.begin() as conn:
                claimed = conn.execute(
                    update(t.sms_outbox)
                    .where(
                        t.sms_outbox.c.id == message.id,
                        t.sms_outbox.c.sent_at.is_(None),
                        t.sms_outbox.c.attempts == message.attempts,
                    )
                    .values(attempts=message.attempts + 1)
                ).rowcount
            if claimed != 1:
                continue
            try:
                self.agencies.sms.send(message.id, message.mobile, message.text)
            except Exception as exc:  # a gateway's failure: retried on the next pass
                log.warning("SMS %s not sent: %s", message.id, exc)
                with self.engine.begin() as conn:
                    conn.execute(
                        update(t.sms_outbox)
                        .where(t.sms_outbox.c.id == message.id)
                        .values(last_error=str(exc)[:200])
                    )
                continue
            with self.engine.begin() as conn:
                conn.execute(
                    update(t.sms_outbox)
                    .where(t.sms_outbox.c.id == message.id)
                    .values(sent_at=utc_now_text(), last_error=None)
                )
            sent += 1
        return sent

    # ---- reading --------------------------------------------------------------------------

    def history(self, tracking: str) -> RequestHistory:
        with self.engine.connect() as conn:
            row = self._row(conn, tracking)
            if row is None:
                raise HqError(
                    "unknown_request",
                    "لا يوجد طلب بهذا الرقم لدى المركز",
                    "HQ holds no request with that number",
                    status=404,
                )
            return RequestDesk._history(conn, row)

    def public_lookup(self, tracking: str, last4: str) -> RequestHistory | None:
        """The history when the last four digits of the national ID match, else None."""
        with self.engine.connect() as conn:
            row = self._row(conn, tracking)
            if row is None or not row.nid_last4 or row.nid_last4 != last4:
                return None
            return RequestDesk._history(conn, row)

    @staticmethod
    def _history(conn: Connection, row: Any) -> RequestHistory:
        stages = [
            RequestStage(status=s.status, at=s.at, note_ar=s.note_ar, note_en=s.note_en)
            for s in conn.execute(
                select(t.request_stages)
                .where(t.request_stages.c.tracking == row.tracking)
                .order_by(t.request_stages.c.id)
            )
        ]
        return RequestHistory(
            tracking=row.tracking,
            service=row.service,
            office_code=row.office_code,
            status=row.status,
            consignment=row.consignment,
            stages=stages,
        )

    def listing(self, status: str = "", office: str = "") -> list[Any]:
        query = select(t.requests).order_by(t.requests.c.updated_at.desc())
        if status:
            query = query.where(t.requests.c.status == status)
        if office:
            query = query.where(t.requests.c.office_code == office)
        with self.engine.connect() as conn:
            return list(conn.execute(query.limit(500)))

    @staticmethod
    def _view(row: Any) -> RequestView:
        details = json.loads(row.details or "{}")
        return RequestView(
            row.tracking,
            row.service,
            row.authority,
            row.status,
            bool(row.deliver),
            tuple(details.get("fines", [])),
        )

    @staticmethod
    def _row(conn: Connection, tracking: str, *, for_update: bool = False) -> Any:
        query = select(t.requests).where(t.requests.c.tracking == tracking)
        if for_update:
            query = query.with_for_update()
        return conn.execute(query).first()


def requests_bundle(conn: Connection, office_code: str) -> dict[str, Any]:
    """The statuses bundle of one office: its requests changed in the last 90 days."""
    since = _text(_now() - timedelta(days=BUNDLE_DAYS))
    rows = conn.execute(
        select(t.requests)
        .where(t.requests.c.office_code == office_code, t.requests.c.updated_at >= since)
        .order_by(t.requests.c.tracking)
    )
    return {"requests": [RequestDesk._history(conn, row).model_dump() for row in rows]}
