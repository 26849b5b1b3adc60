"""Journal rows: append the next chained entry, read ranges back.

Appending reads the current head (last seq and hash) inside the caller's write
transaction, so two appends can never take the same sequence number; the UNIQUE uuid
and PRIMARY KEY seq make a double insert fail loudly rather than fork the chain.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, func, select

from counter_app.domain.journal import GENESIS_HASH, EntryDraft, JournalEntry, Stamp, make_entry
from counter_app.store.schema import journal_entries as je
from counter_app.store.schema import store_facts

# Where this store's chain begins, as "seq:hash": absent for a window's first PC (from
# genesis); for a replacement PC, the last entry HQ held from the PC it replaces.
JOURNAL_BASE = "journal.base"

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
# The append is the hottest statement in the program (every operation, every window), so
# it goes to the DBAPI cursor directly, with the column list taken from the schema
# (names from our own schema; every value is a bound parameter).
_INSERT_SQL = (
    f"INSERT INTO {je.name} ({', '.join(c.name for c in _COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join('?' for _ in _COLUMNS)})"
)
_HEAD = select(je.c.seq, je.c.hash).order_by(je.c.seq.desc()).limit(1)


class HeadCache:
    """The last committed (seq, hash), kept between write transactions of one process.

    Only the process holding the profile's instance lock writes, so the head it last
    committed is the head. It is set only after a commit and forgotten after any
    rollback; when unknown it is read from the table. Should another writer ever slip
    in, the PRIMARY KEY on seq refuses the duplicate instead of forking the chain.
    """

    def __init__(self) -> None:
        self._head: tuple[int, str] | None = None

    def get(self) -> tuple[int, str] | None:
        return self._head

    def commit(self, head: tuple[int, str] | None) -> None:
        if head is not None:
            self._head = head

    def forget(self) -> None:
        self._head = None


class JournalRepository:
    """The journal table seen through one transaction's connection."""

    def __init__(
        self, conn: Connection, workstation_id: str, cache: HeadCache | None = None
    ) -> None:
        self._conn = conn
        self._workstation_id = workstation_id
        self._cache = cache
        # The head after this transaction's appends; becomes the cache's on commit.
        self.pending_head: tuple[int, str] | None = None

    def head(self) -> tuple[int, str]:
        """(last seq, its hash), or the chain's base for an empty journal."""
        if self.pending_head is not None:
            return self.pending_head
        cached = self._cache.get() if self._cache is not None else None
        if cached is not None:
            return cached
        row = self._conn.execute(_HEAD).first()
        return self.base() if row is None else (int(row[0]), str(row[1]))

    def base(self) -> tuple[int, str]:
        """(seq, hash) the first entry of this store links to: (0, GENESIS_HASH), or for a
        replacement PC the head of the window's journal as HQ held it at enrolment."""
        text = self._conn.execute(
            select(store_facts.c.value).where(store_facts.c.key == JOURNAL_BASE)
        ).scalar()
        if text is None:
            return (0, GENESIS_HASH)
        seq, _, head_hash = str(text).partition(":")
        return (int(seq), head_hash)

    def hash_at(self, seq: int) -> str | None:
        """The hash of entry `seq` as this store knows it: its own entry's, or the base's
        (the last entry of the PC this one replaced); None when it knows neither."""
        entry = self.get(seq)
        if entry is not None:
            return entry.hash
        base_seq, base_hash = self.base()
        return base_hash if seq == base_seq else None

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
        dbapi = self._conn.connection.driver_connection
        assert dbapi is not None
        dbapi.execute(_INSERT_SQL, tuple(getattr(entry, c.name) for c in _COLUMNS))
        self.pending_head = (entry.seq, entry.hash)
        return entry

    def adopt(self, entry: JournalEntry) -> None:
        """Append an entry written before (fetched back from HQ and checked by the
        caller) exactly as it is; it must continue this store's head."""
        seq, head_hash = self.head()
        if entry.seq != seq + 1 or entry.prev_hash != head_hash:
            raise ValueError(f"entry {entry.seq} does not continue the head {seq}")
        if entry.workstation_id != self._workstation_id:
            raise ValueError(f"entry {entry.seq} is {entry.workstation_id}'s")
        dbapi = self._conn.connection.driver_connection
        assert dbapi is not None
        dbapi.execute(_INSERT_SQL, tuple(getattr(entry, c.name) for c in _COLUMNS))
        self.pending_head = (entry.seq, entry.hash)

    def entries(self, after_seq: int = 0, limit: int | None = None) -> Iterator[JournalEntry]:
        """Entries with seq > after_seq, in seq order, as stored (for verifying and syncing)."""
        query = select(*_COLUMNS).where(je.c.seq > after_seq).order_by(je.c.seq)
        if limit is not None:
            query = query.limit(limit)
        for row in self._conn.execute(query):
            yield JournalEntry(*row)

    def on_day(self, business_day: str) -> Iterator[JournalEntry]:
        """The entries of one business day, in seq order (index journal_by_day)."""
        query = select(*_COLUMNS).where(je.c.business_day == business_day).order_by(je.c.seq)
        for row in self._conn.execute(query):
            yield JournalEntry(*row)

    def between(self, first_seq: int, last_seq: int) -> Iterator[JournalEntry]:
        query = select(*_COLUMNS).where(je.c.seq.between(first_seq, last_seq)).order_by(je.c.seq)
        for row in self._conn.execute(query):
            yield JournalEntry(*row)

    def count_after(self, seq: int) -> int:
        return int(self._conn.execute(select(func.count()).where(je.c.seq > seq)).scalar_one())

    def get(self, seq: int) -> JournalEntry | None:
        row = self._conn.execute(select(*_COLUMNS).where(je.c.seq == seq)).first()
        return None if row is None else JournalEntry(*row)

    def last_of(self, entry_type: str) -> JournalEntry | None:
        """The latest entry of one type (index journal_by_type)."""
        query = select(*_COLUMNS).where(je.c.entry_type == entry_type).order_by(je.c.seq.desc())
        row = self._conn.execute(query.limit(1)).first()
        return None if row is None else JournalEntry(*row)

    def of_type(self, entry_type: str, after_seq: int = 0) -> Iterator[JournalEntry]:
        """Entries of one type after `after_seq`, in order (index journal_by_type)."""
        query = (
            select(*_COLUMNS)
            .where(je.c.entry_type == entry_type, je.c.seq > after_seq)
            .order_by(je.c.seq)
        )
        for row in self._conn.execute(query):
            yield JournalEntry(*row)

    def last_seq_before_day(self, business_day: str) -> int:
        """The last entry dated before `business_day` (index journal_by_day), or 0."""
        query = select(func.max(je.c.seq)).where(je.c.business_day < business_day)
        return int(self._conn.execute(query).scalar() or 0)
