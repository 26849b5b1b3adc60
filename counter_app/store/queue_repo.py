"""Rows for clerks: who may sign in at this window, as HQ's users bundle says."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, CursorResult, insert, select, update

from counter_app.store.schema import clerks


@dataclass(frozen=True)
class ClerkRow:
    username: str
    display_name: str
    role: str
    pin_hash: str
    active: bool


_SELECT = select(
    clerks.c.username, clerks.c.display_name, clerks.c.role, clerks.c.pin_hash, clerks.c.active
)


def _inserted_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the database did not return the new row's id")
    return int(key[0])


class ClerkRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, username: str) -> ClerkRow | None:
        row = self._conn.execute(_SELECT.where(clerks.c.username == username)).first()
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

    def all(self) -> list[ClerkRow]:
        return [ClerkRow(r[0], r[1], r[2], r[3], bool(r[4])) for r in self._conn.execute(_SELECT)]

    def set_pin_hash(self, username: str, pin_hash: str) -> None:
        self._conn.execute(
            update(clerks).where(clerks.c.username == username).values(pin_hash=pin_hash)
        )

    def usernames(self) -> list[str]:
        return [str(r[0]) for r in self._conn.execute(select(clerks.c.username))]

    def deactivate(self, username: str) -> None:
        self._conn.execute(update(clerks).where(clerks.c.username == username).values(active=0))
