"""The drawer: Egyptian notes and coins counted by denomination, cash paid in and out with
a reason, and the close's table of what each tender should hold against what was counted.

All amounts are integer piastres. A difference is counted minus expected: negative is a
shortage, positive an overage. Nothing here zeroes a difference; it is shown and, beyond
the office's tolerance, explained and approved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from counter_app.domain.errors import InputError
from counter_app.domain.money import Money
from counter_app.domain.text import normalize_digits

# Notes of EGP 200, 100, 50, 20, 10, 5, the pound (coin and note), coins of 50 and 25
# piastres. The 10 and 5 piastre coins are no longer handed out as change.
DENOMINATIONS: tuple[int, ...] = (20000, 10000, 5000, 2000, 1000, 500, 100, 50, 25)
MAX_PIECES = 100_000  # of one denomination in one drawer
TENDERS: tuple[str, ...] = ("cash", "card", "prepaid")
TENDER_NAMES: dict[str, tuple[str, str]] = {
    "cash": ("نقدي", "Cash"),
    "card": ("بطاقة بنكية", "Card"),
    "prepaid": ("كارت مسبق الدفع", "Prepaid card"),
}
DEFAULT_TOLERANCE = 500  # EGP 5: a difference beyond it needs an explanation and a supervisor

# Cash paid in and out during a shift, each with a reason code.
PAID_IN_REASONS: dict[str, tuple[str, str]] = {
    "float_top_up": ("تعزيز الفكة من الخزينة", "Float topped up from the safe"),
    "found_cash": ("نقدية وجدت بالدرج", "Cash found in the drawer"),
    "correction": ("تصحيح بتعليمات المركز", "Correction instructed by HQ"),
}
PAID_OUT_REASONS: dict[str, tuple[str, str]] = {
    "safe_deposit": ("توريد إلى الخزينة", "Deposited to the office safe"),
    "refund": ("رد مبلغ بتعليمات المركز", "Refund instructed by HQ"),
    "petty_expense": ("مصروف نثري معتمد", "Approved petty expense"),
    "float_return": ("إعادة الفكة للخزينة", "Float returned to the safe"),
}


def denomination_name(piastres: int, lang: str = "ar") -> str:
    if piastres >= 100:
        pounds = piastres // 100
        return f"{pounds} جنيه" if lang == "ar" else f"EGP {pounds}"
    return f"{piastres} قرش" if lang == "ar" else f"{piastres} pt"


@dataclass(frozen=True)
class CashCount:
    """Pieces per denomination (piastres -> count); only denominations that were counted."""

    pieces: tuple[tuple[int, int], ...] = ()

    @classmethod
    def of(cls, counts: Mapping[int, int] | Iterable[tuple[int, int]]) -> CashCount:
        items = counts.items() if isinstance(counts, Mapping) else counts
        merged: dict[int, int] = {}
        for denomination, count in items:
            if denomination not in DENOMINATIONS:
                raise InputError(
                    "denomination",
                    f"فئة غير معروفة: {denomination} قرش",
                    f"Unknown denomination: {denomination} piastres",
                )
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise InputError(
                    "count",
                    "عدد القطع رقم صحيح غير سالب",
                    "A count of pieces is a whole number, not negative",
                )
            merged[denomination] = merged.get(denomination, 0) + count
            if merged[denomination] > MAX_PIECES:
                raise InputError(
                    "count",
                    f"عدد كبير جدًا من فئة {denomination_name(denomination)}: راجع العد",
                    f"Too many pieces of {denomination_name(denomination, 'en')}: count again",
                )
        return cls(tuple((d, merged[d]) for d in DENOMINATIONS if merged.get(d)))

    @classmethod
    def parse(cls, text: str) -> CashCount:
        """`200x3, 50x2, 0.25x4` (pounds x pieces), as an IT officer types it."""
        pairs: list[tuple[int, int]] = []
        for raw in normalize_digits(text).replace("×", "x").split(","):
            part = raw.strip()
            if not part:
                continue
            value, sep, count = part.partition("x")
            try:
                piastres = round(float(value) * 100)
                pieces = int(count)
            except ValueError:
                raise InputError(
                    "count",
                    f"لم أفهم «{part}»: اكتب الفئة بالجنيه ثم x ثم العدد، مثل 200x3",
                    f"Could not read '{part}': write pounds x pieces, like 200x3",
                ) from None
            if not sep:
                raise InputError(
                    "count",
                    f"لم أفهم «{part}»: اكتب الفئة بالجنيه ثم x ثم العدد، مثل 200x3",
                    f"Could not read '{part}': write pounds x pieces, like 200x3",
                )
            pairs.append((piastres, pieces))
        return cls.of(pairs)

    @classmethod
    def making(cls, amount: int) -> CashCount:
        """The fewest notes and coins for `amount` (what is left under 25 piastres is
        not in the count: a drawer cannot hold it)."""
        pieces = []
        for denomination in DENOMINATIONS:
            count, amount = divmod(amount, denomination)
            if count:
                pieces.append((denomination, count))
        return cls(tuple(pieces))

    @property
    def total(self) -> int:
        return sum(d * n for d, n in self.pieces)

    def count_of(self, denomination: int) -> int:
        return dict(self.pieces).get(denomination, 0)

    def as_payload(self) -> dict[str, int]:
        return {str(d): n for d, n in self.pieces}

    @classmethod
    def from_payload(cls, payload: Mapping[str, int]) -> CashCount:
        return cls.of({int(d): int(n) for d, n in payload.items()})


def reason_names(direction: str, reason: str) -> tuple[str, str]:
    table = PAID_IN_REASONS if direction == "in" else PAID_OUT_REASONS
    if reason not in table:
        codes = ", ".join(table)
        raise InputError(
            "reason",
            f"سبب غير معروف. الأسباب: {codes}",
            f"Unknown reason. The reasons are: {codes}",
        )
    return table[reason]


@dataclass(frozen=True)
class Payment:
    """What one payment put into the drawer per tender, and whether it was voided since."""

    seq: int
    receipt: int
    tenders: tuple[tuple[str, int], ...]
    voided_seq: int | None = None

    def amount(self, tender: str) -> int:
        return sum(a for kind, a in self.tenders if kind == tender)


@dataclass(frozen=True)
class Movement:
    """Cash paid in (positive) or out (negative) with its reason."""

    seq: int
    amount: int
    reason: str


@dataclass(frozen=True)
class TenderFigure:
    tender: str
    opening: int
    taken: int  # payments recorded in the shift
    voided: int  # of those (or earlier ones) voided in the shift
    paid_in: int
    paid_out: int
    counted: int

    @property
    def expected(self) -> int:
        return self.opening + self.taken - self.voided + self.paid_in - self.paid_out

    @property
    def difference(self) -> int:
        return self.counted - self.expected

    def as_payload(self) -> dict[str, int | str]:
        return {
            "tender": self.tender,
            "opening": self.opening,
            "taken": self.taken,
            "voided": self.voided,
            "paid_in": self.paid_in,
            "paid_out": self.paid_out,
            "expected": self.expected,
            "counted": self.counted,
            "difference": self.difference,
        }


def tender_table(
    opening_cash: int,
    payments: Sequence[Payment],
    voids: Sequence[Payment],
    movements: Sequence[Movement],
    counted: Mapping[str, int],
) -> list[TenderFigure]:
    """Per tender: opening, taken, voided, paid in and out, expected, counted, difference.

    `payments` are those recorded in the shift's sequence range, `voids` those voided in
    it (whenever they were taken): a void gives the money back from this drawer.
    """
    rows = []
    for tender in TENDERS:
        is_cash = tender == "cash"
        rows.append(
            TenderFigure(
                tender=tender,
                opening=opening_cash if is_cash else 0,
                taken=sum(p.amount(tender) for p in payments),
                voided=sum(p.amount(tender) for p in voids),
                paid_in=sum(m.amount for m in movements if m.amount > 0) if is_cash else 0,
                paid_out=-sum(m.amount for m in movements if m.amount < 0) if is_cash else 0,
                counted=int(counted.get(tender, 0)),
            )
        )
    return rows


def beyond_tolerance(rows: Sequence[TenderFigure], tolerance: int) -> list[TenderFigure]:
    return [r for r in rows if abs(r.difference) > tolerance]


def signed_money(piastres: int, lang: str = "ar") -> str:
    """A difference as the clerk reads it: +EGP 5.00 over, -EGP 5.00 short."""
    text = Money(abs(piastres)).format(lang)
    if piastres > 0:
        return f"+{text}"
    if piastres < 0:
        return f"-{text}"
    return text
