"""The office's queue host: this workstation serves the office's queue on the office network.

One small HTTP server (the standard library's, threaded) in the workstation's process:
windows call and serve tickets through it, the kiosk issues them, the display reads the
board. Each request must be signed by a workstation HQ certified for this office (see
`sync/office.py`); the body is capped before it is read; a refusal is a 4xx in words.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidSignature

from counter_app.domain.errors import BilingualError
from counter_app.domain.queue import figures_report
from counter_app.services.office_queue import OfficeQueue
from sync.office import (
    CLOCK_SKEW_S,
    MAX_BODY_BYTES,
    PREFIX,
    signed_text,
    ticket_from_wire,
    ticket_to_wire,
)
from sync.protocol import SignatureError, WorkstationCertificate, b64d, load_public_key

log = logging.getLogger(__name__)

# (HQ's public key, this office's code, revoked workstation keys), read at each request.
Trust = Callable[[], tuple[str, str, frozenset[bytes]] | None]


class Refused(Exception):
    def __init__(self, status: int, code: str, ar: str, en: str) -> None:
        super().__init__(en)
        self.status, self.code, self.ar, self.en = status, code, ar, en


def _wire(ticket: Any) -> Any:
    return None if ticket is None else ticket_to_wire(ticket)


class QueueHost:
    def __init__(self, queue: OfficeQueue, trust: Trust, listen: str) -> None:
        self.queue = queue
        self._trust = trust
        host, port = listen.rsplit(":", 1)
        self._server = ThreadingHTTPServer((host, int(port)), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self._nonces: OrderedDict[str, float] = OrderedDict()
        self._nonce_lock = threading.Lock()
        self.stopped = False

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="queue-host", daemon=True
        )
        self._thread.start()
        log.info("queue host listening on port %s", self.port)

    def stop(self) -> None:
        self.stopped = True  # connections kept alive are answered 503 and closed
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # ---- authentication ---------------------------------------------------------------

    def authenticate(self, path: str, headers: Any, body: bytes) -> WorkstationCertificate:
        trust = self._trust()
        if trust is None:
            raise Refused(
                503,
                "not_enrolled",
                "مضيف الطابور غير مسجل لدى المركز",
                "The queue host is not enrolled",
            )
        hq_key, office, revoked = trust
        try:
            cert = WorkstationCertificate.model_validate_json(
                b64d(headers.get("X-Workstation-Cert", ""))
            )
            cert.check(hq_key)
            stamp = headers.get("X-Timestamp", "")
            nonce = headers.get("X-Nonce", "")
            signature = b64d(headers.get("X-Signature", ""))
            load_public_key(cert.public_key).verify(
                signature, signed_text("POST", path, stamp, nonce, body)
            )
        except (ValueError, SignatureError, InvalidSignature) as exc:
            raise Refused(
                401,
                "not_certified",
                "الجهاز غير معتمد من المركز",
                f"Not a certified workstation: {exc}",
            ) from exc
        if cert.office_code != office or b64d(cert.public_key) in revoked:
            raise Refused(
                403,
                "not_this_office",
                "الجهاز لا يتبع هذا المكتب",
                "This workstation is not of this office",
            )
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > CLOCK_SKEW_S or len(nonce) > 64:
            raise Refused(
                401,
                "stale",
                "توقيت الطلب غير صحيح (اضبط ساعة الجهاز)",
                "The request's time is off (set the clock)",
            )
        with self._nonce_lock:
            cutoff = time.time() - 2 * CLOCK_SKEW_S
            while self._nonces and next(iter(self._nonces.values())) < cutoff:
                self._nonces.popitem(last=False)
            if nonce in self._nonces:
                raise Refused(401, "replayed", "طلب مكرر", "This request was already received")
            self._nonces[nonce] = time.time()
        return cert

    # ---- what the office may ask -----------------------------------------------------

    def answer(  # noqa: PLR0911, PLR0912 (one answer per request)
        self, name: str, cert: WorkstationCertificate, body: dict[str, Any]
    ) -> dict[str, Any]:
        q = self.queue
        window = int(body.get("window", cert.window))
        if window != cert.window:
            raise Refused(
                403,
                "not_your_window",
                "لا يتصرف شباك باسم شباك آخر",
                "A window acts only for itself",
            )
        clerk = str(body.get("clerk", ""))[:64] or f"window {window}"
        at = datetime.fromisoformat(body["at"]) if body.get("at") else None
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        label = str(body.get("label", ""))[:16]
        if name == "groups":
            return {"groups": q.groups()}
        if name == "figures":
            day = str(body.get("day", ""))[:10] or None
            return figures_report(q.day_tickets(day), q.settings.target_wait_min)
        if name == "board":
            board = q.board()
            return {
                "calls": [ticket_to_wire(t) for t in board.calls],
                "waiting": board.waiting,
                "called": q.calls_since(int(body.get("since", 0))),
                "epoch": q.epoch,
            }
        if name == "issue":
            appointment = body.get("appointment")
            issued = q.issue(
                str(body.get("group", "")),
                clerk,
                category=str(body.get("category", "normal")),
                appointment=datetime.fromisoformat(appointment) if appointment else None,
            )
            return {
                "ticket": ticket_to_wire(issued.ticket),
                "ahead": issued.ahead,
                "estimate": issued.estimated_wait_min,
            }
        if name == "current":
            groups = [str(g) for g in body.get("groups", [])]
            return {
                "ticket": _wire(q.current(window)),
                "parked": [ticket_to_wire(t) for t in q.parked(window)],
                "waiting": q.waiting_count(groups, window),
            }
        if name == "call_next":
            groups = [str(g) for g in body.get("groups", [])]
            return {"ticket": _wire(q.call_next(window, groups, clerk, at))}
        if name == "call_label":
            return {"ticket": _wire(q.call_label(window, label, clerk))}
        if name == "recall":
            return {"ticket": _wire(q.recall(window, clerk))}
        if name == "act":
            action = str(body.get("action", ""))
            if action not in ("start", "park", "resume", "no_show", "finish"):
                raise Refused(400, "bad_action", "إجراء غير معروف", f"Unknown action {action!r}")
            outcome = str(body.get("outcome", "done"))
            ticket = q.act(window, action, clerk, label=label, outcome=outcome, at=at)
            return {"ticket": _wire(ticket)}
        if name == "transfer":
            to_window = body.get("to_window")
            ticket = q.transfer(
                window,
                clerk,
                group=str(body.get("group", "")),
                to_window=int(to_window) if to_window is not None else None,
                label=label,
            )
            return {"ticket": _wire(ticket)}
        if name == "rate":
            return {"ticket": _wire(q.rate(label, int(body.get("rating", 0)), clerk))}
        if name == "merge":
            taken = q.take_over(str(body["day"]), ticket_from_wire(body["ticket"]), window, clerk)
            return {"taken": taken}
        raise Refused(404, "unknown", "طلب غير معروف", f"Unknown request {name!r}")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes: without TCP_NODELAY the second waits
            # for the client's delayed ACK (40 ms a request on Linux).
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("queue host: " + format, *args)

            def do_GET(self) -> None:
                self._send(
                    405, {"code": "method", "message_ar": "استخدم POST", "message_en": "Use POST"}
                )

            def do_POST(self) -> None:
                try:
                    length = int(self.headers.get("Content-Length", "-1"))
                except ValueError:
                    length = -1
                if not 0 <= length <= MAX_BODY_BYTES:
                    self._send(
                        413,
                        {
                            "code": "too_large",
                            "message_ar": "الطلب كبير جدًا",
                            "message_en": "Request too large",
                        },
                    )
                    self.close_connection = True
                    return
                body = self.rfile.read(length)
                if host.stopped:
                    self.close_connection = True
                    self._send(
                        503,
                        {
                            "code": "stopped",
                            "message_ar": "المضيف متوقف",
                            "message_en": "The host is stopping",
                        },
                    )
                    return
                if not self.path.startswith(PREFIX):
                    self._send(
                        404,
                        {
                            "code": "unknown",
                            "message_ar": "طلب غير معروف",
                            "message_en": "Not found",
                        },
                    )
                    return
                try:
                    cert = host.authenticate(self.path, self.headers, body)
                    data = json.loads(body or b"{}")
                    if not isinstance(data, dict):
                        raise ValueError("the body must be a JSON object")
                    answer = host.answer(self.path[len(PREFIX) :], cert, data)
                except Refused as exc:
                    self._send(
                        exc.status, {"code": exc.code, "message_ar": exc.ar, "message_en": exc.en}
                    )
                except BilingualError as exc:
                    self._send(
                        409,
                        {
                            "code": exc.code,
                            "message_ar": exc.message_ar,
                            "message_en": exc.message_en,
                        },
                    )
                except (ValueError, KeyError, TypeError) as exc:
                    self._send(
                        400,
                        {
                            "code": "bad_request",
                            "message_ar": "طلب غير صحيح",
                            "message_en": f"Bad request: {exc}",
                        },
                    )
                except Exception:
                    log.exception("queue host failed on %s", self.path)
                    self._send(
                        500,
                        {
                            "code": "failed",
                            "message_ar": "تعذر التنفيذ",
                            "message_en": "The host failed",
                        },
                    )
                else:
                    self._send(200, answer)

            def _send(self, status: int, answer: dict[str, Any]) -> None:
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
