"""A business day's figures, computed from its journal entries alone.

The window's day report and HQ's report both call `day_figures` on the entries each holds
for the day, so for a fully synced day they agree to the piastre by construction. The
names of the JSON form (`transactions`, `collections_piastres`, `by_tender`) are the ones
both sides print.

- a *visit* is a receipt issued (`payment.recorded`), voided or not;
- a *transaction* is a payment that stands (not voided the same day);
- *collections* are those transactions' totals; *operations* their service lines;
- a *silent gap* is a stretch of an open shift with no heartbeat (`domain.heartbeat`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from counter_app.domain.business_time import cairo_local
from counter_app.domain.cash import TENDERS
from counter_app.domain.heartbeat import Mark, shift_of, silent_gaps
from counter_app.domain.queue import TicketEvent, figures_report, replay


@dataclass(frozen=True)
class DayEntry:
    seq: int
    entry_type: str
    payload: Mapping[str, Any]
    clerk: str
    time: datetime  # aware
    window: str = ""  # the workstation (HQ adds up several)


def _blank_money() -> dict[str, int]:
    return {"count": 0, "piastres": 0}


def day_figures(  # noqa: PLR0912, PLR0915 (one branch per kind of entry)
    entries: Iterable[DayEntry], target_wait_min: float = 20
) -> dict[str, Any]:
    entries = sorted(entries, key=lambda e: (e.window, e.seq))
    payments: dict[tuple[str, str], DayEntry] = {}
    voided: dict[tuple[str, str], DayEntry] = {}
    approvals: list[dict[str, Any]] = []
    sheets_used: list[int] = []
    sheets_spoiled: list[int] = []
    requests: Counter[str] = Counter()
    certificates = 0
    shift_closes: list[dict[str, Any]] = []
    movements: list[dict[str, Any]] = []
    tickets: list[TicketEvent] = []
    marks: list[Mark] = []
    for e in entries:
        kind, p = e.entry_type, e.payload
        shift = shift_of(kind, p, e.seq)
        if shift is not None:
            marks.append(Mark(e.window, shift, e.seq, e.clerk, e.time))
        if kind == "payment.recorded":
            payments[(e.window, str(p["payment"]))] = e
        elif kind == "payment.voided":
            voided[(e.window, str(p["payment"]))] = e
        elif kind == "approval.granted":
            approvals.append(
                {
                    "action": p.get("action", ""),
                    "approved_by": e.clerk,
                    "requested_by": p.get("requested_by", ""),
                    "detail": {k: v for k, v in p.items() if k not in ("action", "requested_by")},
                    "seq": e.seq,
                    "window": e.window,
                }
            )
        elif kind == "sheet.used":
            sheets_used.append(int(p["serial"]))
        elif kind == "sheet.spoiled":
            sheets_spoiled.append(int(p["serial"]))
        elif kind == "request.captured":
            requests[str(p.get("service", ""))] += 1
        elif kind == "certificate.issued":
            certificates += 1
        elif kind == "shift.closed" and "tenders" in p:
            shift_closes.append({"clerk": e.clerk, "seq": e.seq, "window": e.window, **p})
        elif kind in ("cash.paid_in", "cash.paid_out"):
            movements.append({"clerk": e.clerk, "seq": e.seq, "window": e.window, **p})
        elif kind.startswith("ticket."):
            tickets.append(TicketEvent(kind, dict(p), e.clerk, e.time))

    by_tender = {t: _blank_money() for t in TENDERS}
    by_service: dict[str, dict[str, int]] = defaultdict(_blank_money)
    by_hour: dict[str, int] = defaultdict(int)
    by_clerk: dict[str, dict[str, int]] = defaultdict(_blank_money)
    transactions = collections = operations = 0
    provisional = 0
    for key, e in payments.items():
        if key in voided:
            continue
        p = e.payload
        total = int(p["total"])
        transactions += 1
        collections += total
        provisional += int(bool(p.get("provisional")))
        for tender in p.get("tenders", []):
            slot = by_tender.setdefault(str(tender["kind"]), _blank_money())
            slot["count"] += 1
            slot["piastres"] += int(tender["amount"])
        for line in p.get("lines", []):
            operations += 1
            slot = by_service[str(line["service"])]
            slot["count"] += 1
            slot["piastres"] += int(line["amount"])
        by_hour[f"{cairo_local(e.time).hour:02d}"] += total
        by_clerk[e.clerk]["count"] += 1
        by_clerk[e.clerk]["piastres"] += total
    voids = [
        {
            "receipt": v.payload.get("receipt"),
            "total_piastres": int(v.payload.get("total", 0)),
            "reason": v.payload.get("reason", ""),
            "clerk": v.clerk,
            "approved_by": v.payload.get("approved_by", ""),
            "seq": v.seq,
            "window": v.window,
        }
        for v in voided.values()
    ]
    queue = figures_report(replay(tickets), target_wait_min)
    return {
        "visits": len(payments),
        "transactions": transactions,
        "collections_piastres": collections,
        "operations": operations,
        "provisional": provisional,
        "by_tender": by_tender,
        "by_service": dict(sorted(by_service.items())),
        "by_hour": dict(sorted(by_hour.items())),
        "by_clerk": dict(sorted(by_clerk.items())),
        "voids": sorted(voids, key=lambda v: (v["window"], v["seq"])),
        "approvals": approvals,
        "sheets": {"used": sorted(sheets_used), "spoiled": sorted(sheets_spoiled)},
        "certificates": certificates,
        "requests": dict(sorted(requests.items())),
        "shift_closes": shift_closes,
        "cash_movements": movements,
        "queue": queue,
        "silent_gaps": [gap.as_payload() for gap in silent_gaps(marks)],
    }


def serial_ranges(serials: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive serials folded into ranges: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    ranges: list[tuple[int, int]] = []
    for serial in sorted(set(serials)):
        if ranges and serial == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], serial)
        else:
            ranges.append((serial, serial))
    return ranges
