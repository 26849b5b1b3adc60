"""Opening the SQLite store safely, migrating it, and running transactions on it.

Every connection gets WAL, `synchronous=FULL` (a commit survives power loss) and
foreign keys. Every write transaction starts with `BEGIN IMMEDIATE`, so it takes the
write lock up front instead of failing half-way with SQLITE_BUSY. A database whose
schema is newer than this program knows is refused and left untouched.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

from counter_app.domain.errors import BilingualError
from counter_app.store import schema
from counter_app.store.evidence_repo import EvidenceRepository
from counter_app.store.journal_repo import HeadCache, JournalRepository
from counter_app.store.payment_repo import PaymentRepository
from counter_app.store.print_repo import PrintRepository
from counter_app.store.queue_repo import ClerkRepository
from counter_app.store.request_repo import RequestRepository
from counter_app.store.shift_repo import ShiftRepository
from counter_app.store.ticket_repo import QueueOutbox, TicketRepository

if TYPE_CHECKING:
    from alembic.config import Config

BUSY_TIMEOUT_MS = 10_000
# The newest migration this build ships. A store already at it opens without loading
# Alembic (a tenth of a second at every start); tests check it matches the scripts.
SCHEMA_HEAD = "0007"


class StoreError(RuntimeError):
    """The store cannot be used as it is; the message says what to do."""


class StoreFull(StoreError, BilingualError):
    """The disk (or the store's file size limit) is full: the transaction was rolled back,
    nothing of it was written, and what was there before is intact."""

    def __init__(self) -> None:
        BilingualError.__init__(
            self,
            "disk_full",
            "القرص ممتلئ أو لا يقبل الكتابة: لم تُسجل العملية ولم يضع شيء مما سبق. أفرغ مساحة "
            "ثم أعد المحاولة، أو اتصل بالدعم الفني.",
            "The disk is full or cannot be written: the operation was not recorded and nothing "
            "before it was lost. Free some space and try again, or call IT support.",
        )

    def __str__(self) -> str:
        return self.bilingual()


def _is_full(exc: OperationalError) -> bool:
    """SQLITE_FULL (no space), or SQLITE_IOERR and its extended codes (a write the disk
    refused, e.g. a file size limit): either way nothing of the transaction was written."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR)
    text = str(exc.orig)
    return "database or disk is full" in text or "disk I/O error" in text


class SchemaTooNew(StoreError):
    """The database was written by a newer version of the program."""


class Transaction:
    """One unit of work: the repositories share one connection and commit together."""

    def __init__(
        self, conn: Connection, workstation_id: str, head: HeadCache | None = None
    ) -> None:
        self.conn = conn
        self.workstation_id = workstation_id
        self.journal = JournalRepository(conn, workstation_id, head)
        self.clerks = ClerkRepository(conn)
        self.shifts = ShiftRepository(conn)
        self.tickets = TicketRepository(conn)
        self.queue_outbox = QueueOutbox(conn)
        self.printing = PrintRepository(conn)
        self.payments = PaymentRepository(conn)
        self.requests = RequestRepository(conn)
        self.evidence = EvidenceRepository(conn)

    def fact(self, key: str) -> str | None:
        row = self.conn.execute(
            select(schema.store_facts.c.value).where(schema.store_facts.c.key == key)
        ).first()
        return None if row is None else str(row[0])

    def delete_fact(self, key: str) -> None:
        self.conn.execute(schema.store_facts.delete().where(schema.store_facts.c.key == key))

    def set_fact(self, key: str, value: str) -> None:
        self.conn.execute(
            text(
                "INSERT INTO store_facts(key, value) VALUES (:k, :v) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
            ),
            {"k": key, "v": value},
        )


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    location = resources.files("counter_app.store") / "migrations"
    cfg.set_main_option("script_location", str(location))
    return cfg


class Database:
    """The workstation's SQLite file. Create it, then `open()` before use."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self.workstation_id = ""
        self._engine: Engine | None = None
        self._writer: Connection | None = None
        self._write_lock = threading.RLock()
        self._head = HeadCache()
        # Called with the new journal head after each commit that appended entries (the
        # evidence service seals it outside the database).
        self.after_commit: Callable[[int, str], None] | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise StoreError("the database is not open")
        return self._engine

    def open(self, workstation_id: str) -> None:
        """Connect, refuse a newer schema, migrate an older one, and bind the workstation."""
        if self.readonly and not self.path.exists():
            raise StoreError(f"there is no database at {self.path}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._engine = self._create_engine()
        self.workstation_id = workstation_id
        if not self.readonly:
            self._migrate()
            with self.write() as tx:
                owner = tx.fact("workstation_id")
                if owner is None:
                    tx.set_fact("workstation_id", workstation_id)
                elif owner != workstation_id:
                    raise StoreError(
                        f"this database belongs to workstation {owner}, but the "
                        f"configuration says {workstation_id}; use that workstation's "
                        "profile or correct office/window in config.toml"
                    )

    def _create_engine(self) -> Engine:
        engine = create_engine(
            f"sqlite:///{self.path}",
            poolclass=QueuePool,
            pool_size=2,
            max_overflow=2,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        begin_sql = "BEGIN" if self.readonly else "BEGIN IMMEDIATE"

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event decide how transactions start (pysqlite
            # would otherwise issue a deferred BEGIN of its own before the first write).
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # Deleted and overwritten citizen data is zeroed in the file, not left in
            # free pages for anyone who reads the bytes (DESIGN.md rule 11).
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if self.readonly:
                cursor.execute("PRAGMA query_only=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            deferred = conn.get_execution_options().get("counter_read_only", False)
            # Straight to the driver: this runs before every operation at the window, and
            # SQLAlchemy's statement machinery cost more than the BEGIN itself.
            dbapi = conn.connection.driver_connection
            assert dbapi is not None
            dbapi.execute("BEGIN" if deferred else begin_sql)

        return engine

    def _migrate(self) -> None:
        with self.engine.begin() as conn:
            if self._stored_revisions(conn) == [SCHEMA_HEAD]:
                return
            from alembic import command
            from alembic.runtime.migration import MigrationContext
            from alembic.script import ScriptDirectory
            from alembic.util.exc import CommandError

            cfg = _alembic_config()
            script = ScriptDirectory.from_config(cfg)
            current = MigrationContext.configure(conn).get_current_heads()
            for revision in current:
                try:
                    script.get_revision(revision)
                except CommandError as exc:
                    raise SchemaTooNew(
                        f"this database has schema version {revision}, made by a newer "
                        "version of Counter App; install that version or newer. "
                        "The database has not been changed."
                    ) from exc
            if set(current) != set(script.get_heads()):
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")

    @staticmethod
    def _stored_revisions(conn: Connection) -> list[str]:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if exists is None:
            return []
        return [str(r[0]) for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]

    def schema_version(self) -> str | None:
        with self.engine.connect() as conn:
            revisions = self._stored_revisions(conn)
        return revisions[0] if revisions else None

    def expected_schema_version(self) -> str | None:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(_alembic_config()).get_current_head()

    def quick_check(self) -> str:
        with self.engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA quick_check").scalar())

    def integrity_check(self) -> str:
        with self.engine.connect() as conn:
            return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())

    def backup_to(self, target: Path) -> str:
        """Copy the store into `target` with SQLite's online backup API (a consistent copy
        while the window works on), flushed to disk, then check the copy: its quick_check
        result. (The day close ran the full integrity_check on the store just before; a
        page-for-page copy needs its pages and records checked, which quick_check does
        in a fraction of the time.)"""
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(target.suffix + ".partial")
        partial.unlink(missing_ok=True)
        source = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy, pages=1024)
                result = str(copy.execute("PRAGMA quick_check").fetchone()[0])
            finally:
                copy.close()
        finally:
            source.close()
        if result == "ok":
            fsync_path(partial)
            partial.replace(target)
            fsync_path(target.parent)
        else:
            partial.unlink(missing_ok=True)
        return result

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """A write transaction (BEGIN IMMEDIATE): commits on success, rolls back on error.

        Writes share one long-lived connection, taken in turn under a lock: there is one
        writer per store anyway, and checking a connection out of the pool for every
        operation cost more than the insert itself.
        """
        if self.readonly:
            raise StoreError("the database was opened read-only")
        with self._write_lock:
            if self._writer is None:
                self._writer = self.engine.connect()
            conn = self._writer
            tx = Transaction(conn, self.workstation_id, self._head)
            try:
                with conn.begin():
                    yield tx
            except OperationalError as exc:
                self._head.forget()
                if not _is_full(exc):
                    raise
                # Start again on a fresh connection once there is room.
                conn.invalidate()
                self._writer = None
                raise StoreFull() from exc
            except BaseException:
                # The cached head may name an entry that was rolled back: forget it.
                self._head.forget()
                raise
            self._head.commit(tx.journal.pending_head)
            if tx.journal.pending_head is not None and self.after_commit is not None:
                # Still under the write lock: seals are written in commit order.
                self.after_commit(*tx.journal.pending_head)

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """A read transaction: a consistent snapshot; nothing it does is committed."""
        with self.engine.connect() as conn:
            conn.execution_options(counter_read_only=True)
            with conn.begin():
                yield Transaction(conn, self.workstation_id)

    def close(self) -> None:
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def fsync_path(path: Path) -> None:
    """Flush a file (or a folder's entries, on POSIX) to disk."""
    if path.is_dir() and os.name == "nt":
        return  # Windows cannot open a folder to flush it; NTFS journals the rename
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
