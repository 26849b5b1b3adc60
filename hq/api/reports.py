"""A window's own office's figures for a day, as HQ computes them from its journal."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from hq.api.auth import Authenticated
from hq.day_report import day_report
from hq.errors import HqError
from hq.service import HqService

BusinessDay = Annotated[
    str, Query(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", json_schema_extra={"format": "date"})
]


def router(service: HqService) -> APIRouter:
    api = APIRouter()

    @api.get("/v1/report")
    def office_report(ws: Authenticated, day: BusinessDay) -> dict[str, object]:
        """The caller's office's figures for a day (the window's own day close compares)."""
        try:
            day = date.fromisoformat(day).isoformat()
        except ValueError as exc:  # the shape of a date, but no such day
            raise HqError(
                "malformed", "اليوم بصيغة YYYY-MM-DD.", "day is YYYY-MM-DD.", status=400
            ) from exc
        with service.engine.connect() as conn:
            return day_report(conn, day, ws.office_code)

    return api
