"""An office's limits: the cash difference a shift may close with, the unsynced caps.

Revision ID: h0005
Revises: h0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "h0005"
down_revision = "h0004"
branch_labels = None
depends_on = None


def _create_office_limits() -> None:
    op.create_table(
        "office_limits",
        sa.Column("office_code", sa.String(length=16), nullable=False),
        sa.Column("cash_tolerance_piastres", sa.Integer(), nullable=False),
        sa.Column("unsynced_cash_cap_piastres", sa.Integer(), nullable=False),
        sa.Column("unsynced_certificates_cap", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_code"],
            ["offices.code"],
        ),
        sa.PrimaryKeyConstraint("office_code"),
    )


_CREATE = {
    "office_limits": _create_office_limits,
}


def upgrade() -> None:
    # h0001 creates these tables too: only an HQ created before this revision lacks them.
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for name, create in _CREATE.items():
        if name not in existing:
            create()


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
