"""Journal appends per second, against raw sqlite3 with the same durability settings.

Each append is its own committed transaction, as at the counter (one operation, one
commit, fsync). The baseline inserts rows of the same shape and size with the same
pragmas (WAL, synchronous=FULL) and BEGIN IMMEDIATE ... COMMIT per row.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from bench.table import print_table
from counter_app.services.clock import SystemClock
from counter_app.services.events import EventBus
from counter_app.services.recorder import UnitOfWork
from counter_app.store import Database

N = 2000
PAYLOAD = {"number": 17, "service": "fines", "window": 1}

_RAW_DDL = """
CREATE TABLE journal_entries (
  seq INTEGER PRIMARY KEY, uuid VARCHAR(36) NOT NULL UNIQUE, workstation_id VARCHAR(64) NOT NULL,
  entry_type VARCHAR(64) NOT NULL, payload TEXT NOT NULL, clerk VARCHAR(64) NOT NULL,
  device_time VARCHAR(40) NOT NULL, monotonic_ns BIGINT NOT NULL, run_id VARCHAR(36) NOT NULL,
  business_day VARCHAR(10) NOT NULL, prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL)
"""


def raw_sqlite(folder: Path) -> float:
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(_RAW_DDL)
    digest = hashlib.sha256(b"x").hexdigest()
    payload = '{"number":17,"service":"fines","window":1}'
    start = time.perf_counter()
    for seq in range(1, N + 1):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO journal_entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                seq,
                str(uuid.uuid4()),
                "ASW-0101-W01",
                "ticket.issued",
                payload,
                "mona",
                "2026-11-23T08:30:00.000000+00:00",
                time.monotonic_ns(),
                "run",
                "2026-11-23",
                digest,
                digest,
            ),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return N / elapsed


def counter_journal(folder: Path) -> float:
    db = Database(folder / "counter.db")
    db.open("ASW-0101-W01")
    uow = UnitOfWork(db, SystemClock(), EventBus())
    start = time.perf_counter()
    for _ in range(N):
        uow.run(lambda rec: rec.record("ticket.issued", PAYLOAD, "mona"))
    elapsed = time.perf_counter() - start
    db.close()
    return N / elapsed


def run() -> None:
    rows = []
    for attempt in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            raw = raw_sqlite(folder)
            ours = counter_journal(folder)
        rows.append((f"run {attempt + 1}", raw, ours, ours / raw))
    print_table(
        f"Journal appends per second ({N} appends, one commit each, WAL + synchronous=FULL)",
        ["run", "raw sqlite3 /s", "counter journal /s", "ratio"],
        rows,
    )
