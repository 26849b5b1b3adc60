"""HQ's first schema, created from hq.schema (later revisions are written out explicitly).

Revision ID: h0001
Revises:
Create Date: 2026-11-23
"""

from alembic import op

from hq.schema import metadata

revision = "h0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
