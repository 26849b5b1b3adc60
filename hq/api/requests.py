"""HQ's routes for requests, mobile linking and the public tracking page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from counter_app.domain.errors import InputError
from counter_app.domain.national_id import parse as parse_national_id
from counter_app.domain.requests import tracking_key
from hq.agencies.civil import RECORD_KINDS, CivilRegistry
from hq.api.answers import refusals
from hq.api.auth import Authenticated
from hq.errors import HqError
from hq.otp import MobileLinking
from hq.requests import RequestDesk
from hq.web import tracking as web
from sync.protocol import (
    CivilQuery,
    CivilRecord,
    OtpChallenge,
    OtpCheck,
    OtpLinked,
    OtpSend,
    RequestHistory,
    RequestSubmission,
)

RecordKind = Annotated[str, Path(pattern=f"^({'|'.join(RECORD_KINDS)})$")]
Tracking = Annotated[str, Path(pattern=r"^[A-Za-z0-9 -]{10,40}$", description="as printed")]


def router(desk: RequestDesk, linking: MobileLinking, civil: CivilRegistry) -> APIRouter:
    api = APIRouter()
    per_address = web.RateLimit(*web.PER_ADDRESS)
    wrong_per_number = web.RateLimit(*web.WRONG_PER_NUMBER)

    @api.post("/v1/requests", responses=refusals(409))
    def submit(submission: RequestSubmission, ws: Authenticated) -> RequestHistory:
        return desk.submit(ws.id, submission)

    @api.get("/v1/requests/{tracking}", responses=refusals(404))
    def history(tracking: Tracking, _ws: Authenticated) -> RequestHistory:
        try:
            key = tracking_key(tracking)
        except InputError as exc:  # well formed, but its check characters say no such request
            raise HqError("tracking", exc.message_ar, exc.message_en, status=404) from exc
        return desk.history(key)

    @api.post("/v1/civil/{kind}", responses=refusals(404))
    def civil_record(kind: RecordKind, query: CivilQuery, _ws: Authenticated) -> CivilRecord:
        try:
            number = parse_national_id(query.national_id).number
        except InputError as exc:  # 14 digits, but no such date or governorate: no record
            raise HqError("national_id", exc.message_ar, exc.message_en, status=404) from exc
        found = civil.record(kind, number)
        if found is None:
            raise HqError(
                "no_record",
                "لا يوجد قيد من هذا النوع لهذا الرقم القومي في السجل المدني",
                "The civil registry holds no such record for this national ID",
                status=404,
            )
        return found

    @api.post("/v1/otp/send", responses=refusals(409))
    def otp_send(request: OtpSend, ws: Authenticated) -> OtpChallenge:
        return linking.send(ws.id, request)

    @api.post("/v1/otp/check", responses=refusals(404, 409))
    def otp_check(request: OtpCheck, ws: Authenticated) -> OtpLinked:
        return linking.check(ws.id, request)

    # The citizens' tracking page is a page, not the windows' protocol: not in OpenAPI.
    @api.get("/track", response_class=HTMLResponse, include_in_schema=False)
    def track_form(n: str = "") -> HTMLResponse:
        return HTMLResponse(web.page(n[:64]))

    @api.post("/track", response_class=HTMLResponse, include_in_schema=False)
    async def track(request: Request) -> HTMLResponse:
        address = request.client.host if request.client else "?"
        if not per_address.allowed(address):
            said = web.problem(
                "محاولات كثيرة: حاول بعد عشر دقائق", "Too many lookups: try again in ten minutes"
            )
            return HTMLResponse(web.page(result=said), status_code=429)
        per_address.note(address)
        try:
            number, digits = web.read_form(await request.body())
        except InputError as exc:
            return HTMLResponse(
                web.page(result=web.problem(exc.message_ar, exc.message_en)), status_code=400
            )
        key = tracking_key(number)
        if not wrong_per_number.allowed(key):
            said = web.problem(
                "محاولات خاطئة كثيرة لهذا الرقم: حاول بعد ساعة",
                "Too many wrong tries for this number: try again in an hour",
            )
            return HTMLResponse(web.page(number, said), status_code=429)
        found = await run_in_threadpool(desk.public_lookup, key, digits)
        if found is None:
            wrong_per_number.note(key)
            said = web.problem(
                "لا يوجد طلب بهذا الرقم وهذه الأرقام",
                "No request matches that number and those digits",
            )
            return HTMLResponse(web.page(number, said), status_code=404)
        return HTMLResponse(web.page(number, web.history_html(found)))

    return api
