"""`counter-app backup`: a checked copy of the store, taken while the counter works, kept
`[backup] keep` deep; a copy holds the same journal as the store; a bad folder is refused
with nothing written."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from counter_app.cli import main
from counter_app.services.clock import SimulatedClock
from counter_app.services.simulate import first_simulated_day, simulate
from tests.helpers import open_demo


def journal(database: Path) -> list[tuple[int, str]]:
    store = sqlite3.connect(database)
    try:
        return store.execute("SELECT seq, hash FROM journal_entries ORDER BY seq").fetchall()
    finally:
        store.close()


def test_a_backup_is_taken_while_the_counter_works_and_rotated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "window"
    clock = SimulatedClock(datetime.now(UTC))
    ctx = open_demo(root, clock=clock, sign_in=False)
    simulate(ctx, clock, days=1, seed=7, start=first_simulated_day(ctx, 1))
    config = (root / "config.toml").read_text(encoding="utf-8")
    (root / "config.toml").write_text(config + "\n[backup]\nkeep = 2\n", encoding="utf-8")
    folder = tmp_path / "other-disk"
    # The counter is open (it holds the profile's lock): the backup needs no lock.
    taken = []
    for _ in range(3):
        assert main(["--profile", str(root), "backup", "--to", str(folder)]) == 0
        said = capsys.readouterr().out
        assert "backup written and checked" in said
        taken.append(Path(said.split("checked: ")[1].split("\n")[0]))
        ctx.session.sign_in("mona", "1234")  # the counter works on between backups
        ctx.session.sign_out()
    kept = sorted(folder.glob("counter-*.db"))
    assert kept == sorted(set(taken[-2:])) and len(kept) == 2  # the newest two
    # The last copy holds the journal as it was when it was taken.
    copied = journal(kept[-1])
    assert copied == journal(root / "counter.db")[: len(copied)] and len(copied) > 500
    ctx.close()


def test_a_folder_that_is_a_file_is_refused_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "window"
    open_demo(root, sign_in=False).close()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("an IT officer's note", encoding="utf-8")
    assert main(["--profile", str(root), "backup", "--to", str(blocker)]) == 2
    said = capsys.readouterr().err
    assert "is a file, not a folder" in said and "ملف وليس مجلدًا" in said
    assert blocker.read_text(encoding="utf-8") == "an IT officer's note"
    assert not list(tmp_path.glob("**/counter-*.db"))
