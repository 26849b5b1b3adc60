"""The last journal head each window signed that HQ holds the entry of: what a window
restored from an older backup checks the entries it fetches back against.

Revision ID: h0010
Revises: h0009
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "h0010"
down_revision = "h0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in (
        sa.Column("signed_head_seq", sa.BigInteger(), nullable=True),
        sa.Column("signed_head_hash", sa.String(length=64), nullable=True),
        sa.Column("signed_head_signature", sa.String(length=100), nullable=True),
    ):
        op.add_column("workstations", column)


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
