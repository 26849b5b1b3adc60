"""`counter-app restore` from a backup older than HQ's copy: the window fetches its own
entries back from HQ, checks their chain and its own signature over them, replays them,
and continues: nothing lost, nothing forked, HQ's copy and the window's agreeing entry
for entry. A copy that does not check out is refused and changes nothing."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from counter_app.cli import main
from counter_app.domain.errors import InputError
from counter_app.services.clock import SimulatedClock
from counter_app.services.context import AppContext
from counter_app.services.simulate import first_simulated_day, simulate
from sync import credentials
from sync.protocol import SignedHead, sign
from tests.helpers import open_window
from tests.integration.test_restore import chain, digest, wreck
from tests.support.hq_server import RunningHq

WINDOW = "ASW-0101-W01"

# The business rows a store holds, as the code that recorded them wrote them; the columns
# the journal cannot give back (documents, citizens' details) are left out, and said why.
TABLES = {
    "payments": "SELECT id, uuid, business_day, clerk, ticket, total, cash_tendered, change, "
    "tenders, provisional, receipt_number, receipt_job, status, seq, void_seq FROM payments",
    "payment_lines": "SELECT id, lines FROM payments",  # the names come from the catalogue
    "payment_fines": "SELECT * FROM payment_fines",
    # citizen_id: the citizen's details are never journaled
    "certificates": "SELECT id, number, service, payment_id, job_id, issued_day, valid_until, "
    "seq FROM certificates",
    # document: never journaled; last_error of a failed job is cut to 200 in its entry
    "print_jobs": "SELECT id, kind, status, copies, sheet_serial, created_seq, last_seq "
    "FROM print_jobs",
    "security_sheets": "SELECT * FROM security_sheets",
    "shifts": "SELECT id, clerk, business_day, opened_seq, closed_seq, float_piastres, "
    "float_count, close_record FROM shifts",
    "cash_movements": "SELECT * FROM cash_movements",
    # step and reasons: a close's retries write them without an entry
    "day_closes": "SELECT business_day, status, closed_seq FROM day_closes",
    "queue_tickets": "SELECT business_day, label, queue_group, number, status, category, "
    "window, clerk, outcome, rating, origin, issued_seq, last_seq, arrived_at, called_at, "
    "started_at, ended_at FROM queue_tickets",
    # nid_digest and details: never journaled; stages as HQ said them: not journaled
    "requests": "SELECT id, tracking, service, payment_id, deliver, status, submitted, "
    "business_day, created_seq FROM requests",
    "receipt_number": "SELECT value FROM store_facts WHERE key = 'receipt.last_number'",
}


def business(store: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(store)
    try:
        found = {name: conn.execute(query).fetchall() for name, query in TABLES.items()}
    finally:
        conn.close()
    found["payment_lines"] = [
        (pid, [{k: v for k, v in line.items() if not k.startswith("label")} for line in lines])
        for pid, lines in ((pid, json.loads(text)) for pid, text in found["payment_lines"])
    ]
    found["shifts"] = [
        (*row[:6], json.loads(row[6]), json.loads(row[7] or "null")) for row in found["shifts"]
    ]
    # JSON columns compared as what they say (the journal keeps its keys sorted)
    found["payments"] = [(*row[:8], json.loads(row[8]), *row[9:]) for row in found["payments"]]
    return found


def alarms(hq: RunningHq) -> list[tuple[Any, ...]]:
    with hq.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT seq, kind FROM tamper_alarms"))]


def a_day_then_a_backup_then_a_day_at_hq(
    hq: RunningHq, root: Path, backups: Path
) -> tuple[AppContext, SimulatedClock, Path, date]:
    clock = SimulatedClock(datetime.now(UTC))
    ctx = open_window(root, window=1, clock=clock)
    start = first_simulated_day(ctx, 3)
    ctx.sync.enroll(hq.url, hq.enroll_code(1))
    simulate(ctx, clock, days=1, seed=21, start=start)
    ctx.sync.sync_once()
    assert main(["--profile", str(root), "backup", "--to", str(backups)]) == 0
    backup = next(backups.glob("counter-*.db"))
    # The next day: payments, certificates, voids, requests, tickets, a shift, all at HQ.
    simulate(ctx, clock, days=1, seed=22, start=start + timedelta(days=1))
    ctx.sync.sync_once()
    assert ctx.uow.waiting_to_sync() == 0
    return ctx, clock, backup, start


def test_a_backup_older_than_hq_is_brought_up_to_hq_and_the_window_goes_on(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "window"
    store = root / "counter.db"
    ctx, clock, backup, _start = a_day_then_a_backup_then_a_day_at_hq(
        hq, root, tmp_path / "backups"
    )
    at_hq = chain(ctx)
    with ctx.db.read() as tx:
        in_backup = sum(1 for _ in tx.journal.entries()) - len(
            [e for e in tx.journal.entries(after_seq=_backup_last(backup))]
        )
        types = {e.entry_type for e in tx.journal.entries(after_seq=_backup_last(backup))}
    # The day after the backup holds what matters to a window's money and paper.
    assert {"payment.recorded", "payment.voided", "certificate.issued", "sheet.used"} <= types
    assert {"request.captured", "request.submitted", "shift.closed", "ticket.served"} <= types
    ctx.close()
    before = business(store)
    wreck(store)
    capsys.readouterr()

    assert main(["--profile", str(root), "restore", str(backup)]) == 0
    said = capsys.readouterr().out
    fetched = len(at_hq) - in_backup
    assert f"HQ held {fetched} entries the backup lacked, to seq {at_hq[-1][0]}" in said

    # The business rows are those the day made, written again from its entries.
    after = business(store)
    for name in TABLES:
        assert after[name] == before[name], name
    # A line's names (for a void's receipt) are the catalogue's, not its code.
    restored_lines = _lines_after(store, _backup_last(backup))
    assert restored_lines and all(x["label_ar"] != x["service"] for x in restored_lines)

    ctx = open_window(root, window=1, clock=clock)
    assert ctx.evidence.held_by is None  # HQ held every entry: none was lost
    mine = chain(ctx)
    assert mine[: len(at_hq)] == at_hq  # the window's own entries, as HQ holds them
    with ctx.db.read() as tx:
        restored = tx.journal.get(len(at_hq) + 1)
        last_receipt = int(tx.fact("receipt.last_number") or 0)
    assert restored is not None and restored.entry_type == "store.restored"
    assert json.loads(restored.payload)["fetched_to"] == at_hq[-1][0]
    # It goes on: the next receipt takes the next number, and HQ takes it without alarm.
    ctx.session.sign_in("mona", "1234")
    ctx.sync.sync_once()
    assert hq.journal_rows(WINDOW) == chain(ctx)  # entry for entry
    assert ctx.uow.waiting_to_sync() == 0
    assert alarms(hq) == []
    assert last_receipt == max(r[10] for r in before["payments"])

    # A request taken after the backup comes back without its applicant's ID (never in
    # the journal): when it is ready here, it is not handed to whoever asks.
    with ctx.db.read() as tx:
        row = tx.requests.by_tracking(str(before["requests"][-1][1]))
    assert row is not None and row["created_seq"] > _backup_last(backup)
    ctx.uow.run(
        lambda rec: rec.tx.requests.set_status(row["id"], "ready_for_collection", [], "", "")
    )
    with pytest.raises(InputError) as refused:
        ctx.tracking.hand_over(row["tracking"], "29505050100034", "mona", 1)
    assert "restored from HQ's copy without its applicant's ID" in refused.value.message_en
    ctx.close()


def _backup_last(backup: Path) -> int:
    conn = sqlite3.connect(backup)
    try:
        return int(conn.execute("SELECT max(seq) FROM journal_entries").fetchone()[0])
    finally:
        conn.close()


def enrolled_with_a_backup(hq: RunningHq, root: Path, backups: Path) -> tuple[AppContext, Path]:
    ctx = open_window(root, window=1)
    ctx.sync.enroll(hq.url, hq.enroll_code(1))
    ctx.session.sign_in("mona", "1234")
    ctx.sync.sync_once()
    assert main(["--profile", str(root), "backup", "--to", str(backups)]) == 0
    return ctx, next(backups.glob("counter-*.db"))


def test_a_job_unfinished_at_hqs_head_is_put_aside_never_printed_by_itself(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "window"
    ctx, backup = enrolled_with_a_backup(hq, root, tmp_path / "backups")

    def queued_then_the_disk_died(rec: Any) -> int:
        # Queued; whether it printed after HQ's last entry, nobody can say.
        entry = rec.record("print.queued", {"kind": "receipt", "reference": "test"}, "mona")
        return int(rec.tx.printing.add_job("receipt", "{}", entry.seq))

    job = ctx.uow.run(queued_then_the_disk_died)
    ctx.sync.sync_once()
    at_hq = chain(ctx)
    ctx.close()
    wreck(root / "counter.db")
    capsys.readouterr()

    assert main(["--profile", str(root), "restore", str(backup)]) == 0
    assert f"print jobs {job} were not finished" in capsys.readouterr().out
    ctx = open_window(root, window=1)
    assert ctx.printing.unfinished_jobs() == [
        (job, "receipt", "failed", "restored from HQ's copy: the document is not in the journal")
    ]
    with ctx.db.read() as tx:
        restored = tx.journal.get(at_hq[-1][0] + 1)
    assert restored is not None
    assert json.loads(restored.payload)["jobs_put_aside"] == [job]
    # Its document is not in the journal: printing it again is refused, in words.
    with pytest.raises(InputError) as refused:
        ctx.printing.reprint(job, "mona")
    assert "restored from HQ's copy" in refused.value.message_en and refused.value.message_ar
    ctx.sync.sync_once()
    assert hq.journal_rows(WINDOW) == chain(ctx)
    ctx.close()


def _hq_entry_altered(hq: RunningHq, seq: int) -> None:
    with hq.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE journal_entries SET clerk = 'someone else' "
                "WHERE workstation_id = :w AND seq = :s"
            ),
            {"w": WINDOW, "s": seq},
        )


def _hq_head_signed_by_another_key(hq: RunningHq, _seq: int) -> None:
    with hq.engine.begin() as conn:
        conn.execute(
            text("UPDATE workstations SET signed_head_signature = :s WHERE id = :w"),
            {"w": WINDOW, "s": "A" * 86 + "=="},
        )


def _hq_head_never_signed(hq: RunningHq, _seq: int) -> None:
    with hq.engine.begin() as conn:
        conn.execute(
            text("UPDATE workstations SET signed_head_seq = NULL WHERE id = :w"), {"w": WINDOW}
        )


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        (_hq_entry_altered, "HQ's entries do not continue the backup's chain"),
        (_hq_head_signed_by_another_key, "is not signed by this window's key"),
        (_hq_head_never_signed, "HQ holds no journal head signed by this window"),
        (None, "types this version cannot replay (future.thing)"),
    ],
)
def test_hqs_copy_that_does_not_check_out_is_refused_and_changes_nothing(
    hq: RunningHq,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    spoil: Any,
    says: str,
) -> None:
    root = tmp_path / "window"
    ctx, backup = enrolled_with_a_backup(hq, root, tmp_path / "backups")
    ctx.session.sign_out()
    if spoil is None:  # an entry a later version wrote, which this one cannot replay
        ctx.uow.run(lambda rec: rec.record("future.thing", {}, "system"))
    ctx.sync.sync_once()
    after_backup = _backup_last(backup) + 1
    ctx.close()
    if spoil is not None:
        spoil(hq, after_backup)
    store = root / "counter.db"
    wreck(store)
    before = digest(store)
    capsys.readouterr()

    assert main(["--profile", str(root), "restore", str(backup)]) == 2
    assert says in capsys.readouterr().err
    assert digest(store) == before
    assert not list(root.glob("counter.db.*"))


def test_tickets_an_earlier_day_left_open_end_with_it_in_the_restored_store_too(
    hq: RunningHq, tmp_path: Path
) -> None:
    root = tmp_path / "window"
    clock = SimulatedClock(datetime.now(UTC).replace(hour=8, minute=0))
    ctx = open_window(root, window=1, clock=clock)
    ctx.sync.enroll(hq.url, hq.enroll_code(1))
    ctx.session.sign_in("mona", "1234")
    ctx.queue.issue_ticket()
    ctx.queue.issue_ticket()
    ctx.sync.sync_once()
    assert main(["--profile", str(root), "backup", "--to", str(tmp_path / "backups")]) == 0
    backup = next((tmp_path / "backups").glob("counter-*.db"))
    clock.advance(24 * 3600)  # the next morning: yesterday's two tickets end with their day
    ctx.queue.issue_ticket()
    ctx.sync.sync_once()
    ctx.close()
    before = business(root / "counter.db")
    assert sorted(r[4] for r in before["queue_tickets"]) == ["cancelled", "cancelled", "waiting"]
    wreck(root / "counter.db")

    assert main(["--profile", str(root), "restore", str(backup)]) == 0
    assert business(root / "counter.db")["queue_tickets"] == before["queue_tickets"]


def _lines_after(store: Path, seq: int) -> list[dict[str, Any]]:
    conn = sqlite3.connect(store)
    try:
        rows = conn.execute("SELECT lines FROM payments WHERE seq > ?", (seq,)).fetchall()
    finally:
        conn.close()
    return [line for (text_,) in rows for line in json.loads(text_)]


def test_entries_after_the_last_signed_head_hold_by_their_chain_and_are_said_so(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "window"
    ctx, backup = enrolled_with_a_backup(hq, root, tmp_path / "backups")
    ctx.session.sign_out()
    ctx.sync.sync_once()
    at_hq = chain(ctx)
    ctx.close()
    # The last head HQ kept is the backup's own last entry: the push after it was cut
    # short before HQ kept its head (made here with the window's own key).
    last = _backup_last(backup)
    head = SignedHead(seq=last, hash=dict(at_hq)[last], signature="")
    key = credentials.load_signing_key(WINDOW)
    assert key is not None
    with hq.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE workstations SET signed_head_seq = :s, signed_head_hash = :h, "
                "signed_head_signature = :g WHERE id = :w"
            ),
            {"s": last, "h": head.hash, "g": sign(key, head.body(WINDOW)), "w": WINDOW},
        )
    wreck(root / "counter.db")
    capsys.readouterr()

    assert main(["--profile", str(root), "restore", str(backup)]) == 0
    said = capsys.readouterr().out
    assert f"entries {last + 1} to {at_hq[-1][0]} came after the last head" in said
    ctx = open_window(root, window=1)
    with ctx.db.read() as tx:
        restored = tx.journal.get(at_hq[-1][0] + 1)
    assert restored is not None and json.loads(restored.payload)["signed_to"] == last
    ctx.sync.sync_once()
    assert hq.journal_rows(WINDOW) == chain(ctx)
    ctx.close()
