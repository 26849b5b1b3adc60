"""Payments (with their fines), the fines-inquiry cache, citizen data, certificates.

Citizen data for an agency (name, national ID, plate, licence) lives only in
`citizen_records` and `fine_inquiries`, both purged after sync and the retention period;
print jobs refer to a record by number and never hold the data themselves.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SEQ = "journal_entries.seq"


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("business_day", sa.String(10), nullable=False),
        sa.Column("clerk", sa.String(64), nullable=False),
        sa.Column("ticket_number", sa.Integer),
        sa.Column("total", sa.BigInteger, nullable=False),
        sa.Column("cash_tendered", sa.BigInteger, nullable=False),
        sa.Column("change", sa.BigInteger, nullable=False),
        sa.Column("lines", sa.Text, nullable=False),
        sa.Column("tenders", sa.Text, nullable=False),
        sa.Column("provisional", sa.Integer, nullable=False),
        sa.Column("receipt_number", sa.Integer, nullable=False),
        sa.Column("receipt_job", sa.Integer, sa.ForeignKey("print_jobs.id")),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("seq", sa.Integer, sa.ForeignKey(_SEQ), nullable=False),
        sa.Column("void_seq", sa.Integer, sa.ForeignKey(_SEQ)),
    )
    op.create_index("payments_by_day", "payments", ["business_day", "status"])
    op.create_table(
        "payment_fines",
        sa.Column("payment_id", sa.Integer, sa.ForeignKey("payments.id"), primary_key=True),
        sa.Column("fine_id", sa.String(64), primary_key=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_seq", sa.Integer, sa.ForeignKey(_SEQ), nullable=False),
    )
    op.create_table(
        "fine_inquiries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("query_digest", sa.String(64), nullable=False),
        sa.Column("asked_at", sa.String(40), nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
    )
    op.create_index("fine_inquiries_by_query", "fine_inquiries", ["query_digest", "id"])
    op.create_table(
        "citizen_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("national_id", sa.String(14), nullable=False),
        sa.Column("plate", sa.Text, nullable=False),
        sa.Column("licence", sa.Text, nullable=False),
        sa.Column("created_seq", sa.Integer, sa.ForeignKey(_SEQ), nullable=False),
        sa.Column("business_day", sa.String(10), nullable=False),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.Integer, nullable=False, unique=True),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("payment_id", sa.Integer, sa.ForeignKey("payments.id"), nullable=False),
        sa.Column("citizen_id", sa.Integer, sa.ForeignKey("citizen_records.id")),
        sa.Column("job_id", sa.Integer, sa.ForeignKey("print_jobs.id"), nullable=False),
        sa.Column("issued_day", sa.String(10), nullable=False),
        sa.Column("valid_until", sa.String(10), nullable=False),
        sa.Column("seq", sa.Integer, sa.ForeignKey(_SEQ), nullable=False),
    )


def downgrade() -> None:
    raise RuntimeError("the counter's schema is never downgraded: restore a backup instead")
