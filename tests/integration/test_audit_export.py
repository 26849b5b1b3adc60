"""The auditor's export of a synced simulated week, re-checked by its standalone verifier:
everything verifies, and one changed byte is named by file, line, window and entry."""

from __future__ import annotations

import ast
import csv
import io
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.domain.journal import JournalEntry
from counter_app.services.clock import SimulatedClock
from counter_app.services.context import AppContext
from counter_app.services.simulate import first_simulated_day, simulate
from hq.cli import main as hq_main
from hq.evidence import record_alarm
from sync.protocol import public_key_text
from tests.helpers import open_demo, open_window
from tests.support import hq_server
from tests.support.hq_server import RunningHq

STDLIB = set(sys.stdlib_module_names)


@pytest.fixture
def hq_of_record(tmp_path: Path) -> Iterator[RunningHq]:
    """HQ on PostgreSQL, as in production, when the machine has it; SQLite otherwise."""
    dropped = None
    if hq_server.POSTGRES_URL:
        url, dropped = hq_server.fresh_postgres_database()
    else:
        url = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    server = RunningHq(tmp_path, url)
    server.add_office()
    server.start(tick_s=0)
    yield server
    server.stop()
    if dropped:
        hq_server.drop_postgres_database(dropped)


def verify(folder: Path, *extra: str) -> tuple[int, str]:
    """The verifier as an auditor runs it: the copy inside the export, isolated (-I)."""
    done = subprocess.run(
        [sys.executable, "-I", str(folder / "verify_export.py"), str(folder), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folder,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def flip_digit(path: Path, line: int, column: str) -> str:
    """Change one byte of one cell (a digit, to another digit) on a line of a CSV; the
    cell's old value."""
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(csv.reader([lines[0]]))
    cells = next(csv.reader([lines[line - 1]]))
    old = cells[header.index(column)]
    digit = next(i for i, c in enumerate(old) if c.isdigit())
    cells[header.index(column)] = old[:digit] + str((int(old[digit]) + 1) % 10) + old[digit + 1 :]
    written = io.StringIO()
    csv.writer(written, lineterminator="").writerow(cells)
    assert len(written.getvalue()) == len(lines[line - 1])  # one byte changed, nothing else
    lines[line - 1] = written.getvalue()
    path.write_text("\n".join(lines), encoding="utf-8")
    return old


def test_a_synced_week_exports_and_verifies_and_one_changed_byte_is_named(
    hq_of_record: RunningHq, tmp_path: Path
) -> None:
    hq = hq_of_record
    clock = SimulatedClock(datetime.now(UTC))
    week = open_demo(tmp_path / "w1", clock=clock, sign_in=False)
    simulate(week, clock, days=7, seed=5, start=first_simulated_day(week, 7))
    other = open_window(tmp_path / "w2", window=2, clock=SimulatedClock(datetime.now(UTC)))
    simulate(other, other.clock, days=1, seed=9, start=first_simulated_day(other, 1))
    for ctx, window in ((week, 1), (other, 2)):
        ctx.sync.enroll(hq.url, hq.enroll_code(window))
        ctx.sync.sync_once()
    with hq.engine.begin() as conn:
        record_alarm(conn, "ASW-0101-W02", (5, "window_reported", "a test's alarm"))
    days = sorted({e.business_day for ctx in (week, other) for e in _entries(ctx)})
    out = tmp_path / "export"
    assert hq_main(["--db", hq.db_url, "--key-file", str(hq.key_file), "export",
                    "--from", days[0], "--to", days[-1], "--out", str(out)]) == 0  # fmt: skip

    code, said = verify(out, "--hq-key", hq.service.public_key)
    assert code == 0, said
    assert "EXPORT VERIFIES" in said
    # HQ's copy is the windows' own, entry for entry.
    journal = rows(out / "journal_entries.csv")
    for ctx in (week, other):
        ws = ctx.config.workstation_id
        assert [(int(r["seq"]), r["hash"]) for r in journal if r["workstation_id"] == ws] == [
            (e.seq, e.hash) for e in _entries(ctx)
        ]
    payments = rows(out / "payments.csv")
    assert len(payments) == sum(
        1 for ctx in (week, other) for e in _entries(ctx) if e.entry_type == "payment.recorded"
    )
    assert {r["workstation_id"] for r in payments} == {"ASW-0101-W01", "ASW-0101-W02"}
    # Every row names its window and its shift close (the simulated days close each shift).
    assert all(r["workstation_id"] and r["shift_close_seq"] for r in payments)
    closes = {int(r["seq"]) for r in rows(out / "shift_and_day_closes.csv")}
    assert {int(r["shift_close_seq"]) for r in payments} <= closes
    assert len(rows(out / "alarms.csv")) == 1

    # One byte of one payment: named by its line, window and seq, and what the entry says.
    changed = _copy(out, tmp_path / "changed-payment")
    old = flip_digit(changed / "payments.csv", 17, "total_piastres")
    row = rows(out / "payments.csv")[15]
    code, said = verify(changed, "--hq-key", hq.service.public_key)
    assert code == 1
    where = f"payments.csv line 17 ({row['workstation_id']} seq {row['seq']})"
    assert f"{where}: total_piastres is" in said and f"says '{old}'" in said, said

    # One byte of one journal entry: the entry is named as altered.
    changed = _copy(out, tmp_path / "changed-entry")
    flip_digit(changed / "journal_entries.csv", 500, "monotonic_ns")
    entry = journal[498]
    code, said = verify(changed, "--hq-key", hq.service.public_key)
    assert code == 1
    assert f"journal_entries.csv line 500 ({entry['workstation_id']} seq {entry['seq']}): " \
        "was altered" in said, said  # fmt: skip

    # One byte of an alarm: no entry to compare with, but the row differs from HQ's digest.
    changed = _copy(out, tmp_path / "changed-alarm")
    flip_digit(changed / "alarms.csv", 2, "alarm_id")
    code, said = verify(changed, "--hq-key", hq.service.public_key)
    assert code == 1 and "alarms.csv line 2 (ASW-0101-W02 seq 5)" in said, said

    # A whole entry removed, with its digest: the chain says where.
    changed = _copy(out, tmp_path / "removed-entry")
    for name in ("journal_entries.csv", "journal_entries.rows"):
        lines = (changed / name).read_text(encoding="utf-8").split("\n")
        del lines[300 if name.endswith(".csv") else 299]  # data row 300, after the header
        (changed / name).write_text("\n".join(lines), encoding="utf-8")
    code, said = verify(changed, "--hq-key", hq.service.public_key)
    assert code == 1
    assert f"follows seq {journal[298]['seq']}: entries are missing" in said, said

    # A changed manifest, or a key that is not HQ's: nothing can be verified.
    changed = _copy(out, tmp_path / "changed-manifest")
    manifest = (changed / "manifest.json").read_bytes()
    (changed / "manifest.json").write_bytes(manifest.replace(b'"rows":1,', b'"rows":2,', 1))
    assert verify(changed, "--hq-key", hq.service.public_key)[0] == 2
    stranger = public_key_text(Ed25519PrivateKey.generate())
    code, said = verify(out, "--hq-key", stranger)
    assert code == 2 and "does not verify" in said
    week.close()
    other.close()


def test_the_verifier_needs_only_the_standard_library_and_cryptography() -> None:
    from hq.audit import verify_export

    tree = ast.parse(Path(verify_export.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
        if not (isinstance(node, ast.ImportFrom) and node.level)
    }
    assert imported - STDLIB == {"cryptography"}


def test_bad_export_requests_are_refused_and_write_nothing(
    hq_of_record: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", hq_of_record.db_url, "--key-file", str(hq_of_record.key_file), "export"]
    out = tmp_path / "out"
    for args, said in (
        (["--from", "2026-11-31", "--to", "2026-12-01"], "YYYY-MM-DD"),
        (["--from", "2026-12-02", "--to", "2026-12-01"], "before --from"),
        (["--from", "2026-12-01", "--to", "2026-12-01", "--office", "NOPE-1"], "not registered"),
    ):
        assert hq_main([*base, *args, "--out", str(out)]) == 2
        assert said in capsys.readouterr().err
        assert not out.exists()
    out.mkdir()
    (out / "keep.txt").write_text("an auditor's own file")
    assert hq_main([*base, "--from", "2026-12-01", "--to", "2026-12-01", "--out", str(out)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def _entries(ctx: AppContext) -> list[JournalEntry]:
    with ctx.db.read() as tx:
        return list(tx.journal.entries())


def _copy(folder: Path, to: Path) -> Path:
    shutil.copytree(folder, to)
    return to
