"""An insider at the window with write access to counter.db: each attack of issue 12 is
tried as they would try it, and the window must find it at start (or at the day close),
journal it, hold new operations until a supervisor acknowledges, and repair nothing."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.cli import main
from counter_app.domain.errors import InputError
from counter_app.domain.journal import JournalEntry, compute_hash
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_CLERK, DEMO_SUPERVISOR
from counter_app.services.recorder import TamperHold
from sync.protocol import public_key_text
from tests.helpers import open_demo
from tests.integration.test_printing import certificate, enrol_locally


def raw_edit(profile: Path, *statements: str | tuple[str, Sequence[object]]) -> None:
    """What the insider does: drop the append-only triggers, change rows, put the triggers
    back (so that nothing looks missing), all with the sqlite3 shell's means. A statement
    is SQL, or SQL with its parameters."""
    conn = sqlite3.connect(profile / "counter.db")
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _sql in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        if isinstance(statement, str):
            conn.execute(statement)
        else:
            conn.execute(*statement)
    for _name, sql in triggers:
        conn.execute(sql)
    conn.commit()
    conn.close()


def rechain_from(profile: Path, seq: int, payload: str) -> None:
    """Edit entry `seq` and recompute every hash after it, so that the chain verifies."""
    conn = sqlite3.connect(profile / "counter.db")
    rows = conn.execute(
        "SELECT seq, uuid, workstation_id, entry_type, payload, clerk, device_time, "
        "monotonic_ns, run_id, business_day, prev_hash, hash FROM journal_entries "
        "WHERE seq >= ? ORDER BY seq",
        (seq - 1,),
    ).fetchall()
    conn.close()
    prev = rows[0][11]
    statements = []
    for row in rows[1:]:
        entry = JournalEntry(*row)
        fields = {k: v for k, v in asdict(entry).items() if k != "hash"}
        fields["prev_hash"] = prev
        if entry.seq == seq:
            fields["payload"] = payload
        prev = compute_hash(fields)
        quoted = fields["payload"].replace("'", "''")
        statements.append(
            f"UPDATE journal_entries SET payload = '{quoted}', prev_hash = "
            f"'{fields['prev_hash']}', hash = '{prev}' WHERE seq = {entry.seq}"
        )
    raw_edit(profile, *statements)


def findings_at_start(profile: Path) -> tuple[AppContext, list[str]]:
    ctx = open_demo(profile, sign_in=False)
    return ctx, [f.kind for f in ctx.evidence.findings]


def assert_held_then_acknowledged(ctx: AppContext) -> None:
    """Operations wait; the clerk cannot acknowledge; a supervisor can, with a note."""
    held = ctx.evidence.held_by
    assert held is not None
    with ctx.db.read() as tx:
        detected = tx.journal.get(held)
    assert detected is not None and detected.entry_type == "tamper.detected"
    ctx.session.sign_in(DEMO_CLERK[0], DEMO_CLERK[3])
    with pytest.raises(TamperHold):
        ctx.queue.issue_ticket()
    with pytest.raises(InputError, match="supervisor"):
        ctx.evidence.acknowledge(DEMO_CLERK[0], DEMO_CLERK[3], "I saw nothing")
    with pytest.raises(InputError, match="PIN"):
        ctx.evidence.acknowledge(DEMO_SUPERVISOR[0], "0000", "called HQ at 10:40")
    with pytest.raises(InputError, match="five characters"):
        ctx.evidence.acknowledge(DEMO_SUPERVISOR[0], DEMO_SUPERVISOR[3], "ok")
    assert ctx.evidence.held_by == held
    ctx.evidence.acknowledge(DEMO_SUPERVISOR[0], DEMO_SUPERVISOR[3], "called HQ at 10:40")
    assert ctx.evidence.held_by is None
    ctx.queue.issue_ticket()
    with ctx.db.read() as tx:
        ack = tx.journal.last_of("tamper.acknowledged")
    assert ack is not None and ack.clerk == DEMO_SUPERVISOR[0]
    assert ack.payload_data()["detected_seq"] == held


def busy_window(profile: Path, tickets: int = 30) -> None:
    ctx = open_demo(profile)
    for _ in range(tickets):
        ctx.queue.issue_ticket()
    ctx.close()


def test_an_untouched_window_finds_nothing_and_seals_its_head(profile_dir: Path) -> None:
    busy_window(profile_dir, 3)
    ctx, found = findings_at_start(profile_dir)
    assert found == [] and ctx.evidence.held_by is None
    seal = json.loads((profile_dir / "journal.seal").read_text())
    with ctx.db.read() as tx:
        assert (seal["seq"], seal["hash"]) == tx.journal.head()
    ctx.close()
    assert main(["--profile", str(profile_dir), "verify-journal"]) == 0


def test_deleting_the_last_unsynced_entries_is_found_and_holds_operations(
    profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    busy_window(profile_dir)
    raw_edit(
        profile_dir,
        "DELETE FROM journal_entries WHERE seq > (SELECT max(seq) - 25 FROM journal_entries)",
    )
    # The chain itself still verifies: only the seal tells.
    assert main(["--profile", str(profile_dir), "verify-journal"]) == 1
    assert "entries_missing" in capsys.readouterr().out
    assert main(["--profile", str(profile_dir), "doctor"]) == 1
    ctx, found = findings_at_start(profile_dir)
    assert found == ["entries_missing"]
    assert_held_then_acknowledged(ctx)
    ctx.close()
    ctx, found = findings_at_start(profile_dir)  # acknowledged, sealed anew: not found twice
    assert found == [] and ctx.evidence.held_by is None
    ctx.close()


def test_an_unsynced_entry_edited_and_the_chain_recomputed_is_found(profile_dir: Path) -> None:
    busy_window(profile_dir, 10)
    conn = sqlite3.connect(profile_dir / "counter.db")
    seq, payload = conn.execute(
        "SELECT seq, payload FROM journal_entries WHERE entry_type = 'ticket.issued' "
        "ORDER BY seq DESC LIMIT 1 OFFSET 3"
    ).fetchone()
    conn.close()
    rechain_from(profile_dir, seq, payload.replace('"category"', '"categ0ry"'))
    ctx, found = findings_at_start(profile_dir)
    assert found == ["journal_rewritten"]
    assert_held_then_acknowledged(ctx)
    ctx.close()


def test_a_wal_cut_off_after_a_crash_is_found_and_a_plain_crash_is_not(tmp_path: Path) -> None:
    profile = tmp_path / "window"
    busy_window(profile, 2)  # closed: the WAL is checkpointed into counter.db
    ctx = open_demo(profile)
    for _ in range(5):
        ctx.queue.issue_ticket()
    # The power goes (or the process is killed): the files are as SQLite left them.
    crashed, cut = tmp_path / "crashed", tmp_path / "cut"
    for copy in (crashed, cut):
        shutil.copytree(profile, copy, ignore=shutil.ignore_patterns("instance.lock"))
    ctx.close()
    wal = cut / "counter.db-wal"
    assert wal.stat().st_size > 0
    wal.write_bytes(b"")  # the insider cuts the WAL off before the counter starts again
    after_crash, found = findings_at_start(crashed)
    assert found == [] and after_crash.evidence.held_by is None
    after_crash.close()
    after_cut, found = findings_at_start(cut)
    assert found == ["entries_missing"]
    after_cut.close()


def test_dropped_triggers_are_reported(profile_dir: Path) -> None:
    busy_window(profile_dir, 1)
    conn = sqlite3.connect(profile_dir / "counter.db")
    conn.execute("DROP TRIGGER journal_no_delete")
    conn.commit()
    conn.close()
    ctx, found = findings_at_start(profile_dir)
    assert found == ["trigger_dropped"]
    ctx.close()


def test_a_no_show_set_to_served_is_found(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir)
    ctx.queue.issue_ticket()
    ctx.queue.issue_ticket()
    ctx.queue.call_next()
    ctx.queue.finish_current("no_show")
    ctx.queue.call_next()
    ctx.queue.finish_current("served")
    ctx.close()
    ctx, found = findings_at_start(profile_dir)
    assert found == []
    ctx.close()
    raw_edit(profile_dir, "UPDATE queue_tickets SET status = 'served' WHERE status = 'no_show'")
    ctx, found = findings_at_start(profile_dir)
    assert found == ["ticket_edited"]
    assert "is served but entry" in ctx.evidence.findings[0].detail_en
    ctx.close()


def test_a_used_security_sheet_set_back_to_loaded_is_found(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir)
    enrol_locally(ctx, Ed25519PrivateKey.generate())
    job = ctx.uow.run(
        lambda rec: ctx.printing.queue(rec, "clearance_certificate", certificate(), "mona")
    )
    assert ctx.printing.run(job).sheet_serial == 4_500_001
    with ctx.db.read() as tx:
        loaded = tx.journal.last_of("sheets.loaded")
    assert loaded is not None
    ctx.close()
    ctx, found = findings_at_start(profile_dir)
    assert found == []
    ctx.close()
    # Set back to loaded, pointing at the entry that loaded it, as if never printed on.
    raw_edit(
        profile_dir,
        f"UPDATE security_sheets SET status = 'loaded', job_id = NULL, last_seq = {loaded.seq} "
        "WHERE serial = 4500001",
    )
    ctx, found = findings_at_start(profile_dir)
    assert found == ["sheet_edited"]
    assert "4500001 is loaded but the journal has it used" in ctx.evidence.findings[0].detail_en
    ctx.close()


def test_a_swapped_hq_key_is_found_and_verify_certificate_refuses_it(
    profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hq_key, rogue = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    ctx = open_demo(profile_dir)
    enrol_locally(ctx, hq_key)
    ctx.close()
    ctx, found = findings_at_start(profile_dir)  # this version anchors the key, journaled
    assert found == []
    with ctx.db.read() as tx:
        anchored = tx.journal.last_of("trust.anchored")
    assert anchored is not None
    assert anchored.payload_data()["hq_public_key"] == public_key_text(hq_key)
    ctx.close()

    conn = sqlite3.connect(profile_dir / "counter.db")
    (text,) = conn.execute("SELECT value FROM store_facts WHERE key = 'sync.enrolment'").fetchone()
    enrolment = json.loads(text)
    enrolment["hq_public_key"] = public_key_text(rogue)
    conn.execute(
        "UPDATE store_facts SET value = ? WHERE key = 'sync.enrolment'", (json.dumps(enrolment),)
    )
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["--profile", str(profile_dir), "verify-certificate", "--text", "AAAA"]) == 2
    assert "not the one it enrolled with" in capsys.readouterr().err
    assert main(["--profile", str(profile_dir), "doctor"]) == 1
    assert "hq_key_swapped" in capsys.readouterr().out
    ctx, found = findings_at_start(profile_dir)
    assert found == ["hq_key_swapped"]
    ctx.close()


@pytest.mark.parametrize(
    "damage",
    [
        lambda seal: seal.unlink(),
        lambda seal: seal.write_text("{not json"),
        lambda seal: seal.write_text(json.dumps({**json.loads(seal.read_text()), "signature": ""})),
        lambda seal: seal.write_text(
            json.dumps({**json.loads(seal.read_text()), "seq": 3, "hash": "0" * 64})
        ),
    ],
    ids=["removed", "damaged", "unsigned", "forged"],
)
def test_a_removed_or_forged_seal_is_itself_a_finding(
    profile_dir: Path, damage: Callable[[Path], None]
) -> None:
    ctx = open_demo(profile_dir)
    enrol_locally(ctx, Ed25519PrivateKey.generate())
    ctx.queue.issue_ticket()  # sealed with the workstation's key
    ctx.close()
    damage(profile_dir / "journal.seal")
    ctx, found = findings_at_start(profile_dir)
    assert len(found) == 1 and found[0].startswith("seal_")
    assert ctx.evidence.held_by is not None
    ctx.close()


def test_the_day_close_checks_again_and_does_not_close_over_a_finding(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir)
    ctx.queue.issue_ticket()
    ctx.queue.call_next()
    ctx.queue.finish_current("no_show")
    # Mid-day, with the counter running, someone edits the table behind its back.
    raw_edit(profile_dir, "UPDATE queue_tickets SET status = 'served' WHERE status = 'no_show'")
    ctx.session.sign_out()
    state = ctx.day_close.close_day()
    assert state.status == "failed" and state.step == "journal"
    assert "Tampering was found" in state.reason_en
    assert ctx.evidence.held_by is not None
    ctx.close()
