"""Shifts (float, close record), cash paid in and out, and the business day's close."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from counter_app.store.schema import cash_movements, day_closes, journal_entries, payments, shifts


@dataclass(frozen=True)
class ShiftRow:
    id: int
    clerk: str
    business_day: str
    opened_seq: int
    closed_seq: int | None
    float_piastres: int
    float_count: dict[str, int]
    close_record: dict[str, Any] | None


@dataclass(frozen=True)
class DayCloseRow:
    business_day: str
    status: str  # closing, failed, closed, confirmed
    step: str
    reason_ar: str
    reason_en: str
    closed_seq: int | None
    last_seq: int | None
    backup: str
    updated_at: str


def _shift(row: Any) -> ShiftRow:
    values = dict(row._mapping)
    values["float_count"] = json.loads(values["float_count"] or "{}")
    values["close_record"] = json.loads(values["close_record"]) if values["close_record"] else None
    return ShiftRow(**values)


class ShiftRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def open_shift_id(self, clerk: str) -> int | None:
        row = self._conn.execute(
            select(shifts.c.id).where(shifts.c.clerk == clerk, shifts.c.closed_seq.is_(None))
        ).first()
        return None if row is None else int(row[0])

    def open(
        self,
        clerk: str,
        business_day: str,
        seq: int,
        float_piastres: int = 0,
        float_count: dict[str, int] | None = None,
    ) -> int:
        result = self._conn.execute(
            insert(shifts).values(
                clerk=clerk,
                business_day=business_day,
                opened_seq=seq,
                float_piastres=float_piastres,
                float_count=json.dumps(float_count or {}),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def close(self, shift_id: int, seq: int, record: dict[str, Any] | None = None) -> None:
        self._conn.execute(
            update(shifts)
            .where(shifts.c.id == shift_id)
            .values(closed_seq=seq, close_record=json.dumps(record) if record else None)
        )

    def get(self, shift_id: int) -> ShiftRow | None:
        row = self._conn.execute(select(shifts).where(shifts.c.id == shift_id)).first()
        return None if row is None else _shift(row)

    def open_shifts(self) -> list[ShiftRow]:
        rows = self._conn.execute(select(shifts).where(shifts.c.closed_seq.is_(None)))
        return [_shift(r) for r in rows]

    def last_closed(self) -> ShiftRow | None:
        """The drawer's previous close (this window has one drawer)."""
        row = self._conn.execute(
            select(shifts)
            .where(shifts.c.closed_seq.is_not(None), shifts.c.close_record.is_not(None))
            .order_by(shifts.c.closed_seq.desc())
            .limit(1)
        ).first()
        return None if row is None else _shift(row)

    def on_day(self, business_day: str) -> list[ShiftRow]:
        rows = self._conn.execute(
            select(shifts).where(shifts.c.business_day == business_day).order_by(shifts.c.id)
        )
        return [_shift(r) for r in rows]

    # ---- cash paid in and out ----------------------------------------------------------

    def add_movement(
        self, shift_id: int, amount: int, reason: str, note: str, clerk: str, seq: int
    ) -> None:
        self._conn.execute(
            insert(cash_movements).values(
                shift_id=shift_id, amount=amount, reason=reason, note=note, clerk=clerk, seq=seq
            )
        )

    def movements(self, shift_id: int) -> list[tuple[int, int, str, str]]:
        """(seq, amount, reason, note) of the shift's cash paid in (+) and out (-)."""
        rows = self._conn.execute(
            select(
                cash_movements.c.seq,
                cash_movements.c.amount,
                cash_movements.c.reason,
                cash_movements.c.note,
            )
            .where(cash_movements.c.shift_id == shift_id)
            .order_by(cash_movements.c.seq)
        )
        return [(int(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows]

    # ---- what a shift's range holds ---------------------------------------------------

    def payments_between(self, first_seq: int, last_seq: int, clerk: str) -> list[Any]:
        """The clerk's payments recorded in (first_seq, last_seq], and those voided in it."""
        in_range = payments.c.seq.between(first_seq + 1, last_seq)
        voided = payments.c.void_seq.between(first_seq + 1, last_seq)
        return list(
            self._conn.execute(
                select(
                    payments.c.seq,
                    payments.c.receipt_number,
                    payments.c.tenders,
                    payments.c.void_seq,
                    payments.c.total,
                    payments.c.ticket,
                )
                .where(in_range | voided, payments.c.clerk == clerk)
                .order_by(payments.c.seq)
            )
        )

    def head_seq(self) -> int:
        return int(self._conn.execute(select(func.max(journal_entries.c.seq))).scalar() or 0)

    # ---- the business day's close -------------------------------------------------------

    def day_close(self, business_day: str) -> DayCloseRow | None:
        row = self._conn.execute(
            select(day_closes).where(day_closes.c.business_day == business_day)
        ).first()
        return None if row is None else DayCloseRow(**dict(row._mapping))

    def last_day_close(self) -> DayCloseRow | None:
        row = self._conn.execute(
            select(day_closes).order_by(day_closes.c.business_day.desc()).limit(1)
        ).first()
        return None if row is None else DayCloseRow(**dict(row._mapping))

    def set_day_close(self, business_day: str, **values: Any) -> None:
        if self.day_close(business_day) is None:
            self._conn.execute(insert(day_closes).values(business_day=business_day, **values))
        else:
            self._conn.execute(
                update(day_closes).where(day_closes.c.business_day == business_day).values(**values)
            )

    def is_day_closed(self, business_day: str) -> bool:
        """Marked closed (a close that failed after that still refuses operations)."""
        row = self.day_close(business_day)
        return row is not None and row.closed_seq is not None
