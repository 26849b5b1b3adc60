"""The journal indexed by entry type: the start and day-close checks read every entry of
a few types (sheets used and spoiled, tamper findings) without walking the whole journal.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("journal_by_type", "journal_entries", ["entry_type", "seq"])


def downgrade() -> None:
    op.drop_index("journal_by_type", table_name="journal_entries")
