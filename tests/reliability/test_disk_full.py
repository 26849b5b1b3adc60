"""A full disk in the middle of a working day: the command says so in both languages and
exits 2 (no traceback), the store stays intact, and the same command run again once there
is room carries on from where it stopped.

The disk is made full for the counter's process alone with a file size limit (RLIMIT_FSIZE):
Python ignores SIGXFSZ, so a write past the limit fails with EFBIG and SQLite reports
"database or disk is full", as on a full disk.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX only")


def counter(
    profile: Path, *args: str, limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    def cap() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "counter_app", "--profile", str(profile), "--demo", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=cap,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def journal_count(profile: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(profile / "counter.db")
    try:
        return int(conn.execute("select count(*) from journal_entries").fetchone()[0])
    finally:
        conn.close()


def test_a_full_disk_stops_the_work_cleanly_and_a_retry_carries_on(tmp_path: Path) -> None:
    profile = tmp_path / "p"
    first = counter(profile, "simulate", "--days", "1", "--seed", "3")
    assert first.returncode == 0, first.stderr
    before = journal_count(profile)
    largest = max(f.stat().st_size for f in profile.rglob("*") if f.is_file())

    full = counter(profile, "simulate", "--days", "1", "--seed", "4", limit=largest + 96 * 1024)
    assert full.returncode == 2, full.stdout + full.stderr
    assert "The disk is full or cannot be written" in full.stderr and "القرص ممتلئ" in full.stderr
    assert "Traceback" not in full.stderr
    stopped_at = journal_count(profile)
    assert stopped_at > before  # it stopped partway through the day, not before it

    checked = counter(profile, "verify-journal")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    again = counter(profile, "simulate", "--days", "1", "--seed", "4")
    assert again.returncode == 0, again.stderr
    assert journal_count(profile) > stopped_at
    assert counter(profile, "verify-journal").returncode == 0
