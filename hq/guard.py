"""What stands between the network and HQ's routes: a cap on every request body before a
byte of it is kept, and a rate per caller. Every refusal is a 4xx in the protocol's error
shape; nothing a request sends can make HQ hold more than its route's cap.

- Bodies: a declared `Content-Length` beyond the route's cap is refused at once (413), the
  body unread. A body without one (chunked) is read up to the cap and refused past it; what
  passes is handed on as it came.
- Rates: a token bucket per caller and kind of route (enrolment per client address, since
  it carries no token; everything else per bearer token). Past it, 429 with `Retry-After`;
  the window's client already backs off on 429.
- Load: a journal push that HQ is too full to take (hq/admission.py) is answered 503 with
  `Retry-After` at the request's head, before its body is read.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hq.admission import Admission
from sync.protocol import MAX_BATCH_BYTES, MAX_PHOTO_BYTES, TIME_HEADER

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

SMALL_BODY = 64 * 1024  # enrolment, settlement, prepaid: a few hundred bytes in practice
# A request with an ID card photo (base64) and its fields.
REQUEST_BODY = MAX_PHOTO_BYTES * 4 // 3 + 64 * 1024


def body_cap(path: str) -> int:
    """The most a request to `path` may send (bytes on the wire)."""
    if path == "/v1/journal":
        return MAX_BATCH_BYTES
    if path.startswith("/v1/requests"):
        return REQUEST_BODY
    return SMALL_BODY


@dataclass(frozen=True)
class Rate:
    per_second: float
    burst: int


# Enrolment codes are 10 characters from 31: guessing is what the rate stops. A window's
# own traffic is a sync a minute, a few inquiries a visit; the burst covers a busy hour's
# catch-up after an outage (batches of 1,000 entries).
RATES = {
    "enroll": Rate(per_second=0.2, burst=10),
    "fines": Rate(per_second=2.0, burst=20),
    "window": Rate(per_second=20.0, burst=200),
    # The public verification page: five files a first visit, then one trust list a scan;
    # many phones can share one address behind a carrier's NAT.
    "public": Rate(per_second=20.0, burst=100),
}


def scaled(factor: float) -> dict[str, Rate]:
    """RATES times `factor` (`serve --rate-scale`: many windows behind one address, or a
    test that calls as fast as it can)."""
    if not 0 < factor <= 1000:
        raise ValueError("the rate scale is above 0 and at most 1000")
    return {
        kind: Rate(rate.per_second * factor, max(1, round(rate.burst * factor)))
        for kind, rate in RATES.items()
    }


def rate_kind(path: str) -> str:
    if path == "/v1/enroll":
        return "enroll"
    if path in ("/v", "/dashboard") or path.startswith(("/v/", "/dashboard/")):
        return "public"
    if path.startswith("/v1/fines") and not path.startswith("/v1/fines/settle"):
        return "fines"
    return "window"


class Buckets:
    """Token buckets by (kind, caller); buckets idle long enough to be full are dropped."""

    def __init__(self, rates: dict[str, Rate], clock: Callable[[], float] = time.monotonic):
        self._rates = rates
        self._clock = clock
        self._held: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, kind: str, caller: str) -> float:
        """0 when the request may go on; otherwise the seconds until it may."""
        rate = self._rates[kind]
        now = self._clock()
        with self._lock:
            tokens, since = self._held.get((kind, caller), (float(rate.burst), now))
            tokens = min(float(rate.burst), tokens + (now - since) * rate.per_second)
            if tokens < 1:
                self._held[(kind, caller)] = (tokens, now)
                return (1 - tokens) / rate.per_second
            self._held[(kind, caller)] = (tokens - 1, now)
            if len(self._held) > 100_000:
                self._forget(now)
        return 0.0

    def _forget(self, now: float) -> None:
        for key, (tokens, since) in list(self._held.items()):
            rate = self._rates[key[0]]
            if tokens + (now - since) * rate.per_second >= rate.burst:
                del self._held[key]


def _caller(scope: Scope, kind: str) -> str:
    if kind not in ("enroll", "public"):
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                return "token:" + bytes(value).decode("latin-1")[-64:]
    client = scope.get("client") or ("?", 0)
    return f"address:{client[0]!s}"


async def _refuse(send: Send, status: int, reason: str, ar: str, en: str, retry: float = 0) -> None:
    body = json.dumps(
        {"reason": reason, "message_en": en, "message_ar": ar, "acked_seq": None},
        ensure_ascii=False,
    ).encode("utf-8")
    headers = [  # X-HQ-Time: StampTime, around the Guard
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    if retry:
        headers.append((b"retry-after", str(max(1, round(retry))).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _too_large(cap: int) -> tuple[str, str, str]:
    return (
        "too_large",
        f"الطلب أكبر من المسموح ({cap:,} بايت).",
        f"The request is larger than allowed ({cap:,} bytes).",
    )


class Guard:
    """ASGI middleware: the body cap and the rate, before any route sees the request."""

    def __init__(
        self, app: App, buckets: Buckets | None = None, admission: Admission | None = None
    ) -> None:
        self.app = app
        self.buckets = buckets or Buckets(RATES)
        self.admission = admission

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        if await self._turned_away(scope, path, send):
            return
        cap = body_cap(path)
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                await _refuse(send, 400, "malformed", "طول الطلب غير صالح.", "Bad Content-Length.")
                return
            if length > cap:
                await _refuse(send, 413, *_too_large(cap))
                return
            await self.app(scope, receive, send)
            return
        # No declared length: read up to the cap, then hand on what came.
        chunks: list[Message] = []
        size = 0
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > cap:
                await _refuse(send, 413, *_too_large(cap))
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)

    async def _turned_away(self, scope: Scope, path: str, send: Send) -> bool:
        """Past the caller's rate (429), or a push HQ is too full to take (503), answered
        here before a byte of the body crosses a slow link."""
        kind = rate_kind(path)
        wait = self.buckets.take(kind, _caller(scope, kind))
        if wait:
            await _refuse(
                send,
                429,
                "rate_limited",
                "طلبات كثيرة جدًا؛ أعد المحاولة بعد قليل.",
                "Too many requests; try again shortly.",
                retry=wait,
            )
            return True
        if self.admission is not None and path == "/v1/journal" and self.admission.full():
            busy = self.admission.refuse()
            await _refuse(send, 503, "busy", busy.message_ar, busy.message_en, busy.retry_after)
            return True
        return False


class StampTime:
    """ASGI middleware: HQ's time in `X-HQ-Time` on every answer (the windows' clocks are
    checked against it). Plain ASGI: Starlette's BaseHTTPMiddleware costs a task and a
    stream per request, which the end-of-day burst measured."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() != TIME_HEADER.lower().encode()
                ]
                headers.append((TIME_HEADER.lower().encode(), _hq_time().encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, stamped)


def _hq_time() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
