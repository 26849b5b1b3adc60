"""HQ's first schema, written out table by table (frozen: it never reads hq.schema, so a
later edit of hq.schema cannot silently change what this revision creates).

It creates the schema as it stood at h0005; h0002 to h0005 change only an HQ created
before each of them, and find nothing to do on one created here. A change to hq.schema
goes in a new revision; `tests/integration/test_hq_migrations.py` fails while the
migrated schema and hq.schema differ.

Revision ID: h0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "h0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bundle_versions",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "scope"),
    )
    op.create_table(
        "catalogue_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
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
    op.create_table(
        "instructions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workstation_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text_ar", sa.Text(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "journal_entries",
        sa.Column("workstation_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("entry_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("clerk", sa.String(length=64), nullable=False),
        sa.Column("device_time", sa.String(length=40), nullable=False),
        sa.Column("monotonic_ns", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("business_day", sa.String(length=10), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("workstation_id", "seq"),
    )
    op.create_table(
        "mobile_links",
        sa.Column("national_id", sa.String(length=14), nullable=False),
        sa.Column("mobile", sa.String(length=16), nullable=False),
        sa.Column("linked_at", sa.String(length=40), nullable=False),
        sa.Column("workstation_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("national_id"),
    )
    op.create_table(
        "offices",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("governorate", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("name_ar", sa.String(length=100), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
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
    op.create_table(
        "prepaid_cards",
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("balance_piastres", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("number"),
    )
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
    op.create_table(
        "revoked_keys",
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("workstation_id", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("public_key"),
    )
    op.create_table(
        "served_fines",
        sa.Column("fine_id", sa.String(length=64), nullable=False),
        sa.Column("amount_piastres", sa.BigInteger(), nullable=False),
        sa.Column("served_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("fine_id"),
    )
    op.create_table(
        "simulated_sms",
        sa.Column("message_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("mobile", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
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
    op.create_table(
        "tamper_alarms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workstation_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "enroll_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("office_code", sa.String(length=16), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.String(length=40), nullable=False),
        sa.Column("used_at", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["office_code"],
            ["offices.code"],
        ),
        sa.PrimaryKeyConstraint("code_hash"),
    )
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
    op.create_table(
        "users",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("office_code", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_code"],
            ["offices.code"],
        ),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "workstations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("office_code", sa.String(length=16), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("cert_serial", sa.String(length=40), nullable=False),
        sa.Column("enrolled_at", sa.String(length=40), nullable=False),
        sa.Column("revoked_at", sa.String(length=40), nullable=True),
        sa.Column("acked_seq", sa.BigInteger(), nullable=False),
        sa.Column("acked_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_code"],
            ["offices.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("public_key"),
        sa.UniqueConstraint("token_hash"),
    )


def downgrade() -> None:
    raise RuntimeError("HQ's schema is never downgraded: restore a backup instead")
