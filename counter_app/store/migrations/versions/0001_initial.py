"""The first schema: journal (append-only by trigger), store facts, clerks, shifts, tickets.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journal_entries",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("workstation_id", sa.String(64), nullable=False),
        sa.Column("entry_type", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("clerk", sa.String(64), nullable=False),
        sa.Column("device_time", sa.String(40), nullable=False),
        sa.Column("monotonic_ns", sa.BigInteger, nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("business_day", sa.String(10), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    # Rule 2 of DESIGN.md: entries are never updated or deleted; a correction is a new entry.
    op.execute(
        "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal_entries "
        "BEGIN SELECT RAISE(ABORT, 'journal entries are append-only: UPDATE refused'); END"
    )
    op.execute(
        "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal_entries "
        "BEGIN SELECT RAISE(ABORT, 'journal entries are append-only: DELETE refused'); END"
    )
    op.create_table(
        "store_facts",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "clerks",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("pin_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Integer, nullable=False, server_default="1"),
    )
    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("clerk", sa.String(64), sa.ForeignKey("clerks.username"), nullable=False),
        sa.Column("business_day", sa.String(10), nullable=False),
        sa.Column("opened_seq", sa.Integer, sa.ForeignKey("journal_entries.seq"), nullable=False),
        sa.Column("closed_seq", sa.Integer, sa.ForeignKey("journal_entries.seq")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("business_day", sa.String(10), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("issued_seq", sa.Integer, sa.ForeignKey("journal_entries.seq"), nullable=False),
        sa.Column("last_seq", sa.Integer, sa.ForeignKey("journal_entries.seq"), nullable=False),
        sa.UniqueConstraint("business_day", "number"),
    )
    op.create_index("tickets_by_status", "tickets", ["business_day", "status", "number"])


def downgrade() -> None:
    raise RuntimeError("the counter's schema is never downgraded: restore a backup instead")
