"""The office network: windows, the kiosk and the display use the office's queue host.

Every request is signed with the caller's workstation key and carries the certificate HQ
issued for it; the host accepts only certificates HQ signed for its own office, not
revoked, and a signature over the method, path, time, a fresh nonce and the body's digest
(so a request cannot be replayed or altered on the wire). The host answers JSON; a refusal
is a 4xx with the same bilingual error shape as HQ's.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import asdict
from datetime import datetime
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.domain.queue import Ticket
from sync.protocol import b64e

MAX_BODY_BYTES = 64 * 1024
CLOCK_SKEW_S = 120
PREFIX = "/queue/v1/"


class HostUnavailable(Exception):
    """The queue host did not answer (down, unreachable, too slow, or failing)."""


class HostRefused(Exception):
    """The queue host said no, in words for the clerk."""

    def __init__(self, status: int, code: str, message_ar: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_ar = message_ar
        self.message_en = message_en


def signed_text(method: str, path: str, stamp: str, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return f"{method}\n{path}\n{stamp}\n{nonce}\n{digest}".encode()


def ticket_to_wire(ticket: Ticket) -> dict[str, Any]:
    wire = asdict(ticket)
    for key, value in wire.items():
        if isinstance(value, datetime):
            wire[key] = value.isoformat()
    return wire


def ticket_from_wire(wire: dict[str, Any]) -> Ticket:
    values = dict(wire)
    for key in ("arrived", "appointment", "called", "started", "ended"):
        if values.get(key) is not None:
            values[key] = datetime.fromisoformat(values[key])
    return Ticket(**values)


class OfficeLink:
    """A signed HTTP client of the office's queue host."""

    def __init__(
        self,
        url: str,
        key: Ed25519PrivateKey,
        certificate: dict[str, Any],
        timeout_s: float = 2.0,
    ) -> None:
        self._url = url.rstrip("/")
        self._key = key
        self._cert = b64e(json.dumps(certificate, sort_keys=True).encode())
        self._timeout = (min(1.0, timeout_s), timeout_s)
        self._session = requests.Session()
        self._session.trust_env = False  # the office network: no proxy in between

    def call(self, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        path = PREFIX + name
        data = json.dumps(body or {}, ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        nonce = secrets.token_hex(12)
        signature = self._key.sign(signed_text("POST", path, stamp, nonce, data))
        try:
            response = self._session.post(
                self._url + path,
                data=data,
                headers={
                    "Content-Type": "application/json",
                    "X-Workstation-Cert": self._cert,
                    "X-Timestamp": stamp,
                    "X-Nonce": nonce,
                    "X-Signature": b64e(signature),
                },
                timeout=self._timeout,
            )
        except requests.RequestException as exc:
            raise HostUnavailable(str(exc)) from exc
        if response.status_code >= 500:
            raise HostUnavailable(f"the queue host answered {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            raise HostUnavailable("the queue host answered something other than JSON") from exc
        if response.status_code >= 400:
            raise HostRefused(
                response.status_code,
                str(answer.get("code", "refused")),
                str(answer.get("message_ar", "")),
                str(answer.get("message_en", "")),
            )
        return dict(answer)

    def close(self) -> None:
        self._session.close()
