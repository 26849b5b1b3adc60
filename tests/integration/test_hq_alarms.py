"""HQ's own alarms about an insider at the window, against the real HQ (SQLite and
PostgreSQL): a head that goes backwards, a forked chain, a head signed by another key,
and what the window found about itself; `hq-server alarms` names window and sequence."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.domain.cash import CashCount
from counter_app.services import sync as sync_service
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_SUPERVISOR
from counter_app.services.sync import SyncProblem
from sync import credentials
from sync.client import HqClient, HqRefused
from sync.protocol import PushBatch, SignedHead, sign
from tests.helpers import open_demo
from tests.integration.test_heartbeat import reseal
from tests.integration.test_insider_evidence import raw_edit, rechain_from
from tests.support.hq_server import RunningHq

WS = "ASW-0101-W01"


def synced_window(hq: RunningHq, root: Path, tickets: int = 12) -> AppContext:
    ctx = open_demo(root)
    ctx.sync.enroll(hq.url, hq.enroll_code())
    for _ in range(tickets):
        ctx.queue.issue_ticket()
    ctx.sync.push_only()
    return ctx


def alarms_command(hq: RunningHq) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hq.cli",
            "--db",
            hq.db_url,
            "--key-file",
            str(hq.key_file),
            *["alarms"],
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_synced_entries_deleted_at_the_window_raise_an_alarm_at_hq(
    hq: RunningHq, tmp_path: Path
) -> None:
    root = tmp_path / "window"
    ctx = synced_window(hq, root)
    acked = ctx.uow.acked_seq
    ctx.close()
    raw_edit(root, f"DELETE FROM journal_entries WHERE seq > {acked - 5}")
    ctx = open_demo(root, sign_in=False)
    assert [f.kind for f in ctx.evidence.findings] == ["entries_missing"]
    with pytest.raises(SyncProblem, match="HQ holds"):
        ctx.sync.push_only()
    ctx.close()
    kinds = [(a["workstation_id"], a["kind"]) for a in hq.service.tamper_alarms()]
    assert kinds == [(WS, "head_backwards")]
    listed = alarms_command(hq)
    # The window's journal now ends at the tamper.detected entry that took seq acked-4.
    assert f"{WS} seq {acked - 4}: head_backwards" in listed


def test_a_rewritten_synced_history_raises_a_fork_alarm_and_the_window_report_arrives(
    hq: RunningHq, tmp_path: Path
) -> None:
    root = tmp_path / "window"
    ctx = synced_window(hq, root)
    acked = ctx.uow.acked_seq
    ctx.close()
    # The insider removes the last 5 synced entries and the seal, then works on: the
    # window starts over from acked-5 with new entries under seqs HQ already holds.
    raw_edit(root, f"DELETE FROM journal_entries WHERE seq > {acked - 5}")
    (root / "journal.seal").unlink()
    ctx = open_demo(root)
    assert [f.kind for f in ctx.evidence.findings] == ["seal_missing"]
    ctx.evidence.acknowledge(DEMO_SUPERVISOR[0], DEMO_SUPERVISOR[3], "told HQ by phone")
    for _ in range(8):
        ctx.queue.issue_ticket()
    with pytest.raises(SyncProblem, match="differs"):
        ctx.sync.push_only()
    ctx.close()
    alarms = hq.service.tamper_alarms()
    assert [(a["workstation_id"], a["seq"], a["kind"]) for a in alarms] == [(WS, acked, "fork")]


def test_a_head_not_signed_by_the_window_and_a_window_report(hq: RunningHq, tmp_path: Path) -> None:
    root = tmp_path / "window"
    ctx = synced_window(hq, root, tickets=3)
    with ctx.db.read() as tx:
        seq, head_hash = tx.journal.head()
    body = {"workstation_id": WS, "seq": seq, "hash": head_hash}
    forged = SignedHead(seq=seq, hash=head_hash, signature=sign(Ed25519PrivateKey.generate(), body))
    token = credentials.load(WS)
    assert token is not None
    client = HqClient(hq.url, token=token.token, attempts=1)
    with pytest.raises(HqRefused) as refused:
        client.push(PushBatch(workstation_id=WS, prev_hash=head_hash, rows=[], head=forged))
    assert refused.value.reason == "tamper"
    # Sent again, the same alarm is not written twice.
    with pytest.raises(HqRefused):
        client.push(PushBatch(workstation_id=WS, prev_hash=head_hash, rows=[], head=forged))
    client.close()
    assert [(a["seq"], a["kind"]) for a in hq.service.tamper_alarms()] == [
        (seq, "bad_head_signature")
    ]
    # The window finds something itself (a trigger dropped): its report reaches HQ.
    ctx.close()
    conn = sqlite3.connect(root / "counter.db")
    conn.execute("DROP TRIGGER journal_no_update")
    conn.commit()
    conn.close()
    ctx = open_demo(root, sign_in=False)
    ctx.sync.push_only()
    ctx.close()
    last = hq.service.tamper_alarms()[-1]
    assert (last["kind"], last["seq"]) == ("window_reported", seq + 1)
    assert "trigger_dropped" in last["detail"]


def test_a_forged_heartbeat_raises_an_alarm_at_hq(hq: RunningHq, tmp_path: Path) -> None:
    """The insider holds the keyring but not HQ: a heartbeat rewritten (here, to fill a
    gap with a signature of their own making) is refused by its signature at HQ."""
    root = tmp_path / "window"
    ctx = synced_window(hq, root, tickets=2)
    ctx.shifts.open_shift(CashCount())
    beat = ctx.heartbeat.beat_if_due()
    assert beat is not None
    with ctx.db.read() as tx:
        entry = tx.journal.get(beat)
    assert entry is not None
    ctx.close()
    payload = entry.payload_data()
    payload["signature"] = sign(Ed25519PrivateKey.generate(), {"seq": beat})
    rechain_from(root, beat, json.dumps(payload))
    reseal(root, WS)
    ctx = open_demo(root, sign_in=False)
    assert [f.kind for f in ctx.evidence.findings] == ["heartbeat_forged"]
    ctx.sync.push_only()  # held operations do not hold the sync
    ctx.close()
    kinds = [(a["seq"], a["kind"]) for a in hq.service.tamper_alarms()]
    assert (beat, "bad_heartbeat") in kinds
    assert (beat + 1, "window_reported") in kinds  # what the window found, too
    assert f"{WS} seq {beat}: bad_heartbeat" in alarms_command(hq)


class WatchedLock:
    """The sync service's push lock, telling the test when the second push reaches it."""

    def __init__(self, inner: object, second: threading.Event, name: str) -> None:
        self._inner, self._second, self._name = inner, second, name

    def __enter__(self) -> None:
        if threading.current_thread().name == self._name:
            self._second.set()  # the second push is at the lock (and waits there)
        self._inner.__enter__()  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)  # type: ignore[attr-defined]


def test_two_syncs_at_once_never_raise_a_false_alarm(
    hq: RunningHq, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The background sync and the clerk's "sync now" overlap: the push that read the
    window's head first must not land its (older) signed head after the other push's
    entries, which HQ would rightly read as the window going backwards."""
    ctx = synced_window(hq, tmp_path / "window", tickets=3)
    ctx.queue.issue_ticket()  # waiting to go up
    second_out_of_the_way = threading.Event()
    second_push = threading.Thread(
        target=lambda: (ctx.sync.push_only(), second_out_of_the_way.set()), name="second"
    )
    monkeypatch.setattr(
        ctx.sync, "_pushing", WatchedLock(ctx.sync._pushing, second_out_of_the_way, "second")
    )
    real_push = HqClient.push

    def push_after_the_other(client: HqClient, batch: PushBatch) -> object:
        if threading.current_thread() is threading.main_thread() and not second_push.ident:
            # The first push has read and signed the head. Another entry is written and
            # the second push starts; it either finishes or waits at the lock.
            ctx.queue.issue_ticket()
            second_push.start()
            assert second_out_of_the_way.wait(timeout=120)
        return real_push(client, batch)

    monkeypatch.setattr(HqClient, "push", push_after_the_other)
    ctx.sync.push_only()
    second_push.join(timeout=120)
    assert not second_push.is_alive()
    ctx.sync.push_only()  # whatever the second push left waiting
    assert hq.service.tamper_alarms() == []
    with ctx.db.read() as tx:
        local = [(e.seq, e.hash) for e in tx.journal.entries()]
    assert hq.journal_rows(WS) == local
    ctx.close()


def test_an_entry_written_during_a_push_waits_for_the_next_one(
    hq: RunningHq, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk works on while a sync runs: an entry written after the push signed the
    window's head goes up with the next push, never under the older head."""
    ctx = synced_window(hq, tmp_path / "window", tickets=3)
    ctx.queue.issue_ticket()  # waiting to go up
    real_sign = sync_service.sign
    written: list[int] = []

    def sign_then_work_on(key: Ed25519PrivateKey, body: bytes) -> str:
        signature = real_sign(key, body)
        if not written:  # the head is signed; the clerk issues a ticket meanwhile
            written.append(ctx.queue.issue_ticket().number)
        return signature

    monkeypatch.setattr(sync_service, "sign", sign_then_work_on)
    ctx.sync.push_only()
    assert written
    assert hq.service.tamper_alarms() == []
    assert ctx.uow.waiting_to_sync() == 1  # the ticket issued during the push
    monkeypatch.undo()
    ctx.sync.push_only()
    with ctx.db.read() as tx:
        local = [(e.seq, e.hash) for e in tx.journal.entries()]
    assert hq.journal_rows(WS) == local
    assert hq.service.tamper_alarms() == []
    ctx.close()
