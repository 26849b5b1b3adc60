"""Journal rows: append the next chained entry, read ranges back.

Appending reads the current head (last seq and hash) inside the caller's write
transaction, so two appends can never take the same sequence number; the UNIQUE uuid
and PRIMARY KEY seq make a double insert fail loudly rather than fork the chain.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, func, insert, select

from counter_app.domain.journal import GENESIS_HASH, EntryDraft, JournalEntry, Stamp, make_entry
from counter_app.store.schema import journal_entries as je

_COLUMNS = [
    je.c.seq,
    je.c.uuid,
    je.c.workstation_id,
    je.c.entry_type,
    je.c.payload,
    je.c.clerk,
    je.c.device_time,
    je.c.monotonic_ns,
    je.c.run_id,
    je.c.business_day,
    je.c.prev_hash,
    je.c.hash,
]
_INSERT = insert(je)
_HEAD = select(je.c.seq, je.c.hash).order_by(je.c.seq.desc()).limit(1)


class JournalRepository:
    """The journal table seen through one transaction's connection."""

    def __init__(self, conn: Connection, workstation_id: str) -> None:
        self._conn = conn
        self._workstation_id = workstation_id

    def head(self) -> tuple[int, str]:
        """(last seq, its hash), or (0, GENESIS_HASH) for an empty journal."""
        row = self._conn.execute(_HEAD).first()
        return (0, GENESIS_HASH) if row is None else (int(row[0]), str(row[1]))

    def append(self, draft: EntryDraft, *, uuid: str, stamp: Stamp) -> JournalEntry:
        seq, prev_hash = self.head()
        entry = make_entry(
            seq=seq + 1,
            prev_hash=prev_hash,
            uuid=uuid,
            workstation_id=self._workstation_id,
            draft=draft,
            stamp=stamp,
        )
        self._conn.execute(_INSERT, [entry.__dict__])
        return entry

    def entries(self, after_seq: int = 0, limit: int | None = None) -> Iterator[JournalEntry]:
        """Entries with seq > after_seq, in seq order, as stored (for verifying and syncing)."""
        query = select(*_COLUMNS).where(je.c.seq > after_seq).order_by(je.c.seq)
        if limit is not None:
            query = query.limit(limit)
        for row in self._conn.execute(query):
            yield JournalEntry(*row)

    def count_after(self, seq: int) -> int:
        return int(self._conn.execute(select(func.count()).where(je.c.seq > seq)).scalar_one())

    def get(self, seq: int) -> JournalEntry | None:
        row = self._conn.execute(select(*_COLUMNS).where(je.c.seq == seq)).first()
        return None if row is None else JournalEntry(*row)
