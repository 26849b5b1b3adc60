"""Payments and what they paid for, the fines-inquiry cache, citizen records, certificates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from counter_app.store.schema import (
    certificates,
    citizen_records,
    fine_inquiries,
    payment_fines,
    payments,
)


@dataclass(frozen=True)
class PaymentRow:
    id: int
    uuid: str
    business_day: str
    clerk: str
    ticket_number: int | None
    ticket: str
    total: int
    cash_tendered: int
    change: int
    lines: list[dict[str, Any]]
    tenders: list[dict[str, Any]]
    provisional: bool
    receipt_number: int
    receipt_job: int | None
    status: str
    seq: int
    void_seq: int | None


def _payment(row: Any) -> PaymentRow:
    values = dict(row._mapping)
    values["lines"] = json.loads(values["lines"])
    values["tenders"] = json.loads(values["tenders"])
    values["provisional"] = bool(values["provisional"])
    return PaymentRow(**values)


class PaymentRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, **values: Any) -> int:
        values["lines"] = json.dumps(values["lines"], ensure_ascii=False)
        values["tenders"] = json.dumps(values["tenders"], ensure_ascii=False)
        values["provisional"] = int(values["provisional"])
        key = self._conn.execute(insert(payments).values(**values)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def set_receipt_job(self, payment_id: int, job_id: int) -> None:
        self._conn.execute(
            update(payments).where(payments.c.id == payment_id).values(receipt_job=job_id)
        )

    def by_uuid(self, uuid: str) -> PaymentRow | None:
        row = self._conn.execute(select(payments).where(payments.c.uuid == uuid)).first()
        return None if row is None else _payment(row)

    def get(self, payment_id: int) -> PaymentRow | None:
        row = self._conn.execute(select(payments).where(payments.c.id == payment_id)).first()
        return None if row is None else _payment(row)

    def by_receipt(self, number: int) -> PaymentRow | None:
        row = self._conn.execute(
            select(payments).where(payments.c.receipt_number == number)
        ).first()
        return None if row is None else _payment(row)

    def on_day(self, business_day: str) -> list[PaymentRow]:
        rows = self._conn.execute(
            select(payments).where(payments.c.business_day == business_day).order_by(payments.c.id)
        )
        return [_payment(row) for row in rows]

    def unsynced_figures(self, acked_seq: int) -> tuple[int, int]:
        """Cash (piastres) of standing payments, and certificates, HQ does not hold yet."""
        cash = 0
        for (tenders,) in self._conn.execute(
            select(payments.c.tenders).where(
                payments.c.seq > acked_seq, payments.c.status == "paid"
            )
        ):
            cash += sum(int(t["amount"]) for t in json.loads(tenders) if t["kind"] == "cash")
        count = self._conn.execute(
            select(func.count()).select_from(certificates).where(certificates.c.seq > acked_seq)
        ).scalar_one()
        return cash, int(count)

    def mark_voided(self, payment_id: int, seq: int) -> None:
        self._conn.execute(
            update(payments)
            .where(payments.c.id == payment_id)
            .values(status="voided", void_seq=seq)
        )

    # ---- the fines a payment paid ------------------------------------------------------

    def add_fine(self, payment_id: int, fine_id: str, amount: int, status: str, seq: int) -> None:
        self._conn.execute(
            insert(payment_fines).values(
                payment_id=payment_id, fine_id=fine_id, amount=amount, status=status, last_seq=seq
            )
        )

    def set_fine_status(self, payment_id: int, fine_id: str, status: str, seq: int) -> None:
        self._conn.execute(
            update(payment_fines)
            .where(payment_fines.c.payment_id == payment_id, payment_fines.c.fine_id == fine_id)
            .values(status=status, last_seq=seq)
        )

    def fines_of(self, payment_id: int) -> dict[str, tuple[int, str]]:
        rows = self._conn.execute(
            select(payment_fines.c.fine_id, payment_fines.c.amount, payment_fines.c.status).where(
                payment_fines.c.payment_id == payment_id
            )
        )
        return {r.fine_id: (r.amount, r.status) for r in rows}

    def fines_paid_here(self, fine_ids: list[str]) -> set[str]:
        """Of these fines, those a live payment at this window already covers."""
        rows = self._conn.execute(
            select(payment_fines.c.fine_id)
            .join(payments, payments.c.id == payment_fines.c.payment_id)
            .where(payment_fines.c.fine_id.in_(fine_ids), payments.c.status == "paid")
        )
        return set(rows.scalars())

    def provisional_fines(self) -> list[tuple[int, str, str]]:
        """(payment id, payment uuid, fine id) still waiting for HQ to settle them."""
        rows = self._conn.execute(
            select(payments.c.id, payments.c.uuid, payment_fines.c.fine_id)
            .join(payments, payments.c.id == payment_fines.c.payment_id)
            .where(payment_fines.c.status == "provisional", payments.c.status == "paid")
        )
        return [(r[0], r[1], r[2]) for r in rows]

    # ---- the fines-inquiry cache (purgeable) ------------------------------------------

    def cache_inquiry(self, query_digest: str, asked_at: str, answer: str) -> None:
        self._conn.execute(
            insert(fine_inquiries).values(
                query_digest=query_digest, asked_at=asked_at, answer=answer
            )
        )
        # Only the newest answer per person is worth keeping.
        newest = select(func.max(fine_inquiries.c.id)).where(
            fine_inquiries.c.query_digest == query_digest
        )
        self._conn.execute(
            delete(fine_inquiries).where(
                fine_inquiries.c.query_digest == query_digest,
                fine_inquiries.c.id != newest.scalar_subquery(),
            )
        )

    def cached_inquiry(self, query_digest: str) -> tuple[str, str] | None:
        row = self._conn.execute(
            select(fine_inquiries.c.asked_at, fine_inquiries.c.answer)
            .where(fine_inquiries.c.query_digest == query_digest)
            .order_by(fine_inquiries.c.id.desc())
            .limit(1)
        ).first()
        return None if row is None else (row.asked_at, row.answer)

    # ---- citizen records and certificates ----------------------------------------------

    def add_citizen(self, **values: Any) -> int:
        key = self._conn.execute(insert(citizen_records).values(**values)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def citizen(self, citizen_id: int) -> dict[str, Any] | None:
        row = self._conn.execute(
            select(citizen_records).where(citizen_records.c.id == citizen_id)
        ).first()
        return None if row is None else dict(row._mapping)

    def purge_citizens(self, before_day: str, up_to_seq: int) -> int:
        """Forget citizen data older than the retention and already held by HQ."""
        inquiries = self._conn.execute(
            delete(fine_inquiries).where(fine_inquiries.c.asked_at < before_day)
        ).rowcount
        records = self._conn.execute(
            update(citizen_records)
            .where(
                citizen_records.c.business_day < before_day,
                citizen_records.c.created_seq <= up_to_seq,
                citizen_records.c.national_id != "",
            )
            .values(name="", national_id="", plate="", licence="", record="")
        ).rowcount
        return int(inquiries or 0) + int(records or 0)

    def add_certificate(self, **values: Any) -> int:
        key = self._conn.execute(insert(certificates).values(**values)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def next_certificate_number(self) -> int:
        return int(self._conn.execute(select(func.max(certificates.c.number))).scalar() or 0) + 1

    def certificates_of(self, payment_id: int) -> list[dict[str, Any]]:
        rows = self._conn.execute(
            select(certificates).where(certificates.c.payment_id == payment_id)
        )
        return [dict(row._mapping) for row in rows]

    def certificate_by_number(self, number: int) -> dict[str, Any] | None:
        row = self._conn.execute(
            select(certificates).where(certificates.c.number == number)
        ).first()
        return None if row is None else dict(row._mapping)

    def last_certificate_number(self) -> int:
        return int(self._conn.execute(select(func.max(certificates.c.number))).scalar() or 0)

    def certificate_by_job(self, job_id: int) -> dict[str, Any] | None:
        row = self._conn.execute(
            select(certificates).where(certificates.c.job_id == job_id)
        ).first()
        return None if row is None else dict(row._mapping)
