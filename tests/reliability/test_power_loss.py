"""Power cut mid-commit, simulated below SQLite: a VFS (APSW) that keeps what reached the
disk at each sync apart from what was only written. At a random moment the power goes;
the files become what had been synced plus a random subset of the writes after it (in
order, each kept or lost), the way a disk cache loses them. The store is then opened by
the ordinary sqlite3 module, as the counter opens it after the power comes back.

With the store's own settings (WAL, synchronous=FULL) no commit that had returned may be
lost, and none may be half there. The control run, synchronous=OFF, must lose some: it
shows that the simulation can catch a loss, so the first run's zero means something.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from counter_app.store import Database

apsw = pytest.importorskip("apsw", reason="APSW (the crash-simulating VFS) is not installed")

TRIALS_FULL = 300
TRIALS_OFF = 120
TRANSACTIONS = 40


class PowerCut(Exception):
    pass


@dataclass
class FileLog:
    durable: bytearray
    pending: list[tuple[str, int, bytes]] = field(default_factory=list)

    def apply(self, image: bytearray, op: tuple[str, int, bytes]) -> None:
        kind, at, data = op
        if kind == "t":
            del image[at:]
            return
        if len(image) < at:
            image.extend(b"\0" * (at - len(image)))
        image[at : at + len(data)] = data


@dataclass
class Disk:
    """What each file holds durably, and the writes since its last sync."""

    cut_at: int | None = None  # the operation at which the power goes (None: never)
    ops: int = 0
    files: dict[str, FileLog] = field(default_factory=dict)

    def tick(self) -> None:
        if self.cut_at is not None and self.ops >= self.cut_at:
            raise PowerCut()
        self.ops += 1

    def after_the_cut(self, rng: random.Random) -> dict[str, bytes]:
        images = {}
        for path, log in self.files.items():
            image = bytearray(log.durable)
            for op in log.pending:
                if rng.random() < 0.5:
                    log.apply(image, op)
            images[path] = bytes(image)
        return images


class CrashFile(apsw.VFSFile):  # type: ignore[misc]
    def __init__(self, disk: Disk, name: Any, flags: list[int]) -> None:
        super().__init__("", name, flags)
        self.disk = disk
        self.path = name.filename() if hasattr(name, "filename") else str(name)
        if self.path not in disk.files:
            start = Path(self.path).read_bytes() if Path(self.path).exists() else b""
            disk.files[self.path] = FileLog(bytearray(start))

    def xWrite(self, data: bytes, offset: int) -> None:
        self.disk.tick()
        self.disk.files[self.path].pending.append(("w", offset, bytes(data)))
        super().xWrite(data, offset)

    def xTruncate(self, size: int) -> None:
        self.disk.tick()
        self.disk.files[self.path].pending.append(("t", size, b""))
        super().xTruncate(size)

    def xSync(self, flags: int) -> None:
        # The simulation is the disk: a sync makes every write before it durable.
        self.disk.tick()
        log = self.disk.files[self.path]
        for op in log.pending:
            log.apply(log.durable, op)
        log.pending.clear()


class CrashVFS(apsw.VFS):  # type: ignore[misc]
    def __init__(self, name: str, disk: Disk) -> None:
        super().__init__(name, "")
        self.disk = disk

    def xOpen(self, name: Any, flags: list[int]) -> CrashFile:
        return CrashFile(self.disk, name, flags)


def entry_hash(prev: str, payload: str) -> str:
    return hashlib.sha256((prev + payload).encode()).hexdigest()


def prepare(folder: Path) -> Path:
    """A store with the schema, closed cleanly: the durable start of every trial."""
    path = folder / "power.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(
        "CREATE TABLE entries (seq INTEGER PRIMARY KEY, prev TEXT, hash TEXT, payload TEXT);"
        "CREATE TABLE totals (id INTEGER PRIMARY KEY, n INTEGER, amount INTEGER);"
        "INSERT INTO totals VALUES (1, 0, 0);"
    )
    conn.commit()
    conn.close()
    return path


def work(path: Path, disk: Disk, synchronous: str, seed: int) -> int:
    """Commit TRANSACTIONS entries (each with its running total, in one transaction) until
    the power goes; how many commits had returned."""
    name = f"crash-{seed}-{synchronous}"
    vfs = CrashVFS(name, disk)
    rng = random.Random(seed)
    acknowledged = 0
    conn = apsw.Connection(str(path), vfs=name)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute("PRAGMA wal_autocheckpoint=16")  # checkpoints happen mid-run too
        prev = "0" * 64
        for seq in range(1, TRANSACTIONS + 1):
            payload = "x" * rng.randint(50, 3000)
            digest = entry_hash(prev, payload)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO entries VALUES (?, ?, ?, ?)", (seq, prev, digest, payload))
            conn.execute("UPDATE totals SET n = n + 1, amount = amount + ? WHERE id = 1", (seq,))
            conn.execute("COMMIT")
            acknowledged, prev = seq, digest
    except (PowerCut, apsw.Error):
        pass
    finally:
        disk.cut_at = 0  # nothing more reaches the disk, closing included
        with contextlib.suppress(PowerCut, apsw.Error):
            conn.close(True)
        vfs.unregister()
    return acknowledged


@dataclass
class Outcome:
    acknowledged: int
    survived: int
    intact: bool


def after_power_returns(folder: Path, images: dict[str, bytes]) -> tuple[int, bool]:
    """Open what the disk held, as the counter would: (entries that survived, intact)."""
    for path, data in images.items():
        if path.endswith("-shm"):
            continue  # shared memory does not survive a power cut; SQLite rebuilds it
        target = folder / Path(path).name
        target.write_bytes(data)
    conn = sqlite3.connect(folder / "power.db")
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return 0, False
        rows = conn.execute("SELECT seq, prev, hash, payload FROM entries ORDER BY seq").fetchall()
        n, amount = conn.execute("SELECT n, amount FROM totals").fetchone()
    except sqlite3.DatabaseError:
        return 0, False
    finally:
        conn.close()
    prev = "0" * 64
    for expected, (seq, link, digest, payload) in enumerate(rows, start=1):
        if seq != expected or link != prev or digest != entry_hash(prev, payload):
            return len(rows), False
        prev = digest
    # Atomic: the total moved with exactly the entries that are there.
    return len(rows), n == len(rows) and amount == sum(range(1, len(rows) + 1))


def trial(tmp: Path, synchronous: str, seed: int, total_ops: int) -> Outcome:
    rng = random.Random(seed)
    folder = tmp / f"{synchronous}-{seed}"
    folder.mkdir()
    path = prepare(folder)
    disk = Disk(cut_at=rng.randint(1, total_ops))
    acknowledged = work(path, disk, synchronous, seed)
    images = disk.after_the_cut(rng)
    after = folder / "after"
    after.mkdir()
    survived, intact = after_power_returns(after, images)
    return Outcome(acknowledged, survived, intact)


def operations(tmp: Path, synchronous: str) -> int:
    """How many disk operations a whole run takes (the range the cut is drawn from)."""
    folder = tmp / f"count-{synchronous}"
    folder.mkdir()
    disk = Disk()
    assert work(prepare(folder), disk, synchronous, 0) == TRANSACTIONS
    return disk.ops


def test_the_store_uses_the_settings_this_test_cuts_power_under(tmp_path: Path) -> None:
    db = Database(tmp_path / "counter.db")
    db.open("ASW-0101-W01")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    db.close()


def test_power_cut_mid_commit_loses_no_acknowledged_commit_with_synchronous_full(
    tmp_path: Path,
) -> None:
    total = operations(tmp_path, "FULL")
    outcomes = [trial(tmp_path, "FULL", seed, total) for seed in range(1, TRIALS_FULL + 1)]
    damaged = [o for o in outcomes if not o.intact]
    lost = [o for o in outcomes if o.survived < o.acknowledged]
    cut_mid_run = sum(1 for o in outcomes if 0 < o.acknowledged < TRANSACTIONS)
    print(
        f"\npower cuts with synchronous=FULL: {len(outcomes)} trials over {total} disk "
        f"operations, {cut_mid_run} mid-run; damaged {len(damaged)}, "
        f"acknowledged commits lost in {len(lost)}"
    )
    assert cut_mid_run > TRIALS_FULL // 2  # the cuts really fell among the commits
    assert damaged == [] and lost == []


def test_the_control_run_with_synchronous_off_does_lose_commits(tmp_path: Path) -> None:
    total = operations(tmp_path, "OFF")
    outcomes = [trial(tmp_path, "OFF", seed, total) for seed in range(1, TRIALS_OFF + 1)]
    lost = [o for o in outcomes if o.survived < o.acknowledged]
    damaged = [o for o in outcomes if not o.intact]
    print(
        f"\npower cuts with synchronous=OFF: {len(outcomes)} trials; acknowledged commits "
        f"lost in {len(lost)}, damaged {len(damaged)}"
    )
    assert lost, "the simulation lost nothing even without syncs: it could not catch a loss"
