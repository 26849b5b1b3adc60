"""HQ's own settings: the client version HQ approves, which the trust bundle names.

Revision ID: h0008
Revises: h0007
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "h0008"
down_revision = "h0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hq_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
