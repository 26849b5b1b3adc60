"""The SQLite store: durability settings, append-only triggers, one-transaction changes,
refusing a newer schema, and the journal staying chained through real services."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from counter_app.domain.errors import InputError
from counter_app.domain.queue import Ticket
from counter_app.services.journal_check import verify_journal
from counter_app.store import Database, SchemaTooNew, StoreError
from tests.helpers import open_demo


def test_connections_use_wal_full_sync_and_foreign_keys(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir, sign_in=False)
    with ctx.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    ctx.close()


def test_raw_update_and_delete_of_journal_entries_are_refused(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir)
    ctx.queue.issue_ticket()
    ctx.close()
    raw = sqlite3.connect(profile_dir / "counter.db")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE journal_entries SET payload = '{}' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM journal_entries WHERE seq = 1")
    raw.close()


def test_a_failed_operation_leaves_neither_business_rows_nor_entries(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir)
    before = ctx.uow.waiting_to_sync()

    def half_done(rec):  # type: ignore[no-untyped-def]
        ticket = Ticket("T-1", "T", 1, ctx.clock.now())
        rec.tx.tickets.add(rec.business_day, ticket, rec.record("ticket.issued", {}, "x").seq)
        raise RuntimeError("power cut between the two writes")

    with pytest.raises(RuntimeError):
        ctx.uow.run(half_done)
    assert ctx.uow.waiting_to_sync() == before
    assert ctx.queue.snapshot().waiting == 0
    ctx.close()


def test_refused_input_changes_nothing(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir)
    before = ctx.uow.waiting_to_sync()
    with pytest.raises(InputError):
        ctx.identity.capture_national_id("2990231")
    with pytest.raises(InputError):
        ctx.queue.finish_current()
    assert ctx.uow.waiting_to_sync() == before
    ctx.close()


def test_services_keep_the_chain_and_sequence_contiguous(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir)
    ctx.shifts.open_shift()
    for _ in range(5):
        ctx.queue.issue_ticket()
    for _ in range(5):
        ctx.queue.call_next()
        ctx.identity.capture_national_id("29001012801235")
        ctx.queue.finish_current()
    report = verify_journal(ctx.db)
    assert report.ok and report.entries == report.last_seq
    with ctx.db.read() as tx:
        types = [e.entry_type for e in tx.journal.entries()]
    assert types.count("ticket.issued") == 5 and types.count("ticket.served") == 5
    assert "29001012801235" not in str(
        list(ctx.db.engine.connect().exec_driver_sql("SELECT payload FROM journal_entries"))
    )
    ctx.close()


def test_a_newer_schema_is_refused_and_left_untouched(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir, sign_in=False)
    ctx.close()
    db_path = profile_dir / "counter.db"
    raw = sqlite3.connect(db_path)
    raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.commit()
    raw.close()
    before = db_path.read_bytes()
    db = Database(db_path)
    with pytest.raises(SchemaTooNew, match="newer version"):
        db.open("ASW-0101-W01")
    db.close()
    assert db_path.read_bytes() == before


def test_a_store_belongs_to_one_workstation(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir, sign_in=False)
    ctx.close()
    db = Database(profile_dir / "counter.db")
    with pytest.raises(StoreError, match="belongs to workstation ASW-0101-W01"):
        db.open("ASW-0101-W02")
    db.close()


def test_schema_head_constant_matches_the_migration_scripts(profile_dir: Path) -> None:
    from counter_app.store.db import SCHEMA_HEAD

    ctx = open_demo(profile_dir, sign_in=False)
    assert ctx.db.expected_schema_version() == SCHEMA_HEAD
    assert ctx.db.schema_version() == SCHEMA_HEAD
    ctx.close()
