"""The office queue: tickets per queue group with their five times, priority, transfers,
the window and clerk that served them and the citizen's rating; actions a window took
while the queue host was away, kept until the host has them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("business_day", sa.String(10), nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("queue_group", sa.String(8), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("appointment_at", sa.String(40)),
        sa.Column("arrived_at", sa.String(40), nullable=False),
        sa.Column("called_at", sa.String(40)),
        sa.Column("started_at", sa.String(40)),
        sa.Column("ended_at", sa.String(40)),
        sa.Column("window", sa.Integer),
        sa.Column("clerk", sa.String(64), nullable=False, server_default=""),
        sa.Column("transferred_from", sa.String(16), nullable=False, server_default=""),
        sa.Column("for_window", sa.Integer),
        sa.Column("outcome", sa.String(16), nullable=False, server_default=""),
        sa.Column("rating", sa.Integer),
        # "office": this workstation's queue (standalone or the office's queue host);
        # "own": a window's own ticket issued while the host was away; "merged": one of
        # those that another window handed to this host when it came back.
        sa.Column("origin", sa.String(8), nullable=False, server_default="office"),
        sa.Column("handed_over", sa.Integer, nullable=False, server_default="0"),
        sa.Column("issued_seq", sa.Integer, sa.ForeignKey("journal_entries.seq"), nullable=False),
        sa.Column("last_seq", sa.Integer, sa.ForeignKey("journal_entries.seq"), nullable=False),
        sa.UniqueConstraint("business_day", "label"),
    )
    op.create_index("queue_tickets_open", "queue_tickets", ["business_day", "status"])
    # Tickets already issued keep their status; their arrival is their entry's time.
    op.execute(
        "INSERT INTO queue_tickets (business_day, label, queue_group, number, status,"
        " category, arrived_at, issued_seq, last_seq)"
        " SELECT t.business_day, t.service || '-' || t.number, t.service, t.number,"
        " t.status, 'normal', j.device_time, t.issued_seq, t.last_seq"
        " FROM tickets t JOIN journal_entries j ON j.seq = t.issued_seq"
    )
    op.drop_index("tickets_by_status", "tickets")
    op.drop_table("tickets")
    op.create_table(
        "queue_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action_id", sa.String(36), nullable=False, unique=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_seq", sa.Integer, sa.ForeignKey("journal_entries.seq"), nullable=False),
        sa.Column("delivered", sa.Integer, nullable=False, server_default="0"),
    )
    with op.batch_alter_table("payments") as table:
        table.add_column(sa.Column("ticket", sa.String(16), nullable=False, server_default=""))


def downgrade() -> None:
    raise RuntimeError("the counter's schema is never downgraded: restore a backup instead")
