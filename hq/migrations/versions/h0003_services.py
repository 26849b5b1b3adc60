"""The versioned catalogue, fines served and settled, prepaid service cards.

Revision ID: h0003
Revises: h0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "h0003"
down_revision = "h0002"
branch_labels = None
depends_on = None


def _create_catalogue_versions() -> None:
    op.create_table(
        "catalogue_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )


def _create_served_fines() -> None:
    op.create_table(
        "served_fines",
        sa.Column("fine_id", sa.String(length=64), nullable=False),
        sa.Column("amount_piastres", sa.BigInteger(), nullable=False),
        sa.Column("served_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("fine_id"),
    )


def _create_fine_settlements() -> None:
    op.create_table(
        "fine_settlements",
        sa.Column("fine_id", sa.String(length=64), nullable=False),
        sa.Column("payment_uuid", sa.String(length=64), nullable=False),
        sa.Column("workstation_id", sa.String(length=64), nullable=False),
        sa.Column("amount_piastres", sa.BigInteger(), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("settled_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("fine_id"),
    )
    op.create_index(
        op.f("ix_fine_settlements_payment_uuid"), "fine_settlements", ["payment_uuid"], unique=False
    )


def _create_prepaid_cards() -> None:
    op.create_table(
        "prepaid_cards",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("balance_piastres", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("number"),
    )


def _create_prepaid_debits() -> None:
    op.create_table(
        "prepaid_debits",
        sa.Column("payment_uuid", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("amount_piastres", sa.BigInteger(), nullable=False),
        sa.Column("authorisation", sa.String(length=16), nullable=False),
        sa.Column("debited_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["number"],
            ["prepaid_cards.number"],
        ),
        sa.PrimaryKeyConstraint("payment_uuid"),
    )


_CREATE = {
    "catalogue_versions": _create_catalogue_versions,
    "served_fines": _create_served_fines,
    "fine_settlements": _create_fine_settlements,
    "prepaid_cards": _create_prepaid_cards,
    "prepaid_debits": _create_prepaid_debits,
}


def upgrade() -> None:
    # h0001 creates these tables too: only an HQ created before this revision lacks them.
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for name, create in _CREATE.items():
        if name not in existing:
            create()
    if "catalogue" in existing:
        op.drop_table("catalogue")  # the fixed six-row list, replaced by catalogue_versions


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
