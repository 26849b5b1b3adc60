"""Requests delivered later, their stages, the SMS outbox, one-time codes, mobile links.

Revision ID: h0004
Revises: h0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from hq import schema

revision = "h0004"
down_revision = "h0003"
branch_labels = None
depends_on = None

_NEW = (
    "requests",
    "request_stages",
    "sms_outbox",
    "simulated_sms",
    "otp_challenges",
    "mobile_links",
)


def upgrade() -> None:
    # h0001 creates its tables from the current metadata: an HQ created since has these.
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for name in _NEW:
        if name not in existing:
            schema.metadata.tables[name].create(bind)


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
