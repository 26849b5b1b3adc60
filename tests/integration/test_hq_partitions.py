"""The journal partitioned by business day on PostgreSQL (migration h0009): existing rows
keep their place, the days ahead are made at start, a day that had no partition moves
out of the default partition without losing or doubling an entry, and the same entry
sent again is still held once. SQLite keeps one table."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from counter_app.domain.journal import GENESIS_HASH
from counter_app.services.clock import SimulatedClock
from hq.db import make_engine, migrate
from hq.partitions import DEFAULT, ensure_days, listing, name_of
from sync import credentials
from sync.client import HqClient
from sync.protocol import WIRE_FIELDS, PushBatch
from tests.helpers import open_demo
from tests.support import hq_server
from tests.support.hq_server import RunningHq

WS = "ASW-0101-W01"
NO_POSTGRES = "PostgreSQL variant: no server here (set HQ_TEST_POSTGRES_URL; .ci/run does)"


@pytest.fixture
def postgres() -> Iterator[Engine]:
    if not hq_server.POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    url, name = hq_server.fresh_postgres_database()
    engine = make_engine(url)
    yield engine
    engine.dispose()
    hq_server.drop_postgres_database(name)


def hq_command(hq: RunningHq, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hq.cli", "--db", hq.db_url, "--key-file", str(hq.key_file), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=hq.folder,
        check=False,
    )


def rows_by_partition(engine: Engine) -> dict[str, int]:
    return {p.name: p.rows for p in listing(engine)}


def test_the_migration_moves_an_existing_journal_into_day_partitions(postgres: Engine) -> None:
    migrate(postgres, "h0008")
    days = ["2026-11-27", "2026-11-28", "2026-11-28", "not-a-day"]
    with postgres.begin() as conn:
        for seq, day in enumerate(days, start=1):
            conn.execute(
                text(
                    "INSERT INTO journal_entries VALUES (:ws, :seq, :uuid, 'ticket.issued', '{}',"
                    " 'mona', 't', 0, 'run', :day, :prev, :hash, 'r')"
                ),
                {
                    "ws": WS,
                    "seq": seq,
                    "uuid": f"u{seq}",
                    "day": day,
                    "prev": "p",
                    "hash": f"h{seq}",
                },
            )
    with postgres.connect() as conn:
        before = sorted(conn.execute(text("SELECT seq, hash FROM journal_entries")).all())

    migrate(postgres)

    with postgres.connect() as conn:
        after = sorted(conn.execute(text("SELECT seq, hash FROM journal_entries")).all())
        kind = conn.execute(
            text("SELECT relkind FROM pg_class WHERE relname = 'journal_entries'")
        ).scalar()
    assert after == before
    assert kind == "p"  # a partitioned table
    assert rows_by_partition(postgres) == {
        "journal_d_20261127": 1,
        "journal_d_20261128": 2,
        DEFAULT: 1,  # a day that is not a date waits in the default partition
    }


@pytest.mark.parametrize("hq", ["postgresql"], indirect=True)
def test_a_day_without_a_partition_moves_into_its_own_exactly_once(
    hq: RunningHq, tmp_path: Path
) -> None:
    today = date.today()
    made = rows_by_partition(hq.engine)
    # HQ made yesterday, today and the week ahead when it started.
    for offset in range(-1, 8):
        assert name_of(today + timedelta(days=offset)) in made

    # A window whose clock runs three weeks ahead: HQ made no partition for its day.
    ctx = open_demo(
        tmp_path / "window", clock=SimulatedClock(datetime.now(UTC) + timedelta(days=21))
    )
    for _ in range(5):
        ctx.queue.issue_ticket()
    ctx.sync.enroll(hq.url, hq.enroll_code())
    ctx.sync.sync_once()
    held = hq.journal_rows(WS)
    with ctx.db.read() as tx:
        entries = list(tx.journal.entries())
        assert held == [(e.seq, e.hash) for e in entries]
    old_days = sorted(
        {e.business_day for e in entries}
        - {(today + timedelta(days=n)).isoformat() for n in range(-1, 8)}
    )
    assert old_days, "the window should have worked a day HQ had no partition for"
    in_default = rows_by_partition(hq.engine)[DEFAULT]
    assert in_default == sum(1 for e in entries if e.business_day in old_days)

    shown = hq_command(hq, "partitions")
    assert shown.returncode == 0, shown.stderr
    assert f"{old_days[0]}" in shown.stdout and "default partition" in shown.stdout

    moved = hq_command(hq, "partitions", *[f"--day={day}" for day in old_days])
    assert moved.returncode == 0, moved.stderr
    after = rows_by_partition(hq.engine)
    assert after[DEFAULT] == 0
    for day in old_days:
        assert after[name_of(date.fromisoformat(day))] == sum(
            1 for e in entries if e.business_day == day
        )
    assert hq.journal_rows(WS) == held  # nothing lost, nothing doubled

    # The same entries sent again, now that they sit in their day's partition: held once.
    creds = credentials.load(WS)
    assert creds is not None
    client = HqClient(hq.url, token=creds.token)
    head = client.push(
        PushBatch(
            workstation_id=WS,
            prev_hash=GENESIS_HASH,
            rows=[[getattr(e, f) for f in WIRE_FIELDS] for e in entries[:50]],
        )
    )
    client.close()
    assert head.acked_seq == held[-1][0]
    assert hq.journal_rows(WS) == held
    assert hq.service.tamper_alarms() == []
    ctx.close()


def test_a_wrong_day_is_refused_in_both_languages(hq: RunningHq) -> None:
    done = hq_command(hq, "partitions", "--day", "30/11/2026")
    assert done.returncode == 2
    assert "YYYY-MM-DD" in done.stderr and "اكتب اليوم" in done.stderr


@pytest.mark.parametrize("hq", ["sqlite"], indirect=True)
def test_sqlite_keeps_one_table(hq: RunningHq) -> None:
    done = hq_command(hq, "partitions")
    assert done.returncode == 0
    assert "one table" in done.stdout


def test_an_entry_arriving_while_its_day_is_made_is_kept(postgres: Engine) -> None:
    """An ingest's insert into the default partition, not yet committed when HQ makes that
    day's partition: the move waits for it and takes it along."""
    migrate(postgres)
    day = date(2031, 1, 15)
    ingest = postgres.connect()
    ingest.begin()
    ingest.execute(
        text(
            "INSERT INTO journal_entries VALUES ('W', 1, 'u', 'ticket.issued', '{}', 'mona',"
            " 't', 0, 'run', :day, 'p', 'h', 'r')"
        ),
        {"day": day.isoformat()},
    )
    outcome: list[object] = []
    maker = threading.Thread(
        target=lambda: outcome.append(_attempt(lambda: ensure_days(postgres, day, 1)))
    )
    maker.start()
    with postgres.connect() as watch:
        # The partition maker waits for the ingest's transaction (a lock wait, seen by
        # PostgreSQL itself), then the ingest commits.
        while not watch.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
        ).scalar_one():
            assert maker.is_alive(), outcome
            watch.rollback()
    ingest.commit()
    ingest.close()
    maker.join(timeout=60)
    assert outcome == [[name_of(day)]]
    assert rows_by_partition(postgres)[name_of(day)] == 1
    assert rows_by_partition(postgres)[DEFAULT] == 0


def _attempt(work: Callable[[], object]) -> object:
    try:
        return work()
    except Exception as exc:  # the test reports it
        return exc
