"""Table definitions (SQLAlchemy Core). Alembic migrations create them; code queries them.

Core rather than the ORM: every write here is a small, explicit INSERT inside a
transaction the service controls, and the journal must cost little more than raw SQLite.
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

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("workstation_id", String(64), nullable=False),
    Column("entry_type", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("clerk", String(64), nullable=False),
    Column("device_time", String(40), nullable=False),
    Column("monotonic_ns", BigInteger, nullable=False),
    Column("run_id", String(36), nullable=False),
    Column("business_day", String(10), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# Small facts about this store: the workstation it belongs to, sync progress.
store_facts = Table(
    "store_facts",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

clerks = Table(
    "clerks",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("pin_hash", Text, nullable=False),
    Column("active", Integer, nullable=False, default=1),
)

shifts = Table(
    "shifts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("clerk", String(64), ForeignKey("clerks.username"), nullable=False),
    Column("business_day", String(10), nullable=False),
    Column("opened_seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
    Column("closed_seq", Integer, ForeignKey("journal_entries.seq")),
    Column("float_piastres", BigInteger, nullable=False, default=0),
    Column("float_count", Text, nullable=False, default="{}"),
    Column("close_record", Text),
)

cash_movements = Table(
    "cash_movements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("shift_id", Integer, ForeignKey("shifts.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("clerk", String(64), nullable=False),
    Column("seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
)

day_closes = Table(
    "day_closes",
    metadata,
    Column("business_day", String(10), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("step", String(32), nullable=False, default=""),
    Column("reason_ar", Text, nullable=False, default=""),
    Column("reason_en", Text, nullable=False, default=""),
    Column("closed_seq", Integer),
    Column("last_seq", Integer),
    Column("backup", Text, nullable=False, default=""),
    Column("updated_at", String(40), nullable=False),
)

queue_tickets = Table(
    "queue_tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("business_day", String(10), nullable=False),
    Column("label", String(16), nullable=False),
    Column("queue_group", String(8), nullable=False),
    Column("number", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("category", String(16), nullable=False),
    Column("appointment_at", String(40)),
    Column("arrived_at", String(40), nullable=False),
    Column("called_at", String(40)),
    Column("started_at", String(40)),
    Column("ended_at", String(40)),
    Column("window", Integer),
    Column("clerk", String(64), nullable=False, default=""),
    Column("transferred_from", String(16), nullable=False, default=""),
    Column("for_window", Integer),
    Column("outcome", String(16), nullable=False, default=""),
    Column("rating", Integer),
    Column("origin", String(8), nullable=False, default="office"),
    Column("handed_over", Integer, nullable=False, default=0),
    Column("issued_seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
    Column("last_seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
    UniqueConstraint("business_day", "label"),
)

# Counter actions on the host's tickets taken while the host could not be reached.
queue_outbox = Table(
    "queue_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action_id", String(36), nullable=False, unique=True),
    Column("body", Text, nullable=False),
    Column("created_seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
    Column("delivered", Integer, nullable=False, default=0),
)

print_jobs = Table(
    "print_jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("document", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("copies", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("sheet_serial", Integer),
    Column("created_seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
    Column("last_seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
)

security_sheets = Table(
    "security_sheets",
    metadata,
    Column("serial", Integer, primary_key=True, autoincrement=False),
    Column("status", String(16), nullable=False),
    Column("job_id", Integer, ForeignKey("print_jobs.id")),
    Column("last_seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("business_day", String(10), nullable=False),
    Column("clerk", String(64), nullable=False),
    Column("ticket_number", Integer),
    Column("ticket", String(16), nullable=False, default=""),
    Column("total", BigInteger, nullable=False),
    Column("cash_tendered", BigInteger, nullable=False),
    Column("change", BigInteger, nullable=False),
    Column("lines", Text, nullable=False),
    Column("tenders", Text, nullable=False),
    Column("provisional", Integer, nullable=False),
    Column("receipt_number", Integer, nullable=False),
    Column("receipt_job", Integer, ForeignKey("print_jobs.id")),
    Column("status", String(16), nullable=False),
    Column("seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
    Column("void_seq", Integer, ForeignKey("journal_entries.seq")),
)

payment_fines = Table(
    "payment_fines",
    metadata,
    Column("payment_id", Integer, ForeignKey("payments.id"), primary_key=True),
    Column("fine_id", String(64), primary_key=True),
    Column("amount", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),  # provisional, settled, conflict, released
    Column("last_seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
)

# Purgeable: the last answers about a person's fines (what an offline window can show).
fine_inquiries = Table(
    "fine_inquiries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("query_digest", String(64), nullable=False),
    Column("asked_at", String(40), nullable=False),
    Column("answer", Text, nullable=False),
)

# Purgeable: what an agency's document names (never in print jobs, logs or the journal).
citizen_records = Table(
    "citizen_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("national_id", String(14), nullable=False),
    Column("plate", Text, nullable=False),
    Column("licence", Text, nullable=False),
    Column("record", Text, nullable=False, server_default=""),  # a civil record's facts
    Column("created_seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
    Column("business_day", String(10), nullable=False),
)

certificates = Table(
    "certificates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("service", String(32), nullable=False),
    Column("payment_id", Integer, ForeignKey("payments.id"), nullable=False),
    Column("citizen_id", Integer, ForeignKey("citizen_records.id")),
    Column("job_id", Integer, ForeignKey("print_jobs.id"), nullable=False),
    Column("issued_day", String(10), nullable=False),
    Column("valid_until", String(10), nullable=False),
    Column("seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
)

# Requests delivered later: what the window knows of each, with no personal data.
requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tracking", String(32), nullable=False, unique=True),
    Column("service", String(32), nullable=False),
    Column("payment_id", Integer, ForeignKey("payments.id")),
    Column("deliver", Integer, nullable=False),
    Column("nid_digest", String(64), nullable=False),  # keyed: checks the collector's ID
    Column("status", String(24), nullable=False),
    Column("consignment", String(32), nullable=False),
    Column("stages", Text, nullable=False),  # JSON, as HQ last said (or as captured)
    Column("status_as_of", String(40), nullable=False),
    Column("submitted", Integer, nullable=False),  # HQ holds the details
    Column("business_day", String(10), nullable=False),
    Column("created_seq", Integer, ForeignKey("journal_entries.seq"), nullable=False),
)

# Purgeable: a request's personal details (and photo) until HQ has them and the
# retention period has passed.
request_details = Table(
    "request_details",
    metadata,
    Column("request_id", Integer, ForeignKey("requests.id"), primary_key=True),
    Column("details", Text, nullable=False),
    Column("photo", LargeBinary, nullable=False),
)
