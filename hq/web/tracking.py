"""HQ's public tracking page: a request's stages for whoever holds its tracking number and
the last four digits of the holder's national ID, and nothing else.

Both a wrong number and wrong digits get the same answer (the page never says which
numbers exist). Lookups are limited per address and per tracking number, so the four
digits cannot be tried one after another.
"""

from __future__ import annotations

import html
import threading
import time
from collections import deque
from datetime import datetime
from urllib.parse import parse_qs

from counter_app.domain.business_time import cairo_local
from counter_app.domain.errors import InputError
from counter_app.domain.requests import status_name, tracking_key
from counter_app.domain.text import normalize_digits
from sync.protocol import RequestHistory

PER_ADDRESS = (20, 600.0)  # lookups per address per 10 minutes
WRONG_PER_NUMBER = (5, 3600.0)  # wrong digits per tracking number per hour
MAX_FORM_BYTES = 2048


class RateLimit:
    """At most `count` events per key within `window_s` (in memory, per HQ process)."""

    def __init__(self, count: int, window_s: float) -> None:
        self.count, self.window_s = count, window_s
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - self.window_s:
            seen.popleft()
        return seen

    def allowed(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, time.monotonic())) < self.count

    def note(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(key, now).append(now)
            if len(self._seen) > 100_000:  # forget the oldest keys rather than grow
                for stale in list(self._seen)[:50_000]:
                    del self._seen[stale]


_PAGE = """<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>تتبع طلب · Track a request</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:1em auto;padding:0 1em}}
label{{display:block;margin:.6em 0 .2em}}input{{font-size:1.2em;width:100%}}
button{{font-size:1.2em;margin-top:1em}}.en{{direction:ltr;text-align:left;color:#444}}
.problem{{color:#a00;font-weight:bold}}li{{margin:.4em 0}}</style></head><body>
<h1>تتبع طلب <span class="en">Track a request</span></h1>
{result}
<form method="post" action="/track">
<label for="n">رقم التتبع المطبوع على إيصال الطلب · Tracking number</label>
<input id="n" name="n" value="{number}" autocomplete="off" dir="ltr">
<label for="d">آخر أربعة أرقام من الرقم القومي · Last four digits of the national ID</label>
<input id="d" name="d" inputmode="numeric" maxlength="4" autocomplete="off" dir="ltr">
<button type="submit">تتبع · Track</button></form></body></html>"""


def page(number: str = "", result: str = "") -> str:
    return _PAGE.format(number=html.escape(number), result=result)


def problem(ar: str, en: str) -> str:
    return f'<p class="problem">{html.escape(ar)}<br><span class="en">{html.escape(en)}</span></p>'


def history_html(history: RequestHistory) -> str:
    stages = "".join(
        f"<li><b>{html.escape(status_name(s.status, 'ar'))}</b> · "
        f"<span class='en'>{html.escape(status_name(s.status, 'en'))}</span> · "
        f"<span dir='ltr'>{html.escape(_cairo(s.at))}</span>"
        + (f"<br>{html.escape(s.note_ar)}" if s.note_ar else "")
        + "</li>"
        for s in history.stages
    )
    consignment = (
        f"<p>رقم الشحنة · Consignment: <b dir='ltr'>{html.escape(history.consignment)}</b></p>"
        if history.consignment
        else ""
    )
    return (
        f"<h2 dir='ltr'>{html.escape(history.tracking)}</h2>"
        f"<p>الحالة الآن: <b>{html.escape(status_name(history.status, 'ar'))}</b> · "
        f"<span class='en'>{html.escape(status_name(history.status, 'en'))}</span></p>"
        f"{consignment}<ol>{stages}</ol>"
    )


def read_form(body: bytes) -> tuple[str, str]:
    """(tracking number, last four digits) from the posted form; bad input is InputError."""
    if len(body) > MAX_FORM_BYTES:
        raise InputError("form", "الطلب أكبر من المسموح", "The form is too large")
    fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=4)
    number = fields.get("n", [""])[0][:64]
    digits = normalize_digits(fields.get("d", [""])[0]).strip()
    tracking_key(number)  # a mistyped number is refused before anything is looked up
    if not (len(digits) == 4 and digits.isdigit()):
        raise InputError(
            "digits",
            "اكتب آخر أربعة أرقام من الرقم القومي لصاحب الطلب",
            "Type the last four digits of the applicant's national ID",
        )
    return number, digits


def _cairo(text: str) -> str:
    try:
        return cairo_local(datetime.fromisoformat(text)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text[:16]
