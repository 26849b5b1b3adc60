"""HQ's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

The journal is keyed by (workstation, seq) and only ever inserted into: HQ never edits a
branch's record. In production the table is partitioned by business day (PostgreSQL
declarative partitioning, managed by the DBA's migration); this reference schema is one
table so that it runs on SQLite too.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

offices = Table(
    "offices",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("governorate", String(40), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("name_ar", String(100), nullable=False, server_default=""),  # since h0002
)

workstations = Table(
    "workstations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("office_code", String(16), ForeignKey("offices.code"), nullable=False),
    Column("window", Integer, nullable=False),
    Column("public_key", String(64), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("cert_serial", String(40), nullable=False),
    Column("enrolled_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
    Column("acked_seq", BigInteger, nullable=False, default=0),
    Column("acked_hash", String(64), nullable=False),
    # Since h0006, for the office dashboard: the window's last contact (its sync's first
    # call), its clock against HQ's then, and the head it reported at its last push.
    Column("last_sync_at", String(40)),
    Column("clock_offset_ms", BigInteger),
    Column("reported_head_seq", BigInteger),
    # Since h0010: the last head the window signed whose entry HQ holds (seq, hash, the
    # window's signature), which a window restored from an older backup checks against.
    Column("signed_head_seq", BigInteger),
    Column("signed_head_hash", String(64)),
    Column("signed_head_signature", String(100)),
)

enroll_codes = Table(
    "enroll_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("office_code", String(16), ForeignKey("offices.code"), nullable=False),
    Column("window", Integer, nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("used_at", String(40)),
)

users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("office_code", String(16), ForeignKey("offices.code"), nullable=False),
    Column("display_name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("pin_hash", Text, nullable=False),
    Column("active", Integer, nullable=False, default=1),
)

# On PostgreSQL the journal is partitioned by business day (migration h0009,
# hq/partitions.py) and its key there is (workstation_id, seq, business_day): the same
# entry sent twice carries the same day and the key refuses it; a different entry under a
# number HQ holds is refused by the ingest (hq/ingest.py). Alembic does not compare keys.
journal_entries = Table(
    "journal_entries",
    metadata,
    Column("workstation_id", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("uuid", String(36), nullable=False),
    Column("entry_type", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("clerk", String(64), nullable=False),
    Column("device_time", String(40), nullable=False),
    Column("monotonic_ns", BigInteger, nullable=False),
    Column("run_id", String(36), nullable=False),
    Column("business_day", String(10), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("received_at", String(40), nullable=False),
)

tamper_alarms = Table(
    "tamper_alarms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workstation_id", String(64), nullable=False),
    Column("seq", BigInteger),
    Column("kind", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("raised_at", String(40), nullable=False),
)

bundle_versions = Table(
    "bundle_versions",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("scope", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
)

# Every catalogue HQ has imported, kept: windows get the newest in their bundle.
catalogue_versions = Table(
    "catalogue_versions",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("label", String(60), nullable=False),
    Column("document", Text, nullable=False),
    Column("imported_at", String(40), nullable=False),
)

# Fines HQ has answered about (what the agency said each was), and the ones paid.
served_fines = Table(
    "served_fines",
    metadata,
    Column("fine_id", String(64), primary_key=True),
    Column("amount_piastres", BigInteger, nullable=False),
    Column("served_at", String(40), nullable=False),
)

fine_settlements = Table(
    "fine_settlements",
    metadata,
    Column("fine_id", String(64), primary_key=True),
    Column("payment_uuid", String(64), nullable=False, index=True),
    Column("workstation_id", String(64), nullable=False),
    Column("amount_piastres", BigInteger, nullable=False),
    Column("via", String(16), nullable=False),  # "online" or "sync"
    Column("settled_at", String(40), nullable=False),
)

prepaid_cards = Table(
    "prepaid_cards",
    metadata,
    Column("number", String(16), primary_key=True),
    Column("balance_piastres", BigInteger, nullable=False),
    Column("active", Integer, nullable=False, default=1),
)

prepaid_debits = Table(
    "prepaid_debits",
    metadata,
    Column("payment_uuid", String(64), primary_key=True),
    Column("number", String(16), ForeignKey("prepaid_cards.number"), nullable=False),
    Column("amount_piastres", BigInteger, nullable=False),
    Column("authorisation", String(16), nullable=False),
    Column("debited_at", String(40), nullable=False),
)

instructions = Table(
    "instructions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workstation_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("text_ar", Text, nullable=False),
    Column("text_en", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)

revoked_keys = Table(
    "revoked_keys",
    metadata,
    Column("public_key", String(64), primary_key=True),
    Column("workstation_id", String(64), nullable=False),
    Column("revoked_at", String(40), nullable=False),
)

# Every key a window has had, and where in the window's journal its chain begins: the
# first PC from seq 1, a replacement PC from the entry after the last one HQ held from
# the PC it replaces (since h0007).
workstation_keys = Table(
    "workstation_keys",
    metadata,
    Column("public_key", String(64), primary_key=True),
    Column("workstation_id", String(64), nullable=False, index=True),
    Column("first_seq", BigInteger, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("enrolled_at", String(40), nullable=False),
)

# HQ's own settings, each a short text: the client version it approves (since h0008).
hq_settings = Table(
    "hq_settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Requests from the windows: the non-personal part from the journal (`request.captured`),
# the personal details once the window submits them (checked against the entry's digest).
requests = Table(
    "requests",
    metadata,
    Column("tracking", String(32), primary_key=True),
    Column("workstation_id", String(64), nullable=False),
    Column("office_code", String(32), nullable=False, index=True),
    Column("service", String(32), nullable=False),
    Column("service_ar", Text, nullable=False),
    Column("authority", String(40), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("payment_uuid", String(64), nullable=False),
    Column("details_digest", String(64), nullable=False),
    Column("deliver", Integer, nullable=False),
    Column("details", Text),  # personal; null until submitted
    Column("photo", LargeBinary),
    Column("nid_last4", String(4)),
    Column("mobile", String(16)),
    Column("status", String(24), nullable=False),
    Column("consignment", String(32), nullable=False),
    Column("next_step_at", String(40)),  # when the agency moves it next
    Column("updated_at", String(40), nullable=False),
)

request_stages = Table(
    "request_stages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tracking", String(32), ForeignKey("requests.tracking"), nullable=False, index=True),
    Column("status", String(24), nullable=False),
    Column("at", String(40), nullable=False),
    Column("note_ar", Text, nullable=False),
    Column("note_en", Text, nullable=False),
    UniqueConstraint("tracking", "status", name="uq_request_stage"),
)

# SMS to citizens: one row per message, sent by the gateway once (`key` is unique).
sms_outbox = Table(
    "sms_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(80), nullable=False, unique=True),
    Column("mobile", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("sent_at", String(40)),
    Column("last_error", Text),
)

# What the SIMULATED SMS gateway has "sent" (demo and tests only), keyed by message id.
simulated_sms = Table(
    "simulated_sms",
    metadata,
    Column("message_id", Integer, primary_key=True, autoincrement=False),
    Column("mobile", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("sent_at", String(40), nullable=False),
)

otp_challenges = Table(
    "otp_challenges",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("workstation_id", String(64), nullable=False),
    Column("national_id", String(14), nullable=False),
    Column("mobile", String(16), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("state", String(16), nullable=False),  # sent, linked, failed
    Column("created_at", String(40), nullable=False),
)

mobile_links = Table(
    "mobile_links",
    metadata,
    Column("national_id", String(14), primary_key=True),
    Column("mobile", String(16), nullable=False),
    Column("linked_at", String(40), nullable=False),
    Column("workstation_id", String(64), nullable=False),
)

office_limits = Table(  # since h0005: the office's tolerance and caps, sent in its users bundle
    "office_limits",
    metadata,
    Column("office_code", String(16), ForeignKey("offices.code"), primary_key=True),
    Column("cash_tolerance_piastres", Integer, nullable=False),
    Column("unsynced_cash_cap_piastres", Integer, nullable=False),
    Column("unsynced_certificates_cap", Integer, nullable=False),
    Column("updated_at", String(40), nullable=False),
)

staff = Table(  # since h0006: HQ's own staff, who sign in to the office dashboard
    "staff",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(100), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("active", Integer, nullable=False, default=1),
)

staff_sessions = Table(  # since h0006: a signed-in browser; only the token's hash is kept
    "staff_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), ForeignKey("staff.username"), nullable=False),
    Column("expires_at", String(40), nullable=False),
)
