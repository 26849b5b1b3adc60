"""Heartbeats against an insider who can also use the window's key (its keyring): the seal
no longer helps, since they re-seal what they cut. Entries cut out before a heartbeat
leave that heartbeat's signature wrong; heartbeats cut out with them leave a silent gap
that the day report shows once work goes on."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.cli import main
from counter_app.domain.cash import CashCount
from counter_app.domain.evidence import SealedHead
from counter_app.domain.heartbeat import HEARTBEAT, INTERVAL, heartbeat_body
from counter_app.domain.journal import JournalEntry, compute_hash
from counter_app.services.clock import SimulatedClock
from counter_app.services.context import AppContext
from counter_app.services.evidence import HeadSealFile
from counter_app.services.simulate import random_national_id
from sync import credentials
from sync.protocol import public_key_text, sign, verify
from tests.helpers import open_demo
from tests.integration.test_insider_evidence import assert_held_then_acknowledged, raw_edit
from tests.integration.test_printing import enrol_locally

COLUMNS = (
    "seq, uuid, workstation_id, entry_type, payload, clerk, device_time, monotonic_ns, "
    "run_id, business_day, prev_hash, hash"
)


def working_window(root: Path, clock: SimulatedClock, minutes: int) -> AppContext:
    """An enrolled window with a shift open, a citizen every other minute, the timer
    asking for a beat every minute."""
    ctx = open_demo(root, clock=clock)
    enrol_locally(ctx, Ed25519PrivateKey.generate())
    ctx.shifts.open_shift(CashCount())
    work(ctx, clock, minutes)
    return ctx


def work(ctx: AppContext, clock: SimulatedClock, minutes: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    for minute in range(minutes):
        clock.advance(60)
        if minute % 2:
            ctx.identity.capture_national_id(random_national_id(rng))
        ctx.heartbeat.beat_if_due()


def beats(ctx: AppContext) -> list[JournalEntry]:
    with ctx.db.read() as tx:
        return list(tx.journal.of_type(HEARTBEAT))


def cut_out(profile: Path, first: int, last: int) -> None:
    """The insider removes entries `first`..`last` (all of them, or only those that are
    not heartbeats), renumbers what follows and recomputes the chain."""
    conn = sqlite3.connect(profile / "counter.db")
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM journal_entries WHERE seq >= ? ORDER BY seq", (first - 1,)
    ).fetchall()
    conn.close()
    prev = rows[0][11]
    kept = [JournalEntry(*row) for row in rows[1:] if not first <= row[0] <= last]
    statements: list[str | tuple[str, tuple[object, ...]]] = [
        f"DELETE FROM journal_entries WHERE seq >= {first}"
    ]
    for seq, entry in enumerate(kept, start=first):
        fields = {k: v for k, v in asdict(entry).items() if k != "hash"}
        fields.update(seq=seq, prev_hash=prev)
        prev = compute_hash(fields)
        values = (*fields.values(), prev)
        statements.append(
            (f"INSERT INTO journal_entries ({COLUMNS}) VALUES ({', '.join('?' * 12)})", values)
        )
    raw_edit(profile, *statements)


def window_key(workstation_id: str) -> Ed25519PrivateKey:
    key = credentials.load_signing_key(workstation_id)
    assert key is not None
    return key


def reseal(profile: Path, workstation_id: str) -> None:
    """With the keyring's key, the insider seals the head they left."""
    conn = sqlite3.connect(profile / "counter.db")
    seq, head = conn.execute("SELECT seq, hash FROM journal_entries ORDER BY seq DESC").fetchone()
    conn.close()
    key = window_key(workstation_id)
    seal = SealedHead(workstation_id, seq, head)
    HeadSealFile(profile / "journal.seal").write(
        SealedHead(workstation_id, seq, head, sign(key, seal.body()))
    )


def clock_at_eight() -> SimulatedClock:
    return SimulatedClock(datetime.now(UTC).replace(hour=6, minute=0, second=0, microsecond=0))


def test_an_open_shift_beats_signed_and_a_silent_stretch_shows_in_the_day_report(
    profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = clock_at_eight()
    ctx = open_demo(profile_dir, clock=clock)
    assert ctx.heartbeat.beat_if_due() is None  # no shift open: nothing to prove
    enrol_locally(ctx, Ed25519PrivateKey.generate())
    ctx.shifts.open_shift(CashCount())
    work(ctx, clock, 60)
    ws = ctx.config.workstation_id
    public = public_key_text(window_key(ws))
    steady = beats(ctx)
    times = [datetime.fromisoformat(b.device_time) for b in steady]
    steps = [later - earlier for earlier, later in pairwise(times)]
    assert len(steady) >= 60 // int(INTERVAL.total_seconds() // 60)
    tick = timedelta(minutes=1)  # the timer asks once a minute
    assert all(INTERVAL <= step <= INTERVAL + tick for step in steps)
    for beat in steady:  # each signed over its own place, checked with the public key alone
        body = heartbeat_body(
            ws, beat.seq, beat.prev_hash, beat.device_time, beat.payload_data()["shift"]
        )
        verify(public, body, beat.payload_data()["signature"])
    assert ctx.day_report.report()["silent_gaps"] == []

    # The window is off for 40 minutes with the shift still open, then back.
    ctx.close()
    clock.advance(40 * 60)
    ctx = open_demo(profile_dir, clock=clock)
    assert ctx.evidence.findings == []
    work(ctx, clock, 6)
    after = beats(ctx)[len(steady)]
    [gap] = ctx.day_report.report()["silent_gaps"]
    assert (gap["after_seq"], gap["before_seq"]) == (steady[-1].seq, after.seq)
    silent = datetime.fromisoformat(after.device_time) - times[-1]
    assert gap["minutes"] == int(silent.total_seconds() // 60) and gap["minutes"] >= 40
    day = ctx.day_close.today()
    ctx.close()
    assert main(["--profile", str(profile_dir), "day-report", "--day", day, "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Silent gaps in open shifts" in text
    assert f"({gap['minutes']} min)" in text


def test_entries_cut_out_before_a_heartbeat_are_found_even_when_resealed(
    profile_dir: Path,
) -> None:
    clock = clock_at_eight()
    ctx = working_window(profile_dir, clock, 40)
    ws = ctx.config.workstation_id
    third, fourth = beats(ctx)[2:4]
    ctx.close()
    # Only the citizens between two beats go; the beats stay, renumbered and rechained.
    cut_out_citizens = list(range(third.seq + 1, fourth.seq))
    cut_out(profile_dir, cut_out_citizens[0], cut_out_citizens[-1])
    reseal(profile_dir, ws)

    ctx = open_demo(profile_dir, sign_in=False, clock=clock)
    found = ctx.evidence.findings
    assert {f.kind for f in found} == {"heartbeat_forged"}  # the seal itself verifies
    assert found[0].seq == fourth.seq - len(cut_out_citizens)
    assert_held_then_acknowledged(ctx)
    ctx.close()
    assert main(["--profile", str(profile_dir), "verify-journal"]) == 1


def test_a_tail_cut_out_with_its_heartbeats_leaves_a_gap_once_work_goes_on(
    profile_dir: Path,
) -> None:
    clock = clock_at_eight()
    ctx = working_window(profile_dir, clock, 60)
    ws = ctx.config.workstation_id
    kept = beats(ctx)[4]
    ctx.close()
    with sqlite3.connect(profile_dir / "counter.db") as conn:
        head, last_time = conn.execute(
            "SELECT seq, device_time FROM journal_entries ORDER BY seq DESC"
        ).fetchone()
    raw_edit(profile_dir, f"DELETE FROM journal_entries WHERE seq > {kept.seq}")
    reseal(profile_dir, ws)
    assert head > kept.seq + 20  # over half an hour of the day is gone

    # What the window can still say at start: nothing. This is the limit of a key the
    # insider holds (docs/threat-model.md); HQ's copy and the gap below are what remain.
    ctx = open_demo(profile_dir, clock=clock)
    assert ctx.evidence.findings == []
    work(ctx, clock, 3)
    [gap] = ctx.day_report.report()["silent_gaps"]
    assert gap["after_seq"] == kept.seq
    # The gap spans everything that was cut out.
    start, end = (datetime.fromisoformat(gap[k]) for k in ("from", "to"))
    assert start <= datetime.fromisoformat(kept.device_time)
    assert end > datetime.fromisoformat(last_time)
    ctx.close()
