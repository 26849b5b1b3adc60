"""The office dashboard's routes, for HQ staff signed in with `hq-server staff add`.

A session is a random token in an HttpOnly, SameSite=Strict cookie scoped to
/dashboard; wrong sign-ins are limited per address. Pages are read-only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from counter_app.domain.business_time import business_day
from hq import dashboard as figures
from hq import staff
from hq.service import HqService
from hq.web import dashboard as web
from hq.web.tracking import RateLimit

COOKIE = "hq_staff"
MAX_FORM_BYTES = 2048
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def router(service: HqService) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    engine = service.engine
    wrong_sign_ins = RateLimit(10, 900.0)  # per address, per 15 minutes

    def _page(text: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(text, status_code=status, headers=HEADERS)

    def _to(path: str) -> RedirectResponse:
        return RedirectResponse(path, status_code=303, headers=HEADERS)

    @api.get("/dashboard")
    def to_dashboard() -> RedirectResponse:
        return _to("/dashboard/")

    @api.get("/dashboard/style.css")
    def style() -> Response:
        return Response(web.STYLE, media_type="text/css", headers=HEADERS)

    @api.get("/dashboard/sign-in")
    def sign_in_form() -> HTMLResponse:
        return _page(web.sign_in_page())

    @api.post("/dashboard/sign-in")
    async def sign_in(request: Request) -> Response:
        address = request.client.host if request.client else "?"
        if not wrong_sign_ins.allowed(address):
            said = "محاولات خاطئة كثيرة: حاول بعد ربع ساعة · Too many wrong tries: wait 15 minutes"
            return _page(web.sign_in_page(said), 429)
        body = await request.body()
        form = parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", errors="replace"))
        username = form.get("username", [""])[0].strip()
        password = form.get("password", [""])[0]
        token = await run_in_threadpool(staff.sign_in, engine, username, password)
        if token is None:
            wrong_sign_ins.note(address)
            said = "اسم المستخدم أو كلمة المرور غير صحيحة · Wrong username or password"
            return _page(web.sign_in_page(said), 401)
        answer = _to("/dashboard/")
        answer.set_cookie(
            COOKIE,
            token,
            max_age=staff.SESSION_HOURS * 3600,
            path="/dashboard",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return answer

    @api.post("/dashboard/sign-out")
    def sign_out(request: Request) -> Response:
        staff.sign_out(engine, request.cookies.get(COOKIE, ""))
        answer = _to("/dashboard/sign-in")
        answer.delete_cookie(COOKIE, path="/dashboard")
        return answer

    @api.get("/dashboard/")
    def overview(request: Request, day: str = "") -> Response:
        member = staff.signed_in(engine, request.cookies.get(COOKIE, ""))
        if member is None:
            return _to("/dashboard/sign-in")
        try:
            chosen = date.fromisoformat(day) if day else business_day(datetime.now(UTC))
        except ValueError:
            chosen = business_day(datetime.now(UTC))
        with engine.connect() as conn:
            names = figures.offices(conn)
            states = figures.windows(conn)
            today = figures.day(conn, chosen.isoformat())
            dates, series = figures.trend(conn, chosen)
            waiting = figures.backlog(conn)
        body = (
            web.windows_section(states)
            + web.day_section(chosen.isoformat(), names, today)
            + web.trend_section(dates, series)
            + web.backlog_section(waiting)
        )
        return _page(web.page("لوحة المكاتب", "Office dashboard", body, who=member.display_name))

    return api
