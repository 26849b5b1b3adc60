"""An office's limits: the cash difference a shift may close with, the unsynced caps.

Revision ID: h0005
Revises: h0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from hq import schema

revision = "h0005"
down_revision = "h0004"
branch_labels = None
depends_on = None

_NEW = ("office_limits",)


def upgrade() -> None:
    # h0001 creates its tables from the current metadata: an HQ created since has these.
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for name in _NEW:
        if name not in existing:
            schema.metadata.tables[name].create(bind)


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
