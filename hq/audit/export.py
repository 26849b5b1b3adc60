"""`hq-server export --from D1 --to D2 [--office CODE] --out DIR`: the auditor's export.

Writes the tables `hq/audit/verify_export.py` defines (one CSV each, beside a `.rows` file
with one SHA-256 per row), the windows' public keys and HQ-signed certificates, a manifest
HQ signs, and the verifier itself: one file an auditor runs with only `cryptography`,
with no access to HQ. docs/audit-export.md says what each column is.

Each window's entries are exported as one unbroken run of its chain: from its first entry
of a business day in the period to its last, so every entry's link can be re-checked.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, and_, func, select

from hq import schema as t
from hq.audit import verify_export as v
from hq.errors import HqError
from sync.protocol import (
    CERTIFICATE_LIFETIME_DAYS,
    b64e,
    compact_certificate_body,
    day_number,
    public_key_text,
    utc_now_text,
)

README = """Counter App HQ: auditor's export
=================================

Check it, with no access to HQ (Python 3.10+ and the `cryptography` package):

    python3 verify_export.py . --hq-key {key}

Obtain HQ's public key from HQ yourself; the one above is what this export states.
Every CSV names each row's window (workstation_id), business day, journal entry (seq),
and the shift close and day close it falls under. Amounts are in piastres (1 EGP = 100).

التحقق من هذا الملف دون الاتصال بالمركز الرئيسي: شغّل الأمر أعلاه.
"""


@dataclass
class _Table:
    """One CSV being written, with its row digests."""

    name: str
    header: list[str]
    handle: IO[str]
    digests: IO[str]
    rows: int = 0
    writer: Any = field(init=False)

    def __post_init__(self) -> None:
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(self.header)

    def add(self, row: dict[str, str]) -> None:
        cells = [row[c] for c in self.header]
        self.writer.writerow(cells)
        self.digests.write(v.row_digest(cells) + "\n")
        self.rows += 1


def _days(day_from: str, day_to: str) -> tuple[str, str]:
    try:
        first, last = date.fromisoformat(day_from), date.fromisoformat(day_to)
    except ValueError as exc:
        raise HqError(
            "malformed", "التاريخ بصيغة YYYY-MM-DD.", "Dates are YYYY-MM-DD.", status=400
        ) from exc
    if last < first:
        raise HqError(
            "malformed",
            "تاريخ النهاية قبل تاريخ البداية.",
            "--to is before --from.",
            status=400,
        )
    return first.isoformat(), last.isoformat()


def export(
    engine: Engine, key: Ed25519PrivateKey, out: Path, day_from: str, day_to: str, office: str = ""
) -> dict[str, int]:
    """Write the export into `out` (new or empty); the rows written per table."""
    first, last = _days(day_from, day_to)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise HqError(
            "usage",
            f"المجلد {out} ليس فارغًا: اختر مجلدًا جديدًا.",
            f"{out} is not an empty folder: choose a new one.",
            status=400,
        )
    # One snapshot for every table (PostgreSQL; SQLite's read transaction is one already).
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn:
        if (
            office
            and conn.execute(select(t.offices.c.code).where(t.offices.c.code == office)).first()
            is None
        ):
            raise HqError(
                "unknown_office",
                f"المكتب {office} غير مسجل.",
                f"Office {office} is not registered.",
                status=404,
            )
        out.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:
            tables = {
                name: _Table(
                    name,
                    header,
                    stack.enter_context(
                        (out / f"{name}.csv").open("w", encoding="utf-8", newline="")
                    ),
                    stack.enter_context((out / f"{name}.rows").open("w", encoding="ascii")),
                )
                for name, header in (
                    ("journal_entries", v.JOURNAL),
                    ("workstations", v.WORKSTATIONS),
                    ("alarms", v.ALARMS),
                    *((d.name, d.header) for d in v.DERIVED),
                )
            }
            chains = _write(conn, key, tables, first, last, office)
    files = {}
    for name in v.TABLES:
        files[name] = {
            "rows": tables[name].rows,
            "sha256": _sha256(out / f"{name}.csv"),
            "row_digests": _sha256(out / f"{name}.rows"),
        }
    manifest = {
        "format": v.FORMAT,
        "generated_at": utc_now_text(),
        "period": {"from": first, "to": last},
        "office": office,
        "hq_public_key": public_key_text(key),
        "files": files,
        "chains": chains,
    }
    raw = v.canonical(manifest)
    (out / v.MANIFEST).write_bytes(raw)
    (out / v.SIGNATURE).write_text(b64e(key.sign(raw)) + "\n", encoding="ascii")
    shutil.copyfile(v.__file__, out / "verify_export.py")
    (out / "README.txt").write_text(README.format(key=public_key_text(key)), encoding="utf-8")
    return {name: tables[name].rows for name in v.TABLES}


def _write(
    conn: Connection,
    key: Ed25519PrivateKey,
    tables: dict[str, _Table],
    first: str,
    last: str,
    office: str,
) -> dict[str, Any]:
    stations = select(t.workstations).order_by(t.workstations.c.id)
    if office:
        stations = stations.where(t.workstations.c.office_code == office)
    chains: dict[str, Any] = {}
    for station in conn.execute(stations).all():
        for held in conn.execute(
            select(t.workstation_keys, t.revoked_keys.c.revoked_at)
            .outerjoin(
                t.revoked_keys, t.revoked_keys.c.public_key == t.workstation_keys.c.public_key
            )
            .where(t.workstation_keys.c.workstation_id == station.id)
            .order_by(t.workstation_keys.c.first_seq)
        ):
            tables["workstations"].add(_station_row(key, station, held))
        entries = list(_entries(conn, station.id, first, last))
        if not entries:
            continue
        for row in entries:
            row["office_code"] = station.office_code
        shifts, days = v.closes(entries)
        linked: dict[int, dict[str, str]] = {}
        for row in entries:
            link = v.links(int(row["seq"]), row["business_day"], shifts, days)
            linked[int(row["seq"])] = link
            tables["journal_entries"].add({**row, **link})
            for table in v.DERIVED:
                if row["entry_type"] in table.types:
                    tables[table.name].add(v.derive(table, row, link))
        chains[station.id] = {
            "first_seq": int(entries[0]["seq"]),
            "first_prev_hash": entries[0]["prev_hash"],
            "last_seq": int(entries[-1]["seq"]),
            "last_hash": entries[-1]["hash"],
            "entries": len(entries),
        }
        days_of = {int(r["seq"]): r["business_day"] for r in entries}
        for alarm in conn.execute(
            select(t.tamper_alarms)
            .where(t.tamper_alarms.c.workstation_id == station.id)
            .order_by(t.tamper_alarms.c.id)
        ):
            in_period = first <= alarm.raised_at[:10] <= last or alarm.seq in days_of
            if not in_period:
                continue
            day = days_of.get(alarm.seq, "") if alarm.seq is not None else ""
            empty = {"shift_close_seq": "", "day_close_seq": ""}
            tables["alarms"].add(
                {
                    "office_code": station.office_code,
                    "workstation_id": station.id,
                    "business_day": day,
                    "seq": "" if alarm.seq is None else str(alarm.seq),
                    "alarm_id": str(alarm.id),
                    "kind": alarm.kind,
                    "detail": alarm.detail,
                    "raised_at": alarm.raised_at,
                    **linked.get(alarm.seq or 0, empty),
                }
            )
    return chains


def _entries(
    conn: Connection, workstation_id: str, first: str, last: str
) -> Iterator[dict[str, str]]:
    """The window's entries from its first of a business day in the period to its last."""
    j = t.journal_entries
    bounds = conn.execute(
        select(func.min(j.c.seq), func.max(j.c.seq)).where(
            and_(j.c.workstation_id == workstation_id, j.c.business_day.between(first, last))
        )
    ).one()
    if bounds[0] is None:
        return
    rows = conn.execute(
        select(j)
        .where(and_(j.c.workstation_id == workstation_id, j.c.seq.between(bounds[0], bounds[1])))
        .order_by(j.c.seq)
        .execution_options(yield_per=2000)
    )
    for row in rows:
        yield {
            c: "" if row._mapping[c] is None else str(row._mapping[c])
            for c in v.JOURNAL
            if c in row._mapping
        }


def _station_row(key: Ed25519PrivateKey, station: Any, held: Any) -> dict[str, str]:
    """One key the window has had (`held`: its first PC's or a replacement's) and HQ's
    certificate for it, signed now over the same bytes the window's QR codes carry
    (printing/QR_FORMAT.md)."""
    enrolled = datetime.fromisoformat(held.enrolled_at)
    expires_day = day_number(enrolled) + CERTIFICATE_LIFETIME_DAYS
    body = compact_certificate_body(station.id, held.public_key, expires_day)
    return {
        "office_code": station.office_code,
        "workstation_id": station.id,
        "window": str(station.window),
        "public_key": held.public_key,
        "first_seq": str(held.first_seq),
        "enrolled_at": held.enrolled_at,
        "revoked_at": held.revoked_at or "",
        "certificate_expires_day": str(expires_day),
        "hq_certificate_signature": b64e(key.sign(body)),
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
