"""Requests delivered later, their stages, the SMS outbox, one-time codes, mobile links.

Revision ID: h0004
Revises: h0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "h0004"
down_revision = "h0003"
branch_labels = None
depends_on = None


def _create_requests() -> None:
    op.create_table(
        "requests",
        sa.Column("tracking", sa.String(length=32), nullable=False),
        sa.Column("workstation_id", sa.String(length=64), nullable=False),
        sa.Column("office_code", sa.String(length=32), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("service_ar", sa.Text(), nullable=False),
        sa.Column("authority", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("payment_uuid", sa.String(length=64), nullable=False),
        sa.Column("details_digest", sa.String(length=64), nullable=False),
        sa.Column("deliver", sa.Integer(), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("nid_last4", sa.String(length=4), nullable=True),
        sa.Column("mobile", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("consignment", sa.String(length=32), nullable=False),
        sa.Column("next_step_at", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("tracking"),
    )
    op.create_index(op.f("ix_requests_office_code"), "requests", ["office_code"], unique=False)


def _create_request_stages() -> None:
    op.create_table(
        "request_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("note_ar", sa.Text(), nullable=False),
        sa.Column("note_en", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tracking"],
            ["requests.tracking"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tracking", "status", name="uq_request_stage"),
    )
    op.create_index(
        op.f("ix_request_stages_tracking"), "request_stages", ["tracking"], unique=False
    )


def _create_sms_outbox() -> None:
    op.create_table(
        "sms_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("mobile", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.String(length=40), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )


def _create_simulated_sms() -> None:
    op.create_table(
        "simulated_sms",
        sa.Column("message_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("mobile", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )


def _create_otp_challenges() -> None:
    op.create_table(
        "otp_challenges",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("workstation_id", sa.String(length=64), nullable=False),
        sa.Column("national_id", sa.String(length=14), nullable=False),
        sa.Column("mobile", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.String(length=40), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def _create_mobile_links() -> None:
    op.create_table(
        "mobile_links",
        sa.Column("national_id", sa.String(length=14), nullable=False),
        sa.Column("mobile", sa.String(length=16), nullable=False),
        sa.Column("linked_at", sa.String(length=40), nullable=False),
        sa.Column("workstation_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("national_id"),
    )


_CREATE = {
    "requests": _create_requests,
    "request_stages": _create_request_stages,
    "sms_outbox": _create_sms_outbox,
    "simulated_sms": _create_simulated_sms,
    "otp_challenges": _create_otp_challenges,
    "mobile_links": _create_mobile_links,
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
