"""`counter-app restore`: an office offline for a day loses its store's disk; its backup
holds a day HQ never got. Restored, the window reports the restore, a supervisor
acknowledges it, and the day reaches HQ: HQ's copy and the window's agree entry for
entry. A restore that would replace a sound store is refused and changes nothing.
(A backup older than HQ's copy: tests/integration/test_restore_fetch_back.py.)"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from counter_app.cli import main
from counter_app.services.clock import SimulatedClock
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_SUPERVISOR
from counter_app.services.simulate import first_simulated_day, simulate
from tests.helpers import open_window
from tests.support.hq_server import RunningHq

WINDOW = "ASW-0101-W01"


def chain(ctx: AppContext) -> list[tuple[int, str]]:
    with ctx.db.read() as tx:
        return [(e.seq, e.hash) for e in tx.journal.entries()]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wreck(store: Path) -> None:
    """The disk under the store fails: its bytes are garbage."""
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    store.write_bytes(b"\x00\xffnot a database any more" * 4096)


def test_a_backup_holding_a_day_hq_never_got_is_restored_and_the_day_reaches_hq(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "window"
    store = root / "counter.db"
    clock = SimulatedClock(datetime.now(UTC))
    ctx = open_window(root, window=1, clock=clock)
    start = first_simulated_day(ctx, 3)
    ctx.sync.enroll(hq.url, hq.enroll_code(1))
    simulate(ctx, clock, days=1, seed=11, start=start)
    ctx.sync.sync_once()
    held_before = hq.journal_rows(WINDOW)
    # The office goes offline: a whole day HQ never gets, then the evening's backup.
    simulate(ctx, clock, days=1, seed=12, start=start + timedelta(days=1))
    assert main(["--profile", str(root), "backup", "--to", str(tmp_path / "backups")]) == 0
    backup = next((tmp_path / "backups").glob("counter-*.db"))
    in_backup = chain(ctx)
    assert len(in_backup) > len(held_before) + 500
    ctx.session.sign_in("mona", "1234")  # the next morning, after the backup
    ctx.close()
    wreck(store)

    assert main(["--profile", str(root), "restore", str(backup)]) == 0
    said = capsys.readouterr().out
    assert f"to seq {in_backup[-1][0]}" in said
    assert f"HQ holds this window's entries to seq {held_before[-1][0]}" in said
    kept = list(root.glob("counter.db.before-restore-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"\x00\xffnot a database")

    ctx = open_window(root, window=1, clock=clock)
    # The journal is behind its seal: the window says so and waits for a supervisor.
    assert ctx.evidence.held_by is not None
    assert chain(ctx)[: len(in_backup)] == in_backup
    ctx.evidence.acknowledge(
        DEMO_SUPERVISOR[0], DEMO_SUPERVISOR[3], "restored after a disk failure"
    )
    assert ctx.evidence.held_by is None
    ctx.sync.sync_once()
    assert hq.journal_rows(WINDOW) == chain(ctx)  # entry for entry, the offline day included
    assert ctx.uow.waiting_to_sync() == 0

    # That backup is now behind HQ: restored again, the window fetches back what HQ holds
    # beyond it (the supervisor's acknowledgement, the sync) and HQ sees no fork.
    at_hq = chain(ctx)
    ctx.close()
    wreck(store)
    assert main(["--profile", str(root), "restore", str(backup)]) == 0
    said = capsys.readouterr().out
    assert f"HQ held {len(at_hq) - len(in_backup)} entries the backup lacked" in said
    ctx = open_window(root, window=1, clock=clock)
    assert chain(ctx)[: len(at_hq)] == at_hq
    ctx.sync.sync_once()
    assert hq.journal_rows(WINDOW) == chain(ctx)
    ctx.close()


def test_a_sound_store_or_another_windows_backup_is_never_restored(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "window"
    ctx = open_window(root, window=1)
    ctx.close()
    assert main(["--profile", str(root), "backup", "--to", str(tmp_path / "b1")]) == 0
    ctx = open_window(root, window=1)
    ctx.session.sign_in("mona", "1234")  # the store in use moves on past the backup
    ctx.close()
    other = open_window(tmp_path / "other", window=2)
    other.close()
    assert main(["--profile", str(tmp_path / "other"), "backup", "--to", str(tmp_path / "b2")]) == 0
    capsys.readouterr()
    before = digest(root / "counter.db")
    cases = (
        (next((tmp_path / "b1").glob("*.db")), "The store in use is sound"),
        (next((tmp_path / "b2").glob("*.db")), "is the store of ASW-0101-W02"),
        (tmp_path / "missing.db", "There is no file"),
    )
    for backup, says in cases:
        assert main(["--profile", str(root), "restore", str(backup)]) == 2, says
        assert says in capsys.readouterr().err
    assert digest(root / "counter.db") == before
    assert not list(root.glob("counter.db.before-restore-*"))
