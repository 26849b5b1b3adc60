"""Requests delivered later, and their personal details kept apart (purged); a civil
record's facts beside a certificate's citizen data (purged with it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tracking", sa.String(32), nullable=False, unique=True),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("payment_id", sa.Integer, sa.ForeignKey("payments.id")),
        sa.Column("deliver", sa.Integer, nullable=False),
        sa.Column("nid_digest", sa.String(64), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("consignment", sa.String(32), nullable=False),
        sa.Column("stages", sa.Text, nullable=False),
        sa.Column("status_as_of", sa.String(40), nullable=False),
        sa.Column("submitted", sa.Integer, nullable=False),
        sa.Column("business_day", sa.String(10), nullable=False),
        sa.Column("created_seq", sa.Integer, sa.ForeignKey("journal_entries.seq"), nullable=False),
    )
    op.create_table(
        "request_details",
        sa.Column("request_id", sa.Integer, sa.ForeignKey("requests.id"), primary_key=True),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("photo", sa.LargeBinary, nullable=False),
    )

    with op.batch_alter_table("citizen_records") as table:
        table.add_column(sa.Column("record", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("citizen_records") as table:
        table.drop_column("record")
    op.drop_table("request_details")
    op.drop_table("requests")
