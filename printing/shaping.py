"""One shaping path for Arabic on every platform: arabic-reshaper, then python-bidi.

Neither Pillow's basic layout nor ReportLab orders right-to-left text by itself (Pillow's
raqm layout needs FriBiDi from the system, absent on Windows). So each line is shaped
into presentation forms and reordered into visual order here, then drawn left to right.
Wrap logical text into lines first (`wrap`), then shape each line.

`bidi.algorithm.get_display` (python-bidi's reference implementation) is used rather
than the package's faster top-level `get_display`: the latter does not mirror brackets
(rule L4), so "(خمسة جنيهات)" would print with its parentheses facing outwards.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import arabic_reshaper
from bidi.algorithm import get_display

# Marks that only steer the bidi algorithm; after reordering they have no glyph to draw.
_BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


@lru_cache(maxsize=4096)
def visual(text: str) -> str:
    """`text` in visual order with Arabic letters joined, ready to draw left to right.

    Cached: labels, office names and amounts repeat on every receipt and certificate, and
    shaping costs a millisecond a line."""
    return str(get_display(arabic_reshaper.reshape(text))).translate(_BIDI_CONTROLS)


def wrap(text: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    """Break logical text into lines whose shaped width fits; words are never split."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if current and measure(visual(candidate)) > max_width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return lines
