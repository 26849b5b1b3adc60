"""The HTTP client for HQ (requests), with a timeout on every call and careful retries.

- Every request passes (connect, read) timeouts: a window never hangs on a dead link.
- TLS is verified against the configured CA bundle (HQ runs a private CA). Plain HTTP is
  accepted only to a loopback address, for development and tests.
- Connection errors, timeouts, 5xx and 429 are retried with exponential backoff and
  jitter; other 4xx are not retried: the caller holds the batch and shows the problem.
- HQ's clock (the X-HQ-Time header) is reported after every answer.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from counter_app.domain.errors import BilingualError
from sync.protocol import (
    MAX_BATCH_ENTRIES,
    TIME_HEADER,
    WINDOW_TIME_HEADER,
    Bundle,
    CivilQuery,
    CivilRecord,
    EnrollRequest,
    EnrollResponse,
    FinesAnswer,
    FinesInquiry,
    JournalHead,
    JournalRange,
    OtpChallenge,
    OtpCheck,
    OtpLinked,
    OtpSend,
    PrepaidAnswer,
    PrepaidRequest,
    PushBatch,
    RequestHistory,
    RequestSubmission,
    SettleAnswer,
    SettleRequest,
)

DEFAULT_TIMEOUT = (3.05, 15.0)  # (connect, read) seconds
LIVE_TIMEOUT = (3.05, 8.0)  # calls a citizen waits for at the window
_RETRY_STATUSES = {429, 500, 502, 503, 504}
_RETRY_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


class HqUnavailable(Exception):
    """HQ could not be reached (after retries): the window is offline."""


class HqRefused(BilingualError):
    """HQ answered with a refusal that retrying will not change (`code` is HQ's reason)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(
            str(body.get("reason", "error")),
            str(body.get("message_ar", "رفض المركز الرئيسي الطلب")),
            str(body.get("message_en", f"HQ refused the request ({status})")),
        )
        self.status = status
        self.reason = self.code
        acked = body.get("acked_seq")
        self.acked_seq = int(acked) if isinstance(acked, int) else None


def check_hq_url(url: str) -> str:
    """Accept https://, or http:// to a loopback address only."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname:
        host = parts.hostname
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            return url.rstrip("/")
        raise ValueError("plain http:// is allowed only to a loopback address; use https://")
    raise ValueError(f"not an HQ address: {url!r}")


class HqClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        ca_bundle: str = "",
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        attempts: int = 4,
        backoff: float = 0.5,
        backoff_cap: float = 8.0,
        on_hq_time: Callable[[float], None] | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = check_hq_url(base_url)
        self.token = token
        self.timeout = timeout
        self._verify: bool | str = ca_bundle or True
        self._attempts = attempts
        self._backoff = backoff
        self._backoff_cap = backoff_cap
        self._on_hq_time = on_hq_time
        self._session = session or requests.Session()
        self._sleep = sleep

    def close(self) -> None:
        self._session.close()

    # ---- calls ------------------------------------------------------------------------

    def enroll(self, request: EnrollRequest) -> EnrollResponse:
        # Safe to send again: a request with its key's proof, repeated after a lost answer,
        # gets the same window a new token (hq/enrolment.py).
        attempts = 3 if request.proof else 1
        answer = self._call("POST", "/v1/enroll", json=request.model_dump(), attempts=attempts)
        return EnrollResponse.model_validate(answer)

    def head(self) -> JournalHead:
        return JournalHead.model_validate(self._call("GET", "/v1/journal/head"))

    def entries(self, after_seq: int, limit: int = MAX_BATCH_ENTRIES) -> JournalRange:
        """This window's own entries after `after_seq`, as HQ holds them."""
        answer = self._call(
            "GET", "/v1/journal/entries", params={"after": after_seq, "limit": limit}
        )
        return JournalRange.model_validate(answer)

    def push(self, batch: PushBatch) -> JournalHead:
        body = gzip.compress(
            json.dumps(batch.model_dump(), separators=(",", ":"), ensure_ascii=False).encode(),
            mtime=0,
        )
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        # A push is idempotent at HQ, so retrying after a lost answer is safe.
        return JournalHead.model_validate(
            self._call("POST", "/v1/journal", data=body, headers=headers)
        )

    def bundle(self, kind: str) -> Bundle:
        return Bundle.model_validate(self._call("GET", f"/v1/bundles/{kind}"))

    def fines(self, *, national_id: str = "", plate: str = "", licence: str = "") -> FinesAnswer:
        given = {"national_id": national_id, "plate": plate, "licence": licence}
        inquiry = FinesInquiry.model_validate({k: v for k, v in given.items() if v})
        answer = self._call(
            "POST",
            "/v1/fines/inquiry",
            json=inquiry.model_dump(exclude_defaults=True),
            timeout=LIVE_TIMEOUT,
            attempts=2,
        )
        return FinesAnswer.model_validate(answer)

    def settle_fines(self, request: SettleRequest) -> SettleAnswer:
        answer = self._call(
            "POST", "/v1/fines/settle", json=request.model_dump(), timeout=LIVE_TIMEOUT, attempts=2
        )
        return SettleAnswer.model_validate(answer)

    def authorise_prepaid(self, request: PrepaidRequest) -> PrepaidAnswer:
        answer = self._call(
            "POST",
            "/v1/prepaid/authorise",
            json=request.model_dump(),
            timeout=LIVE_TIMEOUT,
            attempts=2,
        )
        return PrepaidAnswer.model_validate(answer)

    def submit_request(self, submission: RequestSubmission) -> RequestHistory:
        # Idempotent at HQ (the same details again return the same history).
        answer = self._call("POST", "/v1/requests", json=submission.model_dump())
        return RequestHistory.model_validate(answer)

    def request_history(self, tracking: str) -> RequestHistory:
        answer = self._call("GET", f"/v1/requests/{tracking}", timeout=LIVE_TIMEOUT, attempts=2)
        return RequestHistory.model_validate(answer)

    def civil_record(self, kind: str, national_id: str) -> CivilRecord:
        answer = self._call(
            "POST",
            f"/v1/civil/{kind}",
            json=CivilQuery(national_id=national_id).model_dump(),
            timeout=LIVE_TIMEOUT,
            attempts=2,
        )
        return CivilRecord.model_validate(answer)

    def otp_send(self, request: OtpSend) -> OtpChallenge:
        answer = self._call(
            "POST", "/v1/otp/send", json=request.model_dump(), timeout=LIVE_TIMEOUT, attempts=1
        )
        return OtpChallenge.model_validate(answer)

    def otp_check(self, request: OtpCheck) -> OtpLinked:
        answer = self._call(
            "POST", "/v1/otp/check", json=request.model_dump(), timeout=LIVE_TIMEOUT, attempts=2
        )
        return OtpLinked.model_validate(answer)

    # ---- transport --------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        attempts: int | None = None,
        timeout: tuple[float, float] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The JSON of HQ's answer. An answer cut short on the way (unreadable JSON) is a
        transport failure like any other, retried; HQ's operations are idempotent."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        tries = attempts or self._attempts
        last_error = "no attempt made"
        for attempt in range(tries):
            sent = time.time()
            headers[WINDOW_TIME_HEADER] = datetime.now(UTC).isoformat(timespec="milliseconds")
            try:
                response = self._session.request(
                    method,
                    self.base_url + path,
                    headers=headers,
                    timeout=timeout or self.timeout,
                    verify=self._verify,
                    **kwargs,
                )
            except _RETRY_ERRORS as exc:
                last_error = f"{type(exc).__name__}: {exc}"
                self._pause(attempt, tries, None)
                continue
            self._note_time(response, sent)
            if response.status_code in _RETRY_STATUSES:
                last_error = f"HQ answered {response.status_code}"
                self._pause(attempt, tries, response.headers.get("Retry-After"))
                continue
            if response.status_code >= 400:
                try:
                    body = response.json()
                except ValueError:
                    body = {}
                raise HqRefused(response.status_code, body if isinstance(body, dict) else {})
            try:
                return response.json()
            except ValueError:
                last_error = "HQ's answer arrived incomplete"
                self._pause(attempt, tries, None)
        raise HqUnavailable(last_error)

    def _pause(self, attempt: int, tries: int, retry_after: str | None) -> None:
        if attempt + 1 >= tries:
            return
        delay = min(self._backoff_cap, self._backoff * 2**attempt) * random.uniform(0.5, 1.5)
        if retry_after and retry_after.isdigit():
            delay = max(delay, min(float(retry_after), self._backoff_cap))
        self._sleep(delay)

    def _note_time(self, response: requests.Response, sent: float) -> None:
        text = response.headers.get(TIME_HEADER)
        if not text or self._on_hq_time is None:
            return
        try:
            hq_time = datetime.fromisoformat(text).astimezone(UTC).timestamp()
        except ValueError:
            return
        # HQ stamped its answer somewhere between our send and our receipt.
        self._on_hq_time(hq_time - (sent + time.time()) / 2)
