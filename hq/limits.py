"""An office's limits, set at HQ and sent to its windows in the users bundle: the cash
difference a shift may close with unexplained, and the caps on cash and certificates a
window may hold that HQ has not seen. An office with no row gets the windows' defaults."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from counter_app.domain.caps import default_limits
from hq import schema as t
from hq.errors import HqError
from hq.versions import bump
from sync.protocol import utc_now_text

# Sanity bounds: a tolerance of EGP 1,000 or a cap of EGP 10 million is a typing mistake.
MAX_TOLERANCE = 100_000
MAX_CASH_CAP = 1_000_000_000
MAX_CERTIFICATES_CAP = 100_000


def office_limits(conn: Connection, office: str) -> dict[str, int] | None:
    row = conn.execute(select(t.office_limits).where(t.office_limits.c.office_code == office))
    found = row.first()
    if found is None:
        return None
    return {
        "cash_tolerance_piastres": found.cash_tolerance_piastres,
        "unsynced_cash_cap_piastres": found.unsynced_cash_cap_piastres,
        "unsynced_certificates_cap": found.unsynced_certificates_cap,
    }


def _check(value: int, low: int, high: int, what_ar: str, what_en: str) -> int:
    if not low <= value <= high:
        raise HqError(
            "limits",
            f"{what_ar} خارج الحدود المقبولة ({low} إلى {high})",
            f"{what_en} is out of bounds ({low} to {high})",
            status=400,
        )
    return value


def set_office_limits(
    engine: Engine,
    office: str,
    *,
    cash_tolerance: int | None = None,
    cash_cap: int | None = None,
    certificates_cap: int | None = None,
) -> dict[str, int]:
    """Set some or all of an office's limits (piastres, certificates); the rest keep their
    value. The office's windows receive them at their next sync."""
    with engine.begin() as conn:
        if conn.execute(select(t.offices.c.code).where(t.offices.c.code == office)).first() is None:
            raise HqError(
                "office", f"لا يوجد مكتب {office}", f"There is no office {office}", status=404
            )
        held = office_limits(conn, office)
        merged: dict[str, Any] = dict(held or default_limits())
        if cash_tolerance is not None:
            merged["cash_tolerance_piastres"] = _check(
                cash_tolerance, 0, MAX_TOLERANCE, "سماح فرق النقدية", "The cash tolerance"
            )
        if cash_cap is not None:
            merged["unsynced_cash_cap_piastres"] = _check(
                cash_cap, 100, MAX_CASH_CAP, "حد النقدية غير المرحلة", "The unsynced cash cap"
            )
        if certificates_cap is not None:
            merged["unsynced_certificates_cap"] = _check(
                certificates_cap,
                1,
                MAX_CERTIFICATES_CAP,
                "حد الشهادات غير المرحلة",
                "The unsynced certificates cap",
            )
        values = {**merged, "updated_at": utc_now_text()}
        if held is None:
            conn.execute(insert(t.office_limits).values(office_code=office, **values))
        else:
            conn.execute(
                update(t.office_limits)
                .where(t.office_limits.c.office_code == office)
                .values(**values)
            )
        bump(conn, "users", office)
    return {k: int(v) for k, v in merged.items()}
