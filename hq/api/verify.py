"""The public verification page a certificate's QR opens in a phone's camera app.

The QR holds `<page URL>#<payload, base64url>`. Browsers never send a URL's fragment to
the server, so the page (hq/web/verify) checks the payload in the phone, against HQ's key
pinned in the page and HQ's signed trust list, and keeps working offline once loaded (a
service worker keeps the page and the last trust list). HQ only ever sees `GET /v/`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from hq.service import HqService
from resources import fonts_dir
from sync.protocol import b64e, canonical

PAGE_DIR = Path(str(resources.files("hq.web") / "verify"))
# The page runs only its own files: nothing it shows can load or send anything elsewhere.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",  # the phone revalidates when online, else its service worker
}


def router(service: HqService) -> APIRouter:
    api = APIRouter(include_in_schema=False)
    page = (PAGE_DIR / "index.html").read_text(encoding="utf-8")
    page = page.replace("__HQ_PUBLIC_KEY__", service.public_key)

    @api.get("/v")
    def to_page() -> RedirectResponse:
        # The fragment stays with the browser across the redirect.
        return RedirectResponse("/v/", status_code=308)

    @api.get("/v/")
    def verification_page() -> HTMLResponse:
        return HTMLResponse(page, headers=HEADERS)

    @api.get("/v/trust.json")
    def trust_list() -> dict[str, str]:
        """HQ's signed trust bundle as the exact bytes HQ signed: the page checks the
        signature over these bytes, then reads them (no JSON canonicalisation in JS)."""
        bundle = service.trust_list()
        return {"signed": b64e(canonical(bundle.body())), "signature": bundle.signature}

    def _file(name: str, media_type: str, folder: Path = PAGE_DIR) -> Response:
        return FileResponse(folder / name, media_type=media_type, headers=HEADERS)

    @api.get("/v/app.js")
    def script() -> Response:
        return _file("app.js", "text/javascript")

    @api.get("/v/sw.js")
    def service_worker() -> Response:
        return _file("sw.js", "text/javascript")

    @api.get("/v/style.css")
    def style() -> Response:
        return _file("style.css", "text/css")

    @api.get("/v/font.ttf")
    def font() -> Response:
        return _file("NotoSansArabic-Regular.ttf", "font/ttf", fonts_dir())

    return api
