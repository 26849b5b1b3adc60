"""Replays and tampering, sent straight to the real HQ: each gets the answer the protocol states."""

from __future__ import annotations

import dataclasses
import gzip
import threading
from pathlib import Path

import pytest
import requests

from counter_app.domain.journal import GENESIS_HASH, JournalEntry, compute_hash
from counter_app.services.context import AppContext
from sync import credentials
from sync.client import HqClient, HqRefused
from sync.protocol import WIRE_FIELDS, PushBatch
from tests.helpers import open_window
from tests.integration.test_sync import simulated_window
from tests.support.hq_server import RunningHq

WS = "ASW-0101-W01"


@pytest.fixture
def window(hq: RunningHq, tmp_path: Path) -> AppContext:
    ctx = simulated_window(tmp_path / "window")
    ctx.sync.enroll(hq.url, hq.enroll_code())
    return ctx


def entries(ctx: AppContext) -> list[JournalEntry]:
    with ctx.db.read() as tx:
        return list(tx.journal.entries())


def batch(items: list[JournalEntry], prev_hash: str | None = None) -> PushBatch:
    return PushBatch(
        workstation_id=WS,
        prev_hash=prev_hash or items[0].prev_hash,
        rows=[[getattr(e, f) for f in WIRE_FIELDS] for e in items],
    )


def client(hq: RunningHq) -> HqClient:
    creds = credentials.load(WS)
    assert creds is not None
    return HqClient(hq.url, token=creds.token, attempts=1)


def test_a_batch_sent_twice_is_stored_once(hq: RunningHq, window: AppContext) -> None:
    all_entries = entries(window)
    hq_client = client(hq)
    first = hq_client.push(batch(all_entries[:200]))
    again = hq_client.push(batch(all_entries[:200]))
    assert first == again and first.acked_seq == 200
    assert hq.journal_rows(WS) == [(e.seq, e.hash) for e in all_entries[:200]]
    assert hq.service.tamper_alarms() == []


def test_concurrent_copies_of_a_batch_are_stored_once(hq: RunningHq, window: AppContext) -> None:
    all_entries = entries(window)[:300]
    answers: list[int] = []
    errors: list[Exception] = []

    def push() -> None:
        try:
            answers.append(client(hq).push(batch(all_entries)).acked_seq)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=push) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and answers == [300] * 6
    assert hq.journal_rows(WS) == [(e.seq, e.hash) for e in all_entries]
    assert hq.service.tamper_alarms() == []


def test_an_old_batch_after_newer_ones_is_a_no_op(hq: RunningHq, window: AppContext) -> None:
    all_entries = entries(window)
    hq_client = client(hq)
    hq_client.push(batch(all_entries[:200]))
    hq_client.push(batch(all_entries[200:400]))
    assert hq_client.push(batch(all_entries[:200])).acked_seq == 400
    assert len(hq.journal_rows(WS)) == 400


def test_an_altered_entry_under_a_known_seq_is_a_tamper_alarm(
    hq: RunningHq, window: AppContext
) -> None:
    all_entries = entries(window)
    hq_client = client(hq)
    hq_client.push(batch(all_entries[:100]))
    original = all_entries[49]
    forged = dataclasses.replace(original, payload='{"number":1,"service":"fines"}')
    forged = dataclasses.replace(
        forged,
        hash=compute_hash({k: v for k, v in dataclasses.asdict(forged).items() if k != "hash"}),
    )
    with pytest.raises(HqRefused) as refused:
        hq_client.push(batch([*all_entries[:49], forged, *all_entries[50:100]]))
    assert refused.value.status == 409 and refused.value.reason == "tamper"
    alarms = hq.service.tamper_alarms()
    assert [(a["workstation_id"], a["seq"], a["kind"]) for a in alarms] == [
        (WS, 50, "different_entry")
    ]
    assert hq.journal_rows(WS)[49] == (50, original.hash)  # never stored over the original


def test_a_chain_that_does_not_continue_is_refused_whole(hq: RunningHq, window: AppContext) -> None:
    all_entries = entries(window)
    hq_client = client(hq)
    hq_client.push(batch(all_entries[:100]))
    broken = list(all_entries[100:150])
    broken[20] = dataclasses.replace(broken[20], payload='{"number":999}')
    with pytest.raises(HqRefused) as refused:
        hq_client.push(batch(broken))
    assert refused.value.reason == "tamper" and refused.value.acked_seq == 100
    assert len(hq.journal_rows(WS)) == 100
    assert hq.service.tamper_alarms()[-1]["seq"] == 121


def test_a_gap_is_refused_without_alarm_and_the_client_resumes(
    hq: RunningHq, window: AppContext
) -> None:
    all_entries = entries(window)
    hq_client = client(hq)
    hq_client.push(batch(all_entries[:100]))
    with pytest.raises(HqRefused) as refused:
        hq_client.push(batch(all_entries[150:200]))
    assert refused.value.reason == "gap" and refused.value.acked_seq == 100
    assert hq.service.tamper_alarms() == []
    report = window.sync.sync_once()  # the service resumes from what HQ holds
    # ... and sends everything after it, the entries its bundles recorded included.
    assert report.pushed == len(entries(window)) - 100 > len(all_entries) - 100


def test_malformed_and_oversized_batches_are_refused(hq: RunningHq, window: AppContext) -> None:
    hq_client = client(hq)
    bad = PushBatch(workstation_id=WS, prev_hash=GENESIS_HASH, rows=[[1, "x"]])
    with pytest.raises(HqRefused) as refused:
        hq_client.push(bad)
    assert refused.value.status == 400
    creds = credentials.load(WS)
    assert creds is not None
    bomb = gzip.compress(b"[" + b" " * (20 * 1024 * 1024) + b"]")
    answer = requests.post(
        hq.url + "/v1/journal",
        data=bomb,
        timeout=30,
        headers={"Authorization": f"Bearer {creds.token}", "Content-Encoding": "gzip"},
    )
    assert answer.status_code == 413
    assert hq.journal_rows(WS) == []


def test_a_revoked_workstation_and_its_cloned_key_are_refused(
    hq: RunningHq, window: AppContext, tmp_path: Path
) -> None:
    hq_client = client(hq)
    hq_client.push(batch(entries(window)[:10]))
    hq.service.revoke_workstation(WS)
    with pytest.raises(HqRefused) as refused:
        hq_client.push(batch(entries(window)[10:20]))
    assert refused.value.status == 403 and refused.value.reason == "revoked"
    # Someone copied the key off the old PC and tries to enrol it as a new window.
    creds = credentials.load(WS)
    assert creds is not None
    from sync.protocol import EnrollRequest, public_key_text

    with pytest.raises(HqRefused) as cloned:
        HqClient(hq.url, attempts=1).enroll(
            EnrollRequest(
                code=hq.enroll_code(window=2), public_key=public_key_text(creds.signing_key)
            )
        )
    assert cloned.value.reason == "revoked_key"
    # Every other window learns of the revocation from the signed trust list.
    other = open_window(tmp_path / "window-4", window=4)
    other.sync.enroll(hq.url, hq.enroll_code(window=4))
    other.sync.sync_once()
    trust = other.sync.bundle("trust")
    assert trust is not None
    assert [r["workstation_id"] for r in trust.payload["revoked"]] == [WS]
    assert len(hq.journal_rows(WS)) == 10
    other.close()
