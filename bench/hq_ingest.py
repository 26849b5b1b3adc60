"""HQ ingest: entries per second with 200 windows pushing at once, against raw executemany.

The end-of-day burst is the design load: every window syncing within the same hour. Here
200 windows each push a batch of their journal concurrently to a real HQ (one uvicorn
process on 127.0.0.1, and on PostgreSQL also `--workers 2`). The baseline inserts the
same rows with the database driver's executemany, one batch per transaction, on the same
database in the same run. Runs on SQLite, and on PostgreSQL when HQ_TEST_POSTGRES_URL is
set.
"""

from __future__ import annotations

import gzip
import json
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from bench.table import print_table
from counter_app.domain.journal import GENESIS_HASH, EntryDraft, Stamp, make_entry
from hq import schema as hq_schema
from hq.partitions import ensure_days
from sync.protocol import WIRE_FIELDS, EnrollRequest, PushBatch, public_key_text
from tests.support import hq_server
from tests.support.hq_server import RunningHq

WINDOWS = 200
ENTRIES_PER_WINDOW = 500
OFFICES = 50


BENCH_START = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)


def _journal(workstation_id: str) -> list[Any]:
    start = BENCH_START
    prev, entries = GENESIS_HASH, []
    for seq in range(1, ENTRIES_PER_WINDOW + 1):
        moment = start + timedelta(seconds=seq * 40)
        entry = make_entry(
            seq=seq,
            prev_hash=prev,
            uuid=str(uuid.uuid4()),
            workstation_id=workstation_id,
            draft=EntryDraft("ticket.issued", {"number": seq, "service": "fines"}, "mona"),
            stamp=Stamp(
                moment.isoformat(timespec="microseconds"),
                seq * 40_000_000_000,
                "run-1",
                "2026-11-23",
            ),
        )
        entries.append(entry)
        prev = entry.hash
    return entries


def _setup(hq: RunningHq) -> list[tuple[str, str, list[Any]]]:
    windows = []
    for office in range(OFFICES):
        code = f"OFF-{office:04d}"
        hq.service.add_office(code, f"Office {office}", "Giza")
        for window in range(1, WINDOWS // OFFICES + 1):
            answer = hq.service.enroll(
                EnrollRequest(
                    code=hq.enroll_code(window=window, office=code),
                    public_key=public_key_text(Ed25519PrivateKey.generate()),
                )
            )
            windows.append((answer.workstation_id, answer.token, _journal(answer.workstation_id)))
    return windows


def _body(workstation_id: str, entries: list[Any]) -> bytes:
    batch = PushBatch(
        workstation_id=workstation_id,
        prev_hash=GENESIS_HASH,
        rows=[[getattr(e, f) for f in WIRE_FIELDS] for e in entries],
    )
    return gzip.compress(json.dumps(batch.model_dump(), separators=(",", ":")).encode())


def _push_all(hq: RunningHq, windows: list[tuple[str, str, list[Any]]]) -> float:
    bodies = [(token, _body(ws, entries)) for ws, token, entries in windows]
    barrier = threading.Barrier(len(bodies) + 1)
    failures: list[str] = []

    def push(token: str, body: bytes) -> None:
        barrier.wait()
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Encoding": "gzip",
            "Content-Type": "application/json",
        }
        url = hq.url + "/v1/journal"
        answer = requests.post(url, data=body, headers=headers, timeout=(5, 300))
        if answer.status_code != 200:
            failures.append(f"{answer.status_code} {answer.text[:200]}")

    threads = [threading.Thread(target=push, args=item) for item in bodies]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"{len(failures)} pushes failed, first: {failures[0]}")
    return elapsed


def _baseline(hq: RunningHq, windows: list[tuple[str, str, list[Any]]]) -> float:
    columns = [column.name for column in hq_schema.journal_entries.columns]
    with hq.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS baseline_entries")
        conn.exec_driver_sql(
            "CREATE TABLE baseline_entries AS SELECT * FROM journal_entries WHERE 1 = 0"
        )
    marker = "%s" if hq.db_url.startswith("postgresql") else "?"
    sql = (
        f"INSERT INTO baseline_entries ({', '.join(columns)}) "
        f"VALUES ({', '.join(marker for _ in columns)})"
    )
    received = datetime.now(UTC).isoformat(timespec="seconds")
    batches = [
        [
            (
                ws,
                e.seq,
                e.uuid,
                e.entry_type,
                e.payload,
                e.clerk,
                e.device_time,
                e.monotonic_ns,
                e.run_id,
                e.business_day,
                e.prev_hash,
                e.hash,
                received,
            )
            for e in entries
        ]
        for ws, _, entries in windows
    ]
    raw = hq.engine.raw_connection()
    try:
        start = time.perf_counter()
        sqlite = not hq.db_url.startswith("postgresql")
        for rows in batches:
            cursor = raw.cursor()
            if sqlite:  # HQ's SQLite connections are in autocommit: begin as HQ does
                cursor.execute("BEGIN IMMEDIATE")
            cursor.executemany(sql, rows)
            raw.commit()
        return time.perf_counter() - start
    finally:
        raw.close()


def _measure(label: str, db_url: str, folder: Path, workers: int = 1) -> tuple[object, ...]:
    hq = RunningHq(folder, db_url)
    # The day's partition exists, as HQ makes it ahead of the real day (hq/partitions.py).
    ensure_days(hq.engine, BENCH_START.date(), 1)
    windows = _setup(hq)
    # Every push waits its turn inside HQ rather than being turned away with 503 (what
    # the admission does past its queue, hq/admission.py): this measures the ingest.
    hq.start(workers=workers, extra=("--push-queue", str(WINDOWS)))
    try:
        elapsed = _push_all(hq, windows)
        with hq.engine.connect() as conn:
            held = conn.execute(text("SELECT count(*) FROM journal_entries")).scalar_one()
        total = WINDOWS * ENTRIES_PER_WINDOW
        assert held == total, f"HQ holds {held} of {total}"
        baseline = _baseline(hq, windows)
    finally:
        hq.stop()
    return (label, total, total / baseline, total / elapsed, baseline / elapsed)


def run() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows.append(_measure("SQLite", f"sqlite:///{folder / 'hq.sqlite3'}", folder / "s"))
        if hq_server.POSTGRES_URL:
            url, name = hq_server.fresh_postgres_database()
            try:
                rows.append(_measure("PostgreSQL", url, folder / "p"))
            finally:
                hq_server.drop_postgres_database(name)
            # The same load on `serve --workers 2`: both cores answer (hq/serve.py).
            url, name = hq_server.fresh_postgres_database()
            try:
                rows.append(_measure("PostgreSQL, 2 workers", url, folder / "p2", workers=2))
            finally:
                hq_server.drop_postgres_database(name)
    print_table(
        f"HQ ingest: {WINDOWS} windows pushing {ENTRIES_PER_WINDOW} entries each at once",
        ["database", "entries", "raw executemany /s", "HQ ingest /s", "ratio"],
        rows,
    )
    if not hq_server.POSTGRES_URL:
        print("(PostgreSQL not measured: set HQ_TEST_POSTGRES_URL, e.g. from .ci/postgres.sh)")
