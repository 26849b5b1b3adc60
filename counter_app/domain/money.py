"""Money as integer piastres (1 EGP = 100 piastres), with display and words.

Never a float: amounts are created from integers or from decimal text, and are shown
with the locale's digits (Arabic-Indic for Arabic) and written in Arabic words on
certificates (num2words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from num2words import num2words

from counter_app.domain.errors import InputError
from counter_app.domain.text import normalize_digits, to_arabic_indic

PIASTRES_PER_POUND = 100
# A single counter operation above this is a typing mistake, not a fee.
MAX_AMOUNT_PIASTRES = 100_000_000  # EGP 1,000,000

_AMOUNT_TEXT = re.compile(r"^(\d{1,7})(?:[.,٫](\d{1,2}))?$")


@dataclass(frozen=True, order=True)
class Money:
    """An amount of Egyptian pounds held as whole piastres."""

    piastres: int

    def __post_init__(self) -> None:
        if isinstance(self.piastres, bool) or not isinstance(self.piastres, int):
            raise TypeError("Money holds integer piastres only")

    @classmethod
    def pounds(cls, pounds: int, piastres: int = 0) -> Money:
        return cls(pounds * PIASTRES_PER_POUND + piastres)

    @classmethod
    def parse(cls, text: str) -> Money:
        """Read an amount typed by a clerk: "150", "150.5", "١٥٠٫٢٥"."""
        cleaned = normalize_digits(text.strip()).replace(" ", "")
        match = _AMOUNT_TEXT.match(cleaned)
        if not match:
            raise InputError(
                "amount",
                "المبلغ غير صحيح: اكتب جنيهات وقروشًا مثل 150.25",
                "The amount is not valid: type pounds and piastres, e.g. 150.25",
            )
        pounds = int(match.group(1))
        fraction = (match.group(2) or "0").ljust(2, "0")
        amount = cls(pounds * PIASTRES_PER_POUND + int(fraction))
        if amount.piastres > MAX_AMOUNT_PIASTRES:
            raise InputError(
                "amount",
                "المبلغ أكبر من الحد المسموح لعملية واحدة",
                "The amount is larger than one operation allows",
            )
        return amount

    def __add__(self, other: Money) -> Money:
        return Money(self.piastres + other.piastres)

    def __sub__(self, other: Money) -> Money:
        return Money(self.piastres - other.piastres)

    def __mul__(self, count: int) -> Money:
        return Money(self.piastres * count)

    def as_decimal(self) -> Decimal:
        return Decimal(self.piastres) / PIASTRES_PER_POUND

    def format(self, lang: str = "ar") -> str:
        """Locale display: "١٥٠٫٢٥ ج.م." in Arabic (babel adds right-to-left marks), "EGP 150.25"
        in English."""
        if lang == "ar":
            # babel gives the Arabic separators; the digits themselves stay ASCII.
            text = format_currency(
                self.as_decimal(), "EGP", locale="ar_EG", numbering_system="arab"
            )
            return to_arabic_indic(text)
        return "EGP " + format_decimal(self.as_decimal(), format="#,##0.00", locale="en")

    def in_arabic_words(self) -> str:
        """The amount written out, as printed on certificates ("مائة وخمسون جنيهًا ...")."""
        if self.piastres < 0:
            raise ValueError("a negative amount is not written in words")
        pounds, piastres = divmod(self.piastres, PIASTRES_PER_POUND)
        parts = []
        if pounds or not piastres:
            parts.append(_counted(pounds, "جنيه", "جنيهان", "جنيهات", "جنيهًا"))
        if piastres:
            parts.append(_counted(piastres, "قرش", "قرشان", "قروش", "قرشًا"))
        return " و".join(parts) + " لا غير"

    def __str__(self) -> str:
        return self.format("en")


def _counted(count: int, one: str, two: str, few: str, many: str) -> str:
    """A number with its counted noun, in the agreement Arabic grammar asks for:
    1 and 2 are said by the noun alone ("جنيه واحد", "جنيهان"), 3-10 take the plural,
    11-99 the accusative singular, and round hundreds/thousands the singular."""
    if count == 1:
        return f"{one} واحد"
    if count == 2:
        return two
    words = num2words(count, lang="ar").replace("و ", "و")
    last_two = count % 100
    if 3 <= last_two <= 10:
        noun = few
    elif 11 <= last_two <= 99:
        noun = many
    else:
        noun = one
    return f"{words} {noun}"
