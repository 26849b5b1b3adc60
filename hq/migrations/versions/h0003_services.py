"""The versioned catalogue, fines served and settled, prepaid service cards.

Revision ID: h0003
Revises: h0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from hq import schema

revision = "h0003"
down_revision = "h0002"
branch_labels = None
depends_on = None

_NEW = ("catalogue_versions", "served_fines", "fine_settlements", "prepaid_cards", "prepaid_debits")


def upgrade() -> None:
    # h0001 creates its tables from the current metadata: an HQ created since has these.
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for name in _NEW:
        if name not in existing:
            schema.metadata.tables[name].create(bind)
    if "catalogue" in existing:
        op.drop_table("catalogue")  # the fixed six-row list, replaced by catalogue_versions


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
