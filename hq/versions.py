"""Bundle versions: one counter per (kind, scope), bumped in the transaction that changes it."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from hq import schema as t
from sync.protocol import utc_now_text


def bump(conn: Connection, kind: str, scope: str) -> None:
    current = conn.execute(
        select(t.bundle_versions.c.version).where(
            t.bundle_versions.c.kind == kind, t.bundle_versions.c.scope == scope
        )
    ).scalar()
    if current is None:
        conn.execute(insert(t.bundle_versions).values(kind=kind, scope=scope, version=1))
    else:
        conn.execute(
            update(t.bundle_versions)
            .where(t.bundle_versions.c.kind == kind, t.bundle_versions.c.scope == scope)
            .values(version=current + 1)
        )


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
