"""HQ's HTTP interface (FastAPI). Every answer carries HQ's time in `X-HQ-Time`.

Errors are JSON: {"reason": ..., "message_en": ..., "message_ar": ..., "acked_seq": ...}.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Connection
from starlette.exceptions import HTTPException as StarletteHTTPException

from hq.admission import Admission, Busy
from hq.agencies.civil import CivilRegistry, SimulatedCivilRegistry
from hq.agencies.fines import FinesAdapter
from hq.agencies.requests import Agencies
from hq.api import dashboard as dashboard_routes
from hq.api import enrolment as enrolment_routes
from hq.api import journal as journal_routes
from hq.api import reports as report_routes
from hq.api import requests as request_routes
from hq.api import settlement as settlement_routes
from hq.api import verify as verify_routes
from hq.api.answers import describe
from hq.errors import HqError
from hq.guard import Buckets, Guard, StampTime, scaled
from hq.otp import MobileLinking
from hq.requests import RequestDesk
from hq.service import HqService
from hq.settlement import Settlement
from sync.protocol import (
    utc_now_text,
)

_HTTP_REASONS = {
    400: ("malformed", "الطلب ليس بصيغة البروتوكول."),
    404: ("not_found", "لا يوجد هذا المسار."),
    405: ("method_not_allowed", "هذه الطريقة غير مسموحة لهذا المسار."),
}


def create_app(
    service: HqService,
    fines: FinesAdapter,
    agencies: Agencies | None = None,
    civil: CivilRegistry | None = None,
    admission: Admission | None = None,
    rate_scale: float = 1.0,
) -> FastAPI:
    """HQ's app; `rate_scale` multiplies every caller's rate (hq/guard.py RATES)."""
    app = FastAPI(title="Counter App HQ", version="1")
    app.state.service = service
    admission = admission or Admission()
    app.state.admission = admission
    settlement = Settlement(service.engine, fines)
    desk = RequestDesk(service.engine, agencies or Agencies.simulated(service.engine))
    app.state.settlement = settlement
    app.state.desk = desk

    def after_ingest(conn: Connection, workstation_id: str, entries: list[dict[str, Any]]) -> None:
        settlement.after_ingest(conn, workstation_id, entries)
        desk.after_ingest(conn, workstation_id, entries)

    service.after_ingest = after_ingest
    linking = MobileLinking(service.engine, desk)
    app.include_router(request_routes.router(desk, linking, civil or SimulatedCivilRegistry()))
    for public in (verify_routes, dashboard_routes):  # the verification page, the dashboard
        app.include_router(public.router(service))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(
            status_code=400,
            content={
                "reason": "malformed",
                "message_en": f"The request is not valid: {where}: {first.get('msg', '')}",
                "message_ar": "الطلب ليس بصيغة البروتوكول.",
                "acked_seq": None,
            },
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """FastAPI's own refusals (a body it cannot parse, no such route, wrong method) in
        the protocol's shape."""
        reason, ar = _HTTP_REASONS.get(exc.status_code, ("refused", "رُفض الطلب."))
        return JSONResponse(
            status_code=exc.status_code,
            content={
                "reason": reason,
                "message_en": str(exc.detail),
                "message_ar": ar,
                "acked_seq": None,
            },
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RecursionError)
    async def nested_too_deep(_request: Request, _exc: RecursionError) -> JSONResponse:
        return JSONResponse(
            status_code=400,
            content={
                "reason": "malformed",
                "message_en": "The request's JSON is nested too deep.",
                "message_ar": "تداخل JSON في الطلب أعمق من المسموح.",
                "acked_seq": None,
            },
        )

    @app.exception_handler(HqError)
    async def hq_error(_request: Request, exc: HqError) -> JSONResponse:
        busy = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Busy) else None
        return JSONResponse(
            headers=busy,
            status_code=exc.status,
            content={
                "reason": exc.reason,
                "message_en": exc.message_en,
                "message_ar": exc.message_ar,
                "acked_seq": exc.acked_seq,
            },
        )

    @app.get("/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "hq_time": utc_now_text()}

    for window_routes in (
        enrolment_routes.router(service),
        journal_routes.router(service, admission),
        settlement_routes.router(settlement),
        report_routes.router(service),
    ):
        app.include_router(window_routes)

    app.add_middleware(Guard, admission=admission, buckets=Buckets(scaled(rate_scale)))
    app.add_middleware(StampTime)
    describe(app)
    return app
