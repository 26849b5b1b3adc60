"""kill -9 in the middle of `counter-app restore` from a backup older than HQ's copy: at
any point the profile holds either the store it had or the whole restored one, never a
half-restored store and never no store (a window started then would begin a new, empty
journal and fork). Run again, the restore finishes; HQ and the window then agree entry
for entry.

The window runs as its own processes with the demo's profile-kept secrets, as an office
would run it; the kill comes from inside the restoring process at a chosen point (a
patch that sends itself SIGKILL), so no timing is involved.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.hq_server import RunningHq

WINDOW = "ASW-0101-W01"

KILLER = """
import os, pathlib, signal, sys
from counter_app.services import replay

point, at = sys.argv[1], int(sys.argv[2])
def die():
    os.kill(os.getpid(), signal.SIGKILL)

if point == "replay":  # inside the replay's transaction, at entry `at`
    run, seen = replay._Replay.run, [0]
    def counting(self, entry):
        seen[0] += 1
        if seen[0] == at:
            die()
        run(self, entry)
    replay._Replay.run = counting
else:  # just before, or just after, the restored copy takes the store's name
    rename = pathlib.Path.replace
    def replacing(self, target):
        if self.name.endswith(".restoring") and point == "before_rename":
            die()
        done = rename(self, target)
        if self.name.endswith(".restoring") and point == "after_rename":
            die()
        return done
    pathlib.Path.replace = replacing

from counter_app.cli import main
sys.exit(main(sys.argv[3:]))
"""


class Window:
    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "HOME": str(home),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
            # No OS keyring: the demo keeps its secrets in the profile, across processes.
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }

    def run(self, *args: str, script: str = "", code: int = 0) -> str:
        if script:
            command = [sys.executable, "-c", script, *args]
        else:
            command = [sys.executable, "-m", "counter_app", "--demo", "--profile", str(self.root)]
            command += args
        done = subprocess.run(
            command,
            cwd=self.home, env=self.env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        said = done.stdout + done.stderr
        assert done.returncode == code, f"{args}: {done.returncode} {said[-3000:]}"
        return said

    def restore_killed(self, backup: Path, point: str, at: int = 0) -> None:
        args = ["--demo", "--profile", str(self.root), "restore", str(backup)]
        self.run(point, str(at), *args, script=KILLER, code=-signal.SIGKILL)

    def chain(self) -> list[tuple[int, str]]:
        conn = sqlite3.connect(self.root / "counter.db")
        try:
            return [
                (int(s), str(h))
                for s, h in conn.execute("SELECT seq, hash FROM journal_entries ORDER BY seq")
            ]
        finally:
            conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("hq", ["sqlite"], indirect=True)
def test_a_restore_killed_at_any_point_leaves_the_old_store_or_the_whole_new_one(
    hq: RunningHq, tmp_path: Path
) -> None:
    window = Window(tmp_path / "window", tmp_path / "home")
    store = window.root / "counter.db"
    window.run("enroll", "--hq", hq.url, "--code", hq.enroll_code(1))
    window.run("simulate", "--days", "1", "--seed", "31")
    window.run("sync")
    window.run("backup", "--to", str(tmp_path / "backups"))
    backup = next((tmp_path / "backups").glob("counter-*.db"))
    window.run("simulate", "--days", "1", "--seed", "32")
    window.run("sync")
    at_hq = hq.journal_rows(WINDOW)
    assert at_hq == window.chain()
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    store.write_bytes(b"\x00\xffthe disk failed" * 4096)
    wrecked = digest(store)
    gap = at_hq[-1][0] - max(s for s, _ in sqlite_chain(backup))

    for point, at in (("replay", 1), ("replay", gap // 2), ("replay", gap), ("before_rename", 0)):
        window.restore_killed(backup, point, at)
        assert digest(store) == wrecked, (point, at)  # the store it had, as it was

    window.restore_killed(backup, "after_rename")
    restored = window.chain()
    assert restored[: len(at_hq)] == at_hq  # the whole restored store, HQ's entries and all
    assert len(restored) == len(at_hq) + 1  # and the restore's own entry
    # Run again, it finds the store sound and leaves it; the window goes on and syncs.
    assert "The store in use is sound" in window.run("restore", str(backup), code=2)
    window.run("sync")
    assert hq.journal_rows(WINDOW) == window.chain()
    assert not list(window.root.glob("counter.db.restoring*"))
    kept = list(window.root.glob("counter.db.before-restore-*"))
    assert kept and all(digest(k) == wrecked for k in kept if not k.name.endswith(("-wal", "-shm")))


def sqlite_chain(path: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(path)
    try:
        return [(int(s), str(h)) for s, h in conn.execute("SELECT seq, hash FROM journal_entries")]
    finally:
        conn.close()
