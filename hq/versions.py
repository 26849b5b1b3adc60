"""Bundle versions: one counter per (kind, scope), bumped in the transaction that changes it.

A bundle is built by reading its version first and its content after (`current`, then
the rows): under READ COMMITTED a change that commits in between makes the content newer
than its version, never older, so a window that stores version N+1 always has N+1's
content, and one that stored N with newer content fetches again when it sees N+1."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hq import schema as t
from sync.protocol import utc_now_text


def bump(conn: Connection, kind: str, scope: str) -> int:
    """Add one to the (kind, scope) counter in a single statement, in the caller's
    transaction: the row stays locked until that transaction commits, so two changes
    never share a version and none is lost. The new version."""
    values = {"kind": kind, "scope": scope, "version": 1}
    if conn.dialect.name == "postgresql":
        statement: Any = postgresql_insert(t.bundle_versions).values(**values)
    else:
        statement = sqlite_insert(t.bundle_versions).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["kind", "scope"],
        set_={"version": t.bundle_versions.c.version + 1},
    ).returning(t.bundle_versions.c.version)
    return int(conn.execute(statement).scalar_one())


def current(conn: Connection, kind: str, scope: str) -> int:
    """The (kind, scope) counter as committed (0 before the first change)."""
    version = conn.execute(
        select(t.bundle_versions.c.version).where(
            t.bundle_versions.c.kind == kind, t.bundle_versions.c.scope == scope
        )
    ).scalar()
    return int(version or 0)


def add_instruction(conn: Connection, workstation_id: str, kind: str, ar: str, en: str) -> None:
    """An instruction for one window, sent down in its next instructions bundle."""
    conn.execute(
        insert(t.instructions).values(
            workstation_id=workstation_id,
            kind=kind,
            text_ar=ar,
            text_en=en,
            created_at=utc_now_text(),
        )
    )
    bump(conn, "instructions", workstation_id)
