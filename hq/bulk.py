"""Writing a push's entries in bulk: PostgreSQL's `COPY`, inside the ingest's own
transaction; SQLite (and any other database) an `executemany` of one statement.

At the end-of-day burst the journal insert was most of HQ's work per entry: SQLAlchemy
and the driver built, sent and answered one parameter set per entry. `COPY` sends the
rows as one stream the server parses itself (psycopg's C writer formats them).
"""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import Connection, insert
from sqlalchemy.exc import IntegrityError

from hq import schema as t

JOURNAL_COLUMNS = tuple(column.name for column in t.journal_entries.columns)
_COPY = f"COPY journal_entries ({', '.join(JOURNAL_COLUMNS)}) FROM STDIN"


def write_entries(conn: Connection, entries: list[dict[str, Any]]) -> None:
    """Add `entries` (dicts with every journal column) to the journal, in `conn`'s
    transaction. An entry HQ already holds raises sqlalchemy's IntegrityError either way."""
    if not entries:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(t.journal_entries), entries)
        return
    driver = conn.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor() as cursor, cursor.copy(_COPY) as copy:
            for entry in entries:
                copy.write_row([entry[name] for name in JOURNAL_COLUMNS])
    except psycopg.errors.UniqueViolation as exc:
        raise IntegrityError(_COPY, None, exc) from exc
