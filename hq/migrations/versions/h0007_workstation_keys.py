"""A replacement PC for a window: every key a window has had, and where in the window's
journal each key's chain begins. The windows enrolled so far each had one key, from seq 1.

Revision ID: h0007
Revises: h0006
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "h0007"
down_revision = "h0006"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def upgrade() -> None:
    keys = op.create_table(
        "workstation_keys",
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("workstation_id", sa.String(length=64), nullable=False),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("enrolled_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("public_key"),
    )
    op.create_index(
        op.f("ix_workstation_keys_workstation_id"), "workstation_keys", ["workstation_id"]
    )
    assert keys is not None
    stations = sa.table(
        "workstations",
        sa.column("id", sa.String()),
        sa.column("public_key", sa.String()),
        sa.column("enrolled_at", sa.String()),
    )
    op.execute(
        keys.insert().from_select(
            ["public_key", "workstation_id", "first_seq", "prev_hash", "enrolled_at"],
            sa.select(
                stations.c.public_key,
                stations.c.id,
                sa.literal(1, sa.BigInteger()),
                sa.literal(GENESIS_HASH, sa.String()),
                stations.c.enrolled_at,
            ),
        )
    )


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
