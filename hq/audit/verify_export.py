#!/usr/bin/env python3
"""Re-check an auditor's export of Counter App HQ, without HQ and without the project.

    python3 verify_export.py EXPORT_DIR [--hq-key HQ_PUBLIC_KEY]

Needs Python 3.10 or newer and the `cryptography` package, nothing else. It checks:

1. HQ's signature over `manifest.json` (with `--hq-key`, the key you obtained from HQ
   yourself; without it, the key the export states, and it says so);
2. every file against the manifest: its SHA-256 and row count, and each row against the
   digest HQ listed for it, so a changed byte is named by file, line, window and entry;
3. every window's journal: each entry's SHA-256 over its fields, each entry linked to the
   one before, and the first and last entry of each window as the manifest states;
4. every signed heartbeat (`shift.heartbeat`) against its window's public key, and every
   window's certificate against HQ's key;
5. every row of the derived tables (payments, voids, visits, certificates and sheets,
   shift and day closes) against the journal entry it names: same hash, same figures.

Exit 0: everything verifies. 1: problems, each on its own line. 2: cannot run.
This one file is both HQ's definition of the tables (hq/audit/export.py imports it) and
the auditor's check of them.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "counter-app-audit-export/2"
GENESIS = "0" * 64
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
HEARTBEAT = "shift.heartbeat"

# ---- what HQ writes ---------------------------------------------------------------------

# Every row of every table names its window and the closes it falls under.
PLACE = ["office_code", "workstation_id", "business_day", "seq"]
LINKS = ["shift_close_seq", "day_close_seq"]
HASHED = [
    "seq",
    "uuid",
    "workstation_id",
    "entry_type",
    "payload",
    "clerk",
    "device_time",
    "monotonic_ns",
    "run_id",
    "business_day",
    "prev_hash",
]
JOURNAL = [*PLACE, *[c for c in HASHED if c not in PLACE], "hash", "received_at", *LINKS]
WORKSTATIONS = [
    "office_code",
    "workstation_id",
    "window",
    "public_key",
    "first_seq",
    "enrolled_at",
    "revoked_at",
    "certificate_expires_day",
    "hq_certificate_signature",
]
ALARMS = [*PLACE, "alarm_id", "kind", "detail", "raised_at", *LINKS]

Row = dict[str, str]


def _tenders(p: dict[str, Any], kind: str) -> str:
    return str(sum(int(t.get("amount", 0)) for t in p.get("tenders", []) if t.get("kind") == kind))


def _cash_row(p: dict[str, Any], field: str) -> str:
    for row in p.get("tenders", []):
        if row.get("tender") == "cash":
            return str(row.get(field, ""))
    return ""


@dataclass(frozen=True)
class Derived:
    """A table of facts read from journal entries of some types, one row per entry."""

    name: str
    types: tuple[str, ...]
    columns: tuple[tuple[str, Callable[[str, dict[str, Any]], str]], ...]

    @property
    def header(self) -> list[str]:
        return [*PLACE, "entry_type", *(c for c, _ in self.columns), "entry_hash", *LINKS]


def _get(field: str) -> Callable[[str, dict[str, Any]], str]:
    def read(_clerk: str, p: dict[str, Any]) -> str:
        value = p.get(field, "")
        if isinstance(value, bool):
            return "yes" if value else "no"
        return "" if value is None else str(value)

    return read


def _clerk(clerk: str, _p: dict[str, Any]) -> str:
    return clerk


DERIVED = (
    Derived(
        "payments",
        ("payment.recorded",),
        (
            ("clerk", _clerk),
            ("payment", _get("payment")),
            ("receipt", _get("receipt")),
            ("ticket", _get("ticket")),
            ("total_piastres", _get("total")),
            ("cash_piastres", lambda _c, p: _tenders(p, "cash")),
            ("card_piastres", lambda _c, p: _tenders(p, "card")),
            ("prepaid_piastres", lambda _c, p: _tenders(p, "prepaid")),
            ("services", lambda _c, p: " ".join(str(x["service"]) for x in p.get("lines", []))),
            ("fines", lambda _c, p: " ".join(str(f) for f in p.get("fines", []))),
            ("provisional", _get("provisional")),
        ),
    ),
    Derived(
        "voids",
        ("payment.voided",),
        (
            ("clerk", _clerk),
            ("payment", _get("payment")),
            ("receipt", _get("receipt")),
            ("void_receipt", _get("void_receipt")),
            ("refers_to_seq", _get("refers_to")),
            ("total_piastres", _get("total")),
            ("approved_by", _get("approved_by")),
            ("reason", _get("reason")),
        ),
    ),
    Derived(
        "visits",
        ("ticket.served", "ticket.no_show"),
        (
            ("clerk", _clerk),
            ("ticket", _get("label")),
            ("outcome", lambda _c, p: str(p.get("outcome", "no_show"))),
            ("window", _get("window")),
        ),
    ),
    Derived(
        "certificates_and_sheets",
        ("certificate.issued", "sheets.loaded", "sheet.used", "sheet.spoiled"),
        (
            ("clerk", _clerk),
            ("document_number", _get("number")),
            ("document_type", _get("document_type")),
            ("service", _get("service")),
            ("sheet", lambda _c, p: str(p.get("sheet", p.get("serial", "")) or "")),
            ("first_sheet", _get("first")),
            ("last_sheet", _get("last")),
            ("payment", _get("payment_id")),
            ("valid_until", _get("valid_until")),
        ),
    ),
    Derived(
        "shift_and_day_closes",
        ("shift.opened", "shift.closed", "day.closing", "day.closed"),
        (
            ("clerk", _clerk),
            ("first_seq", _get("first_seq")),
            ("last_seq", _get("last_seq")),
            ("float_piastres", _get("float")),
            ("payments", _get("payments")),
            ("voids", _get("voids")),
            ("grand_total_piastres", _get("grand_total")),
            ("net_collections_piastres", _get("net_collections")),
            ("cash_expected_piastres", lambda _c, p: _cash_row(p, "expected")),
            ("cash_counted_piastres", lambda _c, p: _cash_row(p, "counted")),
            ("cash_difference_piastres", lambda _c, p: _cash_row(p, "difference")),
            ("explanation", _get("explanation")),
            ("approved_by", _get("approved_by")),
            ("closes_day", _get("business_day")),
        ),
    ),
)
TABLES = ["journal_entries", "workstations", "alarms", *(d.name for d in DERIVED)]


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(row: Row) -> str:
    """An entry's SHA-256 over its fields, as the window computed it (integers as such)."""
    fields: dict[str, Any] = {c: row[c] for c in HASHED}
    fields["seq"] = int(row["seq"])
    fields["monotonic_ns"] = int(row["monotonic_ns"])
    return hashlib.sha256(canonical(fields)).hexdigest()


def row_digest(cells: list[str]) -> str:
    return hashlib.sha256(canonical(cells)).hexdigest()


def closes(entries: Iterable[Row]) -> tuple[list[tuple[int, int, int]], dict[str, int]]:
    """One window's shift closes (first seq, last seq, the close's seq) and day closes
    (business day -> the `day.closed` entry's seq), from its journal entries."""
    shifts: list[tuple[int, int, int]] = []
    days: dict[str, int] = {}
    for row in entries:
        seq = int(row["seq"])
        if row["entry_type"] == "shift.closed":
            p = json.loads(row["payload"])
            shifts.append((int(p.get("first_seq", 0)) - 1, int(p.get("last_seq", seq)), seq))
        elif row["entry_type"] == "day.closed":
            days[str(json.loads(row["payload"]).get("business_day", ""))] = seq
    return shifts, days


def links(seq: int, day: str, shifts: list[tuple[int, int, int]], days: dict[str, int]) -> Row:
    """The shift close and the day close an entry falls under ("" when not closed yet)."""
    shift = next((str(c) for first, last, c in shifts if first <= seq <= c), "")
    return {"shift_close_seq": shift, "day_close_seq": str(days.get(day, ""))}


def derive(table: Derived, entry: Row, linked: Row) -> Row:
    payload = json.loads(entry["payload"])
    row = {c: entry[c] for c in PLACE}
    row["entry_type"] = entry["entry_type"]
    for column, read in table.columns:
        row[column] = read(entry["clerk"], payload)
    row["entry_hash"] = entry["hash"]
    return {**row, **linked}


def compact_certificate(workstation_id: str, public_key: bytes, expires_day: int) -> bytes:
    """The bytes HQ signs for a window's certificate (printing/QR_FORMAT.md)."""
    ident = workstation_id.encode("ascii")
    return b"CW1" + bytes([len(ident)]) + ident + public_key + expires_day.to_bytes(2, "big")


def heartbeat_body(row: Row, shift: int) -> bytes:
    return canonical(
        {
            "type": HEARTBEAT,
            "workstation_id": row["workstation_id"],
            "seq": int(row["seq"]),
            "prev_hash": row["prev_hash"],
            "device_time": row["device_time"],
            "shift": shift,
        }
    )


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verifies(public_key: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


# ---- the check --------------------------------------------------------------------------


class CannotRun(Exception):
    pass


class Check:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[str] = []

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def read(self, name: str, header: list[str], listed: dict[str, Any]) -> list[tuple[int, Row]]:
        """The rows of `name`.csv with their line numbers; each row checked against the
        digest HQ listed for it, and the file against the manifest."""
        path = self.folder / f"{name}.csv"
        digests_path = self.folder / f"{name}.rows"
        if not path.exists() or not digests_path.exists():
            self.problem(f"{name}.csv", "missing from the export")
            return []
        data = path.read_bytes()
        digests = digests_path.read_bytes()
        if hashlib.sha256(digests).hexdigest() != listed.get("row_digests"):
            self.problem(f"{name}.rows", "is not the list of row digests HQ signed")
        expected = digests.decode(errors="replace").split()
        before = len(self.problems)
        reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""))
        rows: list[tuple[int, Row]] = []
        for index, cells in enumerate(reader, start=-1):
            line = reader.line_num  # the file's line where this row ends
            if index == -1:
                if cells != header:
                    self.problem(f"{name}.csv line 1", "the columns are not the export's")
                continue
            where = f"{name}.csv line {line}"
            if len(cells) != len(header):
                self.problem(where, f"has {len(cells)} cells, not {len(header)}")
                continue
            row = dict(zip(header, cells, strict=True))
            if index >= len(expected) or row_digest(cells) != expected[index]:
                self.problem(
                    f"{where} ({row.get('workstation_id', '')} seq {row.get('seq', '')})",
                    "this row is not the one HQ exported (changed, added or moved)",
                )
            rows.append((line, row))
        if len(rows) != listed.get("rows") or len(expected) != listed.get("rows"):
            self.problem(f"{name}.csv", f"has {len(rows)} rows; HQ exported {listed.get('rows')}")
        if (
            hashlib.sha256(data).hexdigest() != listed.get("sha256")
            and len(self.problems) == before
        ):
            self.problem(f"{name}.csv", "differs from the file HQ signed")
        return rows


def _manifest(folder: Path, hq_key: str | None) -> tuple[dict[str, Any], str]:
    try:
        raw = (folder / MANIFEST).read_bytes()
        signature = b64d((folder / SIGNATURE).read_text().strip())
        manifest: dict[str, Any] = json.loads(raw)
    except (OSError, ValueError) as exc:
        raise CannotRun(f"no readable {MANIFEST} and {SIGNATURE} in {folder}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise CannotRun(f"not an export of format {FORMAT}")
    key_text = hq_key or str(manifest.get("hq_public_key", ""))
    try:
        key = b64d(key_text)
    except ValueError as exc:
        raise CannotRun("HQ's public key is not base64url") from exc
    if len(key) != 32:
        raise CannotRun("HQ's public key is not a raw Ed25519 key (32 bytes)")
    if not verifies(key, signature, raw):
        raise CannotRun("HQ's signature over manifest.json does not verify with this key")
    return manifest, key_text


def check_export(folder: Path, hq_key: str | None = None) -> tuple[list[str], list[str]]:
    """(what verified, the problems). Raises CannotRun when there is nothing to check."""
    manifest, key_text = _manifest(folder, hq_key)
    check = Check(folder)
    files: dict[str, Any] = manifest.get("files", {})
    said = [
        f"HQ's signature over the manifest, with key {key_text}"
        + ("" if hq_key else " (taken from the export itself: compare it with HQ's)"),
        f"period {manifest['period']['from']} to {manifest['period']['to']}, "
        f"office {manifest.get('office') or 'all'}",
    ]
    # A window's keys: its first PC's, then each replacement PC's, by where its chain begins.
    stations: dict[str, list[Row]] = {}
    hq = b64d(key_text)
    for line, row in check.read("workstations", WORKSTATIONS, files.get("workstations", {})):
        ws = row["workstation_id"]
        body = compact_certificate(ws, b64d(row["public_key"]), int(row["certificate_expires_day"]))
        if not verifies(hq, b64d(row["hq_certificate_signature"]), body):
            check.problem(
                f"workstations.csv line {line} ({ws})",
                "HQ's certificate for this key does not verify",
            )
        stations.setdefault(ws, []).append(row)
    for keys in stations.values():
        keys.sort(key=lambda r: int(r["first_seq"]))

    journal = check.read("journal_entries", JOURNAL, files.get("journal_entries", {}))
    by_ws: dict[str, list[tuple[int, Row]]] = {}
    for line, row in journal:
        by_ws.setdefault(row["workstation_id"], []).append((line, row))
    chains: dict[str, Any] = manifest.get("chains", {})
    entries: dict[tuple[str, str], Row] = {}
    linked: dict[tuple[str, str], Row] = {}
    heartbeats = 0
    for ws in sorted(set(chains) | set(by_ws)):
        heartbeats += _check_chain(check, ws, by_ws.get(ws, []), chains.get(ws), stations.get(ws))
        shifts, days = closes(r for _, r in by_ws.get(ws, []))
        for line, row in by_ws.get(ws, []):
            entries[(ws, row["seq"])] = row
            link = links(int(row["seq"]), row["business_day"], shifts, days)
            linked[(ws, row["seq"])] = link
            if any(row[k] != v for k, v in link.items()):
                check.problem(
                    f"journal_entries.csv line {line} ({ws} seq {row['seq']})",
                    "names the wrong shift or day close",
                )
    said.append(f"{len(journal)} journal entries of {len(by_ws)} windows: chains and hashes")
    said.append(f"{heartbeats} heartbeats: signatures against their windows' keys")

    for table in DERIVED:
        table_rows = check.read(table.name, table.header, files.get(table.name, {}))
        seen: set[tuple[str, str]] = set()
        for line, row in table_rows:
            key = (row["workstation_id"], row["seq"])
            where = f"{table.name}.csv line {line} ({key[0]} seq {key[1]})"
            entry = entries.get(key)
            if entry is None or entry["entry_type"] not in table.types:
                check.problem(where, "names no journal entry of this kind")
                continue
            seen.add(key)
            expected = derive(table, entry, linked[key])
            wrong = [
                f"{c} is {row[c]!r}, its journal entry says {expected[c]!r}"
                for c in table.header
                if row[c] != expected[c]
            ]
            if wrong:
                check.problem(where, "; ".join(wrong))
        missing = [
            k for k, e in entries.items() if e["entry_type"] in table.types and k not in seen
        ]
        for ws, seq in missing:
            check.problem(f"{table.name}.csv", f"lacks the row of {ws} seq {seq}")
        said.append(f"{len(table_rows)} rows of {table.name} against their journal entries")

    alarms = check.read("alarms", ALARMS, files.get("alarms", {}))
    said.append(f"{len(alarms)} alarms against the digests HQ signed")
    return said, check.problems


def _check_chain(
    check: Check,
    ws: str,
    rows: list[tuple[int, Row]],
    chain: dict[str, Any] | None,
    keys: list[Row] | None,
) -> int:
    if chain is None or not keys:
        check.problem(
            f"journal_entries.csv ({ws})", "a window the manifest or workstations.csv does not list"
        )
        return 0
    if not rows:
        check.problem(
            f"journal_entries.csv ({ws})", f"has none of its {chain.get('entries')} entries"
        )
        return 0
    first, last = rows[0][1], rows[-1][1]
    if int(first["seq"]) != chain["first_seq"] or first["prev_hash"] != chain["first_prev_hash"]:
        check.problem(
            f"journal_entries.csv line {rows[0][0]} ({ws} seq {first['seq']})",
            f"the window's entries should begin at seq {chain['first_seq']}",
        )
    if int(last["seq"]) != chain["last_seq"] or last["hash"] != chain["last_hash"]:
        check.problem(
            f"journal_entries.csv line {rows[-1][0]} ({ws} seq {last['seq']})",
            f"the window's entries should end at seq {chain['last_seq']}",
        )
    enrolled: int | None = None
    previous: Row | None = None
    heartbeats = 0
    for line, row in rows:
        where = f"journal_entries.csv line {line} ({ws} seq {row['seq']})"
        if previous is not None:
            if int(row["seq"]) != int(previous["seq"]) + 1:
                check.problem(
                    where, f"follows seq {previous['seq']}: entries are missing or out of order"
                )
            elif row["prev_hash"] != previous["hash"]:
                check.problem(where, "does not link to the entry before it")
        if entry_hash(row) != row["hash"]:
            check.problem(where, "was altered: its hash does not match its fields")
        if row["entry_type"] == "workstation.enrolled" and enrolled is None:
            enrolled = int(row["seq"])
        if row["entry_type"] == HEARTBEAT:
            heartbeats += 1
            if not _heartbeat_verifies(row, _key_at(keys, int(row["seq"])), enrolled):
                check.problem(
                    where, "the heartbeat's signature does not verify with the window's key"
                )
        previous = row
    return heartbeats


def _key_at(keys: list[Row], seq: int) -> bytes:
    """The key of the window's PC that wrote entry `seq`: the last to begin at or before it."""
    held = [k for k in keys if int(k["first_seq"]) <= seq] or keys[:1]
    return b64d(held[-1]["public_key"])


def _heartbeat_verifies(row: Row, key: bytes, enrolled: int | None) -> bool:
    try:
        payload = json.loads(row["payload"])
        signature = str(payload.get("signature", ""))
        shift = int(payload.get("shift", 0))
    except (ValueError, AttributeError, TypeError):
        return False
    if not signature:
        # Beats before the window's enrolment carry no signature (it held no key yet).
        return enrolled is None or int(row["seq"]) < enrolled
    try:
        return verifies(key, b64d(signature), heartbeat_body(row, shift))
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Re-check an export of Counter App HQ.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--hq-key", help="HQ's Ed25519 public key (base64url), from HQ itself")
    args = parser.parse_args(argv)
    try:
        said, problems = check_export(args.folder, args.hq_key)
    except CannotRun as exc:
        print(f"CANNOT VERIFY: {exc}")
        return 2
    for line in said:
        print(f"checked  {line}")
    for line in problems:
        print(f"FAIL {line}")
    print(
        "EXPORT VERIFIES" if not problems else f"EXPORT DOES NOT VERIFY: {len(problems)} problem(s)"
    )
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
