"""A thief with counter.db (its WAL, logs and printed/) but not the keyring: no PIN can
be tested, no citizen digest inverted, no certificate holder read past the retention."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import keyring
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.domain.errors import InputError
from counter_app.services.demo import DEMO_CLERK, DEMO_SUPERVISOR
from sync import credentials
from sync.protocol import b64d
from tests.conftest import MemoryKeyring
from tests.helpers import open_demo
from tests.integration.test_insider_evidence import raw_edit
from tests.integration.test_printing import certificate, enrol_locally

WS = "ASW-0101-W01"
NATIONAL_ID = "29001012801235"


def stolen_bytes(profile: Path) -> bytes:
    """Everything a thief copies from the profile folder (the keyring stays behind)."""
    return b"".join(p.read_bytes() for p in sorted(profile.rglob("*")) if p.is_file())


def test_pin_hashes_are_wrapped_and_a_stolen_store_cannot_test_a_guess(tmp_path: Path) -> None:
    profile = tmp_path / "window"
    ctx = open_demo(profile)
    ctx.close()
    conn = sqlite3.connect(profile / "counter.db")
    stored = dict(conn.execute("SELECT username, pin_hash FROM clerks").fetchall())
    conn.close()
    assert set(stored) >= {DEMO_CLERK[0], DEMO_SUPERVISOR[0]}
    assert all(value.startswith("w1:") for value in stored.values())
    assert b"$argon2" not in stolen_bytes(profile)

    # A wrapped hash moved to another username does not open: the username is bound in.
    raw_edit(
        profile,
        f"UPDATE clerks SET pin_hash = '{stored[DEMO_SUPERVISOR[0]]}' "
        f"WHERE username = '{DEMO_CLERK[0]}'",
    )
    ctx = open_demo(profile, sign_in=False)
    with pytest.raises(InputError, match="PIN"):
        ctx.session.sign_in(DEMO_CLERK[0], DEMO_SUPERVISOR[3])
    assert ctx.session.sign_in(DEMO_SUPERVISOR[0], DEMO_SUPERVISOR[3]).role == "supervisor"
    ctx.close()

    # On another machine (another keyring) the right PIN does not open either.
    thief = tmp_path / "thief"
    shutil.copytree(profile, thief, ignore=shutil.ignore_patterns("instance.lock"))
    keyring.set_keyring(MemoryKeyring())
    ctx = open_demo(thief, sign_in=False)
    with pytest.raises(InputError, match="PIN"):
        ctx.session.check_credentials(DEMO_SUPERVISOR[0], DEMO_SUPERVISOR[3])
    ctx.close()


def test_the_citizen_digest_key_lives_in_the_keyring_and_an_old_store_hands_it_over(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    profile = tmp_path / "window"
    ctx = open_demo(profile)
    ctx.identity.capture_national_id(NATIONAL_ID)
    with ctx.db.read() as tx:
        captured = tx.journal.last_of("identity.captured")
        assert tx.fact("identity.digest_key") is None
    assert captured is not None
    key = b64d(keyring.get_password(credentials.SERVICE, f"{WS}:citizen-key") or "")
    digest = hmac.new(key, NATIONAL_ID.encode(), hashlib.sha256).hexdigest()[:32]
    assert captured.payload_data()["digest"] == digest
    ctx.close()
    assert key not in stolen_bytes(profile) and key.hex().encode() not in stolen_bytes(profile)

    # A store from before: its key in store_facts. At start it moves to the keyring,
    # journaled, and the same citizen still gets the same digest (linkable as before).
    old = tmp_path / "old"
    legacy = os.urandom(32)
    ctx = open_demo(old)
    ctx.close()
    raw_edit(old, f"INSERT INTO store_facts VALUES ('identity.digest_key', '{legacy.hex()}')")
    memory_keyring.delete_password(credentials.SERVICE, f"{WS}:citizen-key")
    credentials.use_fallback(None)  # forget the key this process read
    ctx = open_demo(old)
    ctx.identity.capture_national_id(NATIONAL_ID)
    with ctx.db.read() as tx:
        assert tx.fact("identity.digest_key") is None
        moved = tx.journal.last_of("secrets.moved")
        captured = tx.journal.last_of("identity.captured")
    assert moved is not None and captured is not None
    expected = hmac.new(legacy, NATIONAL_ID.encode(), hashlib.sha256).hexdigest()[:32]
    assert captured.payload_data()["digest"] == expected
    ctx.close()


def test_printed_documents_are_forgotten_after_the_retention_once_hq_holds_them(
    tmp_path: Path,
) -> None:
    profile = tmp_path / "window"
    ctx = open_demo(profile)
    enrol_locally(ctx, Ed25519PrivateKey.generate())
    job = ctx.uow.run(
        lambda rec: ctx.printing.queue(rec, "clearance_certificate", certificate(), "mona")
    )
    assert ctx.printing.run(job).status == "printed"
    pdfs = list((profile / "printed").rglob("*.pdf"))
    assert pdfs
    retention = ctx.config.retention.citizen_data_days
    later = date.today() + timedelta(days=retention + 2)
    # Not yet at HQ: kept, however old.
    assert ctx.printing.purge_documents(later) == 0
    with ctx.db.read() as tx:
        head, _ = tx.journal.head()
    ctx.uow.record_acknowledged(head)
    # Within the retention: kept.
    assert ctx.printing.purge_documents(date.today()) == 0
    long_ago = (date.today() - timedelta(days=retention + 5)).toordinal() - 719163
    for pdf in pdfs:
        os.utime(pdf, (long_ago * 86400, long_ago * 86400))
    assert ctx.printing.purge_documents(later) == 1
    assert not any(p.exists() for p in pdfs)
    assert ctx.printing.sheet_counts()["used"] == 1  # the sheet stays accounted for
    with pytest.raises(InputError, match="retention"):
        ctx.printing.reprint(job, "mona")
    ctx.close()
    conn = sqlite3.connect(profile / "counter.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (document,) = conn.execute("SELECT document FROM print_jobs WHERE id = ?", (job,)).fetchone()
    conn.close()
    assert NATIONAL_ID not in document and "purged" in document
