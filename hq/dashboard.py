"""The figures of HQ's office dashboard: every window's state, each office's day (the
figures `hq-server report` gives, which equal the windows' own day reports), the last two
weeks' trend, and the request backlog. Read-only; no HTML here (hq/web/dashboard.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from counter_app.domain.requests import FINAL
from hq import schema as t
from hq.day_report import day_report

TREND_DAYS = 14
SILENT_AFTER = timedelta(minutes=15)  # a window not heard from for longer is marked


@dataclass(frozen=True)
class WindowState:
    office_code: str
    workstation_id: str
    window: int
    last_sync_at: str  # "" when never
    silent: bool  # not heard from for longer than SILENT_AFTER
    waiting: int | None  # entries the window held beyond HQ's at its last push
    clock_offset_s: float | None
    alarms: int
    revoked_at: str


def windows(conn: Connection, now: datetime | None = None) -> list[WindowState]:
    now = now or datetime.now(UTC)
    alarms: dict[str, int] = dict(
        conn.execute(
            select(t.tamper_alarms.c.workstation_id, func.count()).group_by(
                t.tamper_alarms.c.workstation_id
            )
        ).all()
    )
    out = []
    for row in conn.execute(
        select(t.workstations).order_by(t.workstations.c.office_code, t.workstations.c.window)
    ):
        seen = row.last_sync_at or ""
        silent = not seen or now - datetime.fromisoformat(seen) > SILENT_AFTER
        waiting = None
        if row.reported_head_seq is not None:
            waiting = max(0, int(row.reported_head_seq) - int(row.acked_seq))
        offset = None if row.clock_offset_ms is None else row.clock_offset_ms / 1000
        out.append(
            WindowState(
                row.office_code,
                row.id,
                int(row.window),
                seen,
                silent and not row.revoked_at,
                waiting,
                offset,
                int(alarms.get(row.id, 0)),
                row.revoked_at or "",
            )
        )
    return out


def offices(conn: Connection) -> dict[str, str]:
    return {
        r.code: r.name_ar or r.name
        for r in conn.execute(select(t.offices).order_by(t.offices.c.code))
    }


def day(conn: Connection, business_day: str) -> dict[str, Any]:
    """{office: figures with "windows": {window: figures}} (hq.day_report)."""
    offices_figures: dict[str, Any] = day_report(conn, business_day)["offices"]
    return offices_figures


def trend(
    conn: Connection, last_day: date, days: int = TREND_DAYS
) -> tuple[list[str], dict[str, list[tuple[int, int]]]]:
    """The last `days` business days, and per office (transactions, collections in
    piastres) on each of them."""
    dates = [(last_day - timedelta(days=back)).isoformat() for back in range(days - 1, -1, -1)]
    per_day = [day(conn, d) for d in dates]
    codes = sorted({code for figures in per_day for code in figures})
    series = {
        code: [
            (
                int(figures.get(code, {}).get("transactions", 0)),
                int(figures.get(code, {}).get("collections_piastres", 0)),
            )
            for figures in per_day
        ]
        for code in codes
    }
    return dates, series


def backlog(conn: Connection) -> dict[str, dict[str, int]]:
    """Requests not yet in a final state, per office and status."""
    rows = conn.execute(
        select(t.requests.c.office_code, t.requests.c.status, func.count())
        .where(t.requests.c.status.not_in(sorted(FINAL)))
        .group_by(t.requests.c.office_code, t.requests.c.status)
    ).all()
    out: dict[str, dict[str, int]] = {}
    for office, status, count in rows:
        out.setdefault(office, {})[status] = int(count)
    return out
