"""The journal's day partitions on PostgreSQL (migration h0009): made ahead of the days
they hold, listed for the operator. SQLite keeps one table and has none.

An entry whose business day has no partition yet lands in the default partition. Making
that day's partition later moves those rows into it, in one transaction that keeps
inserts out of the default partition meanwhile (none is lost between the copy and the
delete). HQ makes the partitions for the days ahead when it starts and each day after
(hq/serve.py), so the default partition normally holds only days a window's wrong clock
gave, which `hq-server partitions` shows.

Archiving an old day is the operator's: `pg_dump --table journal_d_YYYYMMDD`, then
`ALTER TABLE journal_entries DETACH PARTITION journal_d_YYYYMMDD` (docs/scaling.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Engine, text

# The statements below name tables: DEFAULT, or journal_d_ with a date's eight digits
# (`name_of`, or a name `is_partition` matched), and bound days as ISO dates. No text from
# outside reaches them, hence the `noqa: S608` on each.

DEFAULT = "journal_entries_default"
AHEAD_DAYS = 7  # made ahead of today, and yesterday, at each start and each day
_NAME = re.compile(r"journal_d_\d{8}")


@dataclass(frozen=True)
class Partition:
    name: str
    day: str  # the business day it holds, or "(default)"
    rows: int


def is_partition(name: str | None) -> bool:
    """A table that is a partition of the journal, not a table of its own."""
    return name == DEFAULT or bool(name and _NAME.fullmatch(name))


def partitioned(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def name_of(day: date) -> str:
    return f"journal_d_{day:%Y%m%d}"


def ensure_days(engine: Engine, first: date, count: int) -> list[str]:
    """Make the partitions of `count` days from `first` that do not exist yet; the names
    made. Rows for those days already in the default partition move into them."""
    if not partitioned(engine):
        return []
    made = []
    for offset in range(count):
        day = first + timedelta(days=offset)
        with engine.begin() as conn:
            if _exists(conn, name_of(day)):
                continue
            _make(conn, day)
        made.append(name_of(day))
    return made


def ensure_ahead(engine: Engine, today: date, ahead: int = AHEAD_DAYS) -> list[str]:
    """Yesterday (a window's day may end after midnight), today and `ahead` days on."""
    return ensure_days(engine, today - timedelta(days=1), ahead + 2)


def _exists(conn: Connection, name: str) -> bool:
    found = conn.execute(text("SELECT to_regclass(:name)"), {"name": name}).scalar()
    return found is not None


def _make(conn: Connection, day: date) -> None:
    name, value = name_of(day), day.isoformat()  # a date: safe in the statements below
    # Inserts wait until the day's rows have moved (a row inserted between the copy and
    # the delete would otherwise be deleted uncopied).
    conn.execute(text(f"LOCK TABLE {DEFAULT} IN SHARE ROW EXCLUSIVE MODE"))
    conn.execute(
        text(f"CREATE TABLE {name} (LIKE journal_entries INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    )
    conn.execute(
        text(f"INSERT INTO {name} SELECT * FROM {DEFAULT} WHERE business_day = :day"),  # noqa: S608
        {"day": value},
    )
    conn.execute(
        text(f"DELETE FROM {DEFAULT} WHERE business_day = :day"),  # noqa: S608
        {"day": value},
    )
    conn.execute(
        text(f"ALTER TABLE journal_entries ATTACH PARTITION {name} FOR VALUES IN ('{value}')")
    )


def listing(engine: Engine) -> list[Partition]:
    """Every partition with the day it holds and its rows, oldest first, default last."""
    if not partitioned(engine):
        return []
    with engine.connect() as conn:
        names = (
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_inherits i "
                    "JOIN pg_class c ON c.oid = i.inhrelid "
                    "JOIN pg_class p ON p.oid = i.inhparent "
                    "WHERE p.relname = 'journal_entries' ORDER BY c.relname"
                )
            )
            .scalars()
            .all()
        )
        found = []
        for name in names:
            if not is_partition(name):
                continue
            rows = conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608
            day = "(default)" if name == DEFAULT else f"{name[10:14]}-{name[14:16]}-{name[16:18]}"
            found.append(Partition(name, day, int(rows)))
    found.sort(key=lambda p: (p.name == DEFAULT, p.name))
    return found


def default_days(engine: Engine) -> list[tuple[str, int]]:
    """The business days in the default partition, with their rows (a wrong clock, or a
    day HQ did not make ahead)."""
    if not partitioned(engine):
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT business_day, count(*) FROM {DEFAULT} GROUP BY 1 ORDER BY 1")  # noqa: S608
        ).all()
    return [(str(day), int(n)) for day, n in rows]


def partitions_command(engine: Engine, today: date, days: list[date]) -> str:
    """`hq-server partitions [--day D ...]`: make the days ahead (and each `--day`, moving
    its rows out of the default partition), then list what there is."""
    if not partitioned(engine):
        return "SQLite: the journal is one table (partitions are PostgreSQL's)\n"
    made = ensure_ahead(engine, today)
    for day in days:
        made += ensure_days(engine, day, 1)
    lines = [f"made {name}" for name in made]
    lines += [f"{p.name:<26} {p.day:<10} {p.rows:>12,} entries" for p in listing(engine)]
    stray = default_days(engine)
    if stray:
        lines.append("days in the default partition (a window's clock, or a day not made ahead):")
        lines += [f"  {day:<12} {n:>10,} entries" for day, n in stray]
        lines.append("give a real day with --day to move its entries into a partition of its own")
    return "\n".join(lines) + "\n"
