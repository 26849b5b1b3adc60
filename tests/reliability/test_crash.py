"""Kill -9 at random moments: every acknowledged entry survives, nothing half-written.

A subprocess issues tickets through the real services and reports each committed journal
sequence number. It is killed with SIGKILL at random moments: sometimes during start-up
(migrations, demo set-up), mostly in the middle of the write loop. After each kill the
store is reopened and checked: every acknowledged entry is there, the chain verifies,
`PRAGMA integrity_check` is ok, and each ticket row has its journal entry and vice versa.

Run with CRASH_SEED=<n> to repeat a schedule; CRASH_KILLS=<n> to change the count.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from counter_app.services.journal_check import verify_journal
from counter_app.store import Database

pytestmark = pytest.mark.reliability
ROOT = Path(__file__).resolve().parents[2]


def _has_schema(db_path: Path) -> bool:
    raw = sqlite3.connect(db_path)
    try:
        found = raw.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal_entries'"
        ).fetchone()
    finally:
        raw.close()
    return found is not None


def _check_store(profile: Path, max_acked: int) -> int:
    db_path = profile / "counter.db"
    if not db_path.exists() or not _has_schema(db_path):
        # Killed in its very first start-up: the store's file was made but its schema
        # (one transaction, migrations and all) never committed; the next start makes it.
        assert max_acked == 0
        return 0
    db = Database(db_path, readonly=True)
    db.open("ASW-0101-W01")
    try:
        report = verify_journal(db)
        assert report.ok, report.problem and report.problem.describe()
        assert report.last_seq >= max_acked, f"acknowledged {max_acked}, kept {report.last_seq}"
        assert db.integrity_check() == "ok"
    finally:
        db.close()
    raw = sqlite3.connect(db_path)
    try:
        issued = {
            seq
            for (seq,) in raw.execute(
                "SELECT seq FROM journal_entries WHERE entry_type = 'ticket.issued'"
            )
        }
        rows = {seq for (seq,) in raw.execute("SELECT issued_seq FROM queue_tickets")}
    finally:
        raw.close()
    assert issued == rows, "a ticket row and its journal entry were not committed together"
    return report.last_seq


def test_sigkill_loop_loses_no_acknowledged_entry(tmp_path: Path) -> None:
    seed = int(os.environ.get("CRASH_SEED", random.randrange(2**31)))
    kills = int(os.environ.get("CRASH_KILLS", "120"))
    print(f"crash test seed {seed}, {kills} kills")
    rng = random.Random(seed)
    profile = tmp_path / "profile"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    max_acked = 0
    during_startup = 0
    mid_loop = 0
    for attempt in range(kills):
        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.journal_writer", str(profile)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=ROOT,
            text=True,
        )
        assert writer.stdout is not None
        if rng.random() < 0.15:
            # Somewhere in start-up: imports, migrations, demo clerks being added.
            time.sleep(rng.uniform(0.0, 0.6))
            during_startup += 1
        else:
            # Mid-loop: wait for this writer's first commit, then kill at a random instant
            # while the next ones are in flight.
            line = writer.stdout.readline()
            while line.strip() == "READY":
                line = writer.stdout.readline()
            assert line.startswith("ACK "), (attempt, line)
            max_acked = max(max_acked, int(line.split()[1]))
            mid_loop += 1
            time.sleep(rng.uniform(0.0, 0.05))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        for line in writer.stdout.read().splitlines():
            if line.startswith("ACK "):
                max_acked = max(max_acked, int(line.split()[1]))
        writer.stdout.close()
        kept = _check_store(profile, max_acked)
        assert kept >= max_acked
    print(f"{kills} kills ({during_startup} during start-up), {max_acked} entries acknowledged")
    # Every mid-loop writer committed at least one entry past the previous writers' last.
    assert max_acked >= mid_loop > 0, "the kills must land in the write loop"
