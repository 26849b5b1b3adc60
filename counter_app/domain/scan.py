"""What a scanner sends: telling a scan from typing, and what the scan is.

A keyboard-wedge scanner "types" a whole code in a few milliseconds and ends it with Enter;
a person types a key every tenth of a second or slower. `BurstAssembler` watches the keys'
times and hands back a burst (the framing: at least `MIN_LENGTH` characters, each within
`MAX_GAP_S` of the one before, ended by Enter). `classify` says what a burst (or a line
from a serial scanner or reader) is, or refuses it in words:

- a national ID number (14 digits, Latin or Arabic-Indic);
- one line of a passport's MRZ (44 characters of A-Z, 0-9 and "<"); a passport has two;
- a queue ticket's QR ("CQ1|office|day|label").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from counter_app.domain.errors import InputError
from counter_app.domain.text import normalize_digits

MAX_GAP_S = 0.035  # scanners send a character every 1-15 ms; people never under 35 ms
MIN_LENGTH = 10  # shorter codes are typed (a PIN, a menu number), never scanned here
MAX_LENGTH = 200
_MRZ_LINE = re.compile(r"^[A-Z0-9<]{44}$")
_TICKET = re.compile(r"^CQ1\|([A-Z0-9-]{3,16})\|(\d{4}-\d{2}-\d{2})\|([A-Z]-\d{1,6}(?:/\d{1,2})?)$")


@dataclass(frozen=True)
class Scan:
    kind: str  # "national_id", "mrz_line" or "ticket"
    value: str  # the digits, the MRZ line, or the ticket's label
    office: str = ""
    day: str = ""


def classify(text: str) -> Scan:
    """What the scanned `text` is; InputError (field "scan") when it is none of them."""
    raw = text.strip().replace("\r", "").replace("\n", "")
    digits = normalize_digits(raw)
    if len(digits) == 14 and digits.isascii() and digits.isdigit():
        return Scan("national_id", digits)
    upper = raw.upper()
    if _MRZ_LINE.match(upper):
        return Scan("mrz_line", upper)
    ticket = _TICKET.match(raw)
    if ticket:
        return Scan("ticket", ticket.group(3), office=ticket.group(1), day=ticket.group(2))
    shown = raw[:24] + ("…" if len(raw) > 24 else "")
    raise InputError(
        "scan",
        f"قراءة الماسح غير مفهومة ({len(raw)} حرفًا): ليست رقمًا قوميًا ولا جواز سفر ولا تذكرة",
        f"The scan is not understood ({len(raw)} characters, {shown!r}): not a national ID, "
        "a passport or a ticket",
    )


@dataclass
class BurstAssembler:
    """Feed it every key with its time; it returns a finished burst when Enter ends one."""

    max_gap_s: float = MAX_GAP_S
    min_length: int = MIN_LENGTH
    _chars: list[str] = field(default_factory=list)
    _last: float | None = None

    def feed(self, key: str, at: float) -> str | None:
        """`key` is one character, or "\\n" for Enter. Returns the burst's text when this
        Enter ends a burst, else None."""
        fast = self._last is not None and 0 <= at - self._last <= self.max_gap_s
        self._last = at
        if key == "\n":
            text = "".join(self._chars)
            burst = fast and len(text) >= self.min_length
            self._chars.clear()
            return text if burst else None
        if len(key) != 1 or not key.isprintable():
            self.reset()
            return None
        if not fast:
            self._chars.clear()  # a pause: whatever came before was typed
        self._chars.append(key)
        if len(self._chars) > MAX_LENGTH:
            self._chars.clear()  # no code is this long: a key held down, not a scan
        return None

    @property
    def pending(self) -> int:
        """How many fast characters are held since the burst began."""
        return len(self._chars)

    def reset(self) -> None:
        self._chars.clear()
        self._last = None
