"""The office dashboard: each window's last contact, clock offset and reported head; HQ's
staff and their signed-in sessions.

Revision ID: h0006
Revises: h0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "h0006"
down_revision = "h0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workstations", sa.Column("last_sync_at", sa.String(length=40), nullable=True))
    op.add_column("workstations", sa.Column("clock_offset_ms", sa.BigInteger(), nullable=True))
    op.add_column("workstations", sa.Column("reported_head_seq", sa.BigInteger(), nullable=True))
    op.create_table(
        "staff",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["username"], ["staff.username"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
