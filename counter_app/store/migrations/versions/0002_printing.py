"""Print jobs (pending, printed, failed, with reprint count) and the security-paper stock.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("copies", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("sheet_serial", sa.Integer),
        sa.Column("created_seq", sa.Integer, sa.ForeignKey("journal_entries.seq"), nullable=False),
        sa.Column("last_seq", sa.Integer, sa.ForeignKey("journal_entries.seq"), nullable=False),
    )
    op.create_index("print_jobs_by_status", "print_jobs", ["status", "id"])
    op.create_table(
        "security_sheets",
        sa.Column("serial", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("job_id", sa.Integer, sa.ForeignKey("print_jobs.id")),
        sa.Column("last_seq", sa.Integer, sa.ForeignKey("journal_entries.seq"), nullable=False),
    )
    op.create_index("security_sheets_by_status", "security_sheets", ["status", "serial"])


def downgrade() -> None:
    raise RuntimeError("the counter's schema is never downgraded: restore a backup instead")
