"""Restoring a window from a backup older than HQ's copy: fetching its entries back from a
real HQ (subprocess on 127.0.0.1, SQLite), checking them, and replaying them into the
copy, against restoring a backup HQ is level with, of the same size, in the same run.

The window works one simulated day, syncs and is backed up (the older backup); then
works DAYS more days and syncs, and is backed up again (the level backup). Its store is
then lost, and each backup is restored in turn (the lost store wrecked again before
each). The fetch and its checks alone are timed a third time, to split the cost.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring

from bench.table import print_table
from counter_app.cli import main
from counter_app.services.clock import SimulatedClock
from counter_app.services.journal_check import verify_journal
from counter_app.services.profile import Profile
from counter_app.services.restore import check_backup, restore_store
from counter_app.services.restore_hq import HqCopy
from counter_app.services.simulate import first_simulated_day, simulate
from counter_app.store import Database
from tests.conftest import MemoryKeyring
from tests.helpers import open_window
from tests.support.hq_server import RunningHq

DAYS = int(os.environ.get("BENCH_RESTORE_DAYS", "3"))
WORKSTATION = "ASW-0101-W01"


def _wreck(store: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    store.write_bytes(b"\x00the disk failed" * 4096)


def _restore(root: Path, backup: Path) -> tuple[float, int]:
    _wreck(root / "counter.db")
    start = time.perf_counter()
    done = restore_store(Profile(root), WORKSTATION, backup, HqCopy(backup, WORKSTATION, ""))
    return time.perf_counter() - start, done.fetched


def run() -> None:
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hq = RunningHq(folder, f"sqlite:///{folder / 'hq.sqlite3'}")
        hq.add_office()
        hq.start()
        try:
            rows = _measure(folder, hq)
        finally:
            hq.stop()
    print_table(
        f"Restore: a backup {DAYS} simulated day(s) older than HQ's copy, against one HQ is "
        "level with (same final store)",
        ["restore", "entries fetched", "seconds", "us per fetched entry", "vs level"],
        rows,
    )


def _measure(folder: Path, hq: RunningHq) -> list[tuple[object, ...]]:
    root = folder / "window"
    clock = SimulatedClock(datetime.now(UTC))
    ctx = open_window(root, window=1, clock=clock)
    start = first_simulated_day(ctx, DAYS + 2)
    ctx.sync.enroll(hq.url, hq.enroll_code(1))
    simulate(ctx, clock, days=1, seed=41, start=start)
    ctx.sync.sync_once()
    assert main(["--profile", str(root), "backup", "--to", str(folder / "older")]) == 0
    simulate(ctx, clock, days=DAYS, seed=42, start=start + timedelta(days=1))
    ctx.sync.sync_once()
    ctx.close()
    assert main(["--profile", str(root), "backup", "--to", str(folder / "level")]) == 0
    older = next((folder / "older").glob("counter-*.db"))
    level = next((folder / "level").glob("counter-*.db"))

    level_s, _ = _restore(root, level)
    report = check_backup(older, WORKSTATION)
    copy = HqCopy(older, WORKSTATION, "")
    head = copy.head()
    assert head is not None
    fetch_start = time.perf_counter()
    fetched = copy.fetch(report, head[0], None)
    fetch_s = time.perf_counter() - fetch_start
    older_s, count = _restore(root, older)
    assert count == len(fetched.entries)
    restored = Database(root / "counter.db", readonly=True)
    restored.open(WORKSTATION)
    try:
        assert verify_journal(restored).ok
    finally:
        restored.close()
    return [
        ("level with HQ (copy, check)", 0, level_s, "-", 1.0),
        (f"{DAYS} day(s) behind: fetch, check, replay", count, older_s, older_s / count * 1e6,
         older_s / level_s),
        ("  of which fetching and checking", count, fetch_s, fetch_s / count * 1e6,
         fetch_s / level_s),
    ]  # fmt: skip


if __name__ == "__main__":
    run()
