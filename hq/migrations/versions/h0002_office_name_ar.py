"""Offices get their Arabic name: a new window's configuration is written from HQ's answer.

Revision ID: h0002
Revises: h0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "h0002"
down_revision = "h0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # h0001 creates its tables from the current metadata, which already has the column;
    # only an HQ created before this revision lacks it.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("offices")}
    if "name_ar" in columns:
        return
    with op.batch_alter_table("offices") as batch:
        batch.add_column(sa.Column("name_ar", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
