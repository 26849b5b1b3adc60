"""Rows for clerks and shifts: the business state the journal explains."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, CursorResult, insert, select, update

from counter_app.store.schema import clerks, shifts


@dataclass(frozen=True)
class ClerkRow:
    username: str
    display_name: str
    role: str
    pin_hash: str
    active: bool


def _inserted_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the database did not return the new row's id")
    return int(key[0])


class ClerkRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, username: str) -> ClerkRow | None:
        row = self._conn.execute(
            select(
                clerks.c.username,
                clerks.c.display_name,
                clerks.c.role,
                clerks.c.pin_hash,
                clerks.c.active,
            ).where(clerks.c.username == username)
        ).first()
        return None if row is None else ClerkRow(row[0], row[1], row[2], row[3], bool(row[4]))

    def add(self, username: str, display_name: str, role: str, pin_hash: str) -> None:
        self._conn.execute(
            insert(clerks).values(
                username=username,
                display_name=display_name,
                role=role,
                pin_hash=pin_hash,
                active=1,
            )
        )

    def upsert(
        self, username: str, display_name: str, role: str, pin_hash: str, active: bool
    ) -> None:
        """Insert or replace a clerk as HQ's users bundle describes them."""
        values = {
            "display_name": display_name,
            "role": role,
            "pin_hash": pin_hash,
            "active": int(active),
        }
        if self.get(username) is None:
            self._conn.execute(insert(clerks).values(username=username, **values))
        else:
            self._conn.execute(update(clerks).where(clerks.c.username == username).values(**values))

    def usernames(self) -> list[str]:
        return [str(r[0]) for r in self._conn.execute(select(clerks.c.username))]

    def deactivate(self, username: str) -> None:
        self._conn.execute(update(clerks).where(clerks.c.username == username).values(active=0))


class ShiftRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def open_shift_id(self, clerk: str) -> int | None:
        row = self._conn.execute(
            select(shifts.c.id).where(shifts.c.clerk == clerk, shifts.c.closed_seq.is_(None))
        ).first()
        return None if row is None else int(row[0])

    def open(self, clerk: str, business_day: str, seq: int) -> int:
        result = self._conn.execute(
            insert(shifts).values(clerk=clerk, business_day=business_day, opened_seq=seq)
        )
        return int(_inserted_id(result))

    def close(self, shift_id: int, seq: int) -> None:
        self._conn.execute(update(shifts).where(shifts.c.id == shift_id).values(closed_seq=seq))
