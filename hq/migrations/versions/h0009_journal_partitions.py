"""PostgreSQL: the journal partitioned by business day (LIST, one partition a day, and a
default partition for a day that has none yet). SQLite keeps one table.

PostgreSQL wants the partition key in every unique key, so the journal's key becomes
(workstation, seq, business day). The same entry sent twice still carries the same day
and is refused by the key; a different entry under a number HQ holds is refused by the
ingest, which holds the window's row locked and compares it with the entry HQ has
(hq/ingest.py), and raises a tamper alarm.

Existing rows are copied into the new table, one partition for each day they have.

Revision ID: h0009
Revises: h0008
Create Date: 2026-11-30
"""

import re
from datetime import date

from alembic import op

revision = "h0009"
down_revision = "h0008"
branch_labels = None
depends_on = None

COLUMNS = """
    workstation_id VARCHAR(64) NOT NULL,
    seq BIGINT NOT NULL,
    uuid VARCHAR(36) NOT NULL,
    entry_type VARCHAR(64) NOT NULL,
    payload TEXT NOT NULL,
    clerk VARCHAR(64) NOT NULL,
    device_time VARCHAR(40) NOT NULL,
    monotonic_ns BIGINT NOT NULL,
    run_id VARCHAR(36) NOT NULL,
    business_day VARCHAR(10) NOT NULL,
    prev_hash VARCHAR(64) NOT NULL,
    hash VARCHAR(64) NOT NULL,
    received_at VARCHAR(40) NOT NULL
"""
NAMES = (
    "workstation_id, seq, uuid, entry_type, payload, clerk, device_time, monotonic_ns, "
    "run_id, business_day, prev_hash, hash, received_at"
)
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE journal_entries RENAME TO journal_entries_h0008")
    op.execute(
        "ALTER TABLE journal_entries_h0008 RENAME CONSTRAINT journal_entries_pkey "
        "TO journal_entries_h0008_pkey"
    )
    op.execute(
        f"CREATE TABLE journal_entries ({COLUMNS}, CONSTRAINT journal_entries_pkey "
        "PRIMARY KEY (workstation_id, seq, business_day)) PARTITION BY LIST (business_day)"
    )
    op.execute("CREATE TABLE journal_entries_default PARTITION OF journal_entries DEFAULT")
    days = bind.exec_driver_sql("SELECT DISTINCT business_day FROM journal_entries_h0008")
    for (text,) in days.all():
        if not DAY.fullmatch(text):
            continue  # not a date: it stays in the default partition
        try:
            day = date.fromisoformat(text)
        except ValueError:
            continue
        op.execute(
            f"CREATE TABLE journal_d_{day:%Y%m%d} PARTITION OF journal_entries "
            f"FOR VALUES IN ('{day.isoformat()}')"
        )
    op.execute(
        f"INSERT INTO journal_entries ({NAMES}) SELECT {NAMES} FROM journal_entries_h0008"  # noqa: S608
    )
    op.execute("DROP TABLE journal_entries_h0008")


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
