"""Shifts counted and explained: the float counted by denomination at open, cash paid in
and out with a reason, the close's record (tender table, grand total, sequence range);
the business day's close with its state, so a failed close shows as failed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shifts") as batch:
        batch.add_column(
            sa.Column("float_piastres", sa.BigInteger, nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("float_count", sa.Text, nullable=False, server_default="{}"))
        # The close's record as journaled (JSON): tender table, grand total, seq range.
        batch.add_column(sa.Column("close_record", sa.Text))
    op.create_table(
        "cash_movements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("shift_id", sa.Integer, sa.ForeignKey("shifts.id"), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),  # paid in > 0, paid out < 0
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("clerk", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, sa.ForeignKey("journal_entries.seq"), nullable=False),
    )
    op.create_table(
        "day_closes",
        sa.Column("business_day", sa.String(10), primary_key=True),
        # closing -> failed | closed -> confirmed (HQ holds every entry up to last_seq)
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("step", sa.String(32), nullable=False, server_default=""),
        sa.Column("reason_ar", sa.Text, nullable=False, server_default=""),
        sa.Column("reason_en", sa.Text, nullable=False, server_default=""),
        sa.Column("closed_seq", sa.Integer),
        sa.Column("last_seq", sa.Integer),
        sa.Column("backup", sa.Text, nullable=False, server_default=""),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_index("journal_by_day", "journal_entries", ["business_day", "seq"])


def downgrade() -> None:
    raise RuntimeError("the store's schema is never downgraded: restore a backup instead")
