"""HQ's figures per office, window and day, computed from the journal entries HQ holds by
the rule the window uses (`counter_app.domain.day_figures`): for a fully synced day they
equal the window's own day report to the piastre, under the same names
(`transactions`, `collections_piastres`, `by_tender`)."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from counter_app.domain.day_figures import DayEntry, day_figures
from hq.schema import instructions as ins
from hq.schema import journal_entries as j
from hq.schema import workstations as w

SUMMARY = ("visits", "transactions", "operations", "collections_piastres", "provisional")


def day_report(conn: Connection, day: str, office: str = "") -> dict[str, Any]:
    """{office: {"offices": figures, "windows": {window: figures}}} for the day."""
    query = (
        select(
            w.c.office_code,
            w.c.window,
            j.c.workstation_id,
            j.c.seq,
            j.c.entry_type,
            j.c.payload,
            j.c.clerk,
            j.c.device_time,
        )
        .join(w, w.c.id == j.c.workstation_id)
        .where(j.c.business_day == day)
        .order_by(j.c.workstation_id, j.c.seq)
    )
    if office:
        query = query.where(w.c.office_code == office)
    by_office: dict[str, list[DayEntry]] = defaultdict(list)
    by_window: dict[tuple[str, int], list[DayEntry]] = defaultdict(list)
    for code, window, ws, seq, kind, payload, clerk, when in conn.execute(query):
        entry = DayEntry(seq, kind, json.loads(payload), clerk, datetime.fromisoformat(when), ws)
        by_office[code].append(entry)
        by_window[(code, int(window))].append(entry)
    report: dict[str, Any] = {"business_day": day, "offices": {}}
    for code, entries in sorted(by_office.items()):
        windows = {
            str(window): _plain(day_figures(rows))
            for (c, window), rows in sorted(by_window.items())
            if c == code
        }
        report["offices"][code] = {**_plain(day_figures(entries)), "windows": windows}
    return report


def _plain(figures: dict[str, Any]) -> dict[str, Any]:
    keep: tuple[str, ...] = (*SUMMARY, "by_tender", "by_service", "voids", "requests")
    keep = (*keep, "certificates", "queue", "silent_gaps")
    return {k: figures[k] for k in keep}


def report_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per office and per window: the figures the seeds quote, per tender too."""
    rows = []
    for code, office in report["offices"].items():
        for window, figures in [("all", office), *office["windows"].items()]:
            row = {"business_day": report["business_day"], "office": code, "window": window}
            row.update({k: figures[k] for k in SUMMARY})
            for tender, slot in figures["by_tender"].items():
                row[f"{tender}_piastres"] = slot["piastres"]
            row["voids"] = len(figures["voids"])
            row["requests"] = sum(figures["requests"].values())
            row["tickets_served"] = figures["queue"]["office"]["served"]
            rows.append(row)
    return rows


def render(report: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=1)
    rows = report_rows(report)
    if fmt == "csv":
        out = io.StringIO()
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return out.getvalue()
    if not rows:
        return f"no entries for {report['business_day']}\n"
    columns = ("office", "window", "visits", "transactions", "collections_piastres", "voids")
    lines = ["  ".join(f"{c:>20}" for c in columns)]
    for row in rows:
        values = [
            f"{row[c] / 100:>20,.2f}" if c == "collections_piastres" else f"{row[c]!s:>20}"
            for c in columns
        ]
        lines.append("  ".join(values))
    return "\n".join(lines) + "\n"


def instruction_answers(conn: Connection, workstation: str = "") -> list[dict[str, Any]]:
    """Each instruction with the answer the window journaled (accepted or disputed)."""
    answers: dict[tuple[str, int], dict[str, Any]] = {}
    query = select(j.c.workstation_id, j.c.entry_type, j.c.payload, j.c.clerk, j.c.device_time)
    query = query.where(j.c.entry_type.in_(("instruction.accepted", "instruction.disputed")))
    for ws, kind, payload, clerk, when in conn.execute(query):
        p = json.loads(payload)
        answers[(ws, int(p["id"]))] = {
            "answer": kind.split(".")[1],
            "note": p.get("note", ""),
            "clerk": clerk,
            "answered_at": when,
        }
    listing = select(ins).order_by(ins.c.id)
    if workstation:
        listing = listing.where(ins.c.workstation_id == workstation)
    out = []
    for row in conn.execute(listing):
        answer = answers.get((row.workstation_id, row.id), {"answer": "waiting"})
        out.append(
            {
                "id": row.id,
                "workstation": row.workstation_id,
                "kind": row.kind,
                "text_en": row.text_en,
                "created_at": row.created_at,
                **answer,
            }
        )
    return out
