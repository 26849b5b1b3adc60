"""A visit's lines and its tenders: totals, what each tender pays, and the change.

One citizen's services add up to a total; the citizen pays it with one or more tenders
(cash, card through the bank's terminal, prepaid service card). Non-cash tenders pay
exactly what they say and never more than is due (no cash back on a card); cash covers
the rest, and only cash gives change. Everything is integer piastres.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from counter_app.domain.errors import InputError
from counter_app.domain.money import Money

TENDER_KINDS = ("cash", "card", "prepaid")
TENDER_NAMES = {
    "cash": ("نقدًا", "Cash"),
    "card": ("بطاقة بنكية", "Bank card"),
    "prepaid": ("كارت خدمات مسبق الدفع", "Prepaid service card"),
}
_APPROVAL = re.compile(r"^[A-Z0-9]{4,12}$")


@dataclass(frozen=True)
class VisitLine:
    """One fee of one service performed for the citizen."""

    service_code: str
    label_ar: str
    label_en: str
    amount: Money
    reference: str = ""  # what it pays for at the authority, e.g. a fine's number

    def __post_init__(self) -> None:
        if self.amount.piastres < 0:
            raise InputError("amount", "المبلغ لا يكون سالبًا", "An amount cannot be negative")


@dataclass(frozen=True)
class Tender:
    """What the citizen hands over: for cash, the amount tendered (change comes back)."""

    kind: str
    amount: Money
    reference: str = ""  # the card terminal's approval code, the prepaid authorisation

    def __post_init__(self) -> None:
        if self.kind not in TENDER_KINDS:
            raise InputError("tender", "وسيلة الدفع غير معروفة", f"Unknown tender '{self.kind}'")
        if self.amount.piastres <= 0:
            raise InputError(
                "tender_amount",
                "مبلغ وسيلة الدفع يجب أن يكون أكبر من صفر",
                "A tender's amount must be more than zero",
            )


@dataclass(frozen=True)
class Settlement:
    """How a visit's total is paid: per tender kind, what the cash tendered and the change."""

    total: Money
    applied: tuple[tuple[str, Money], ...]  # (kind, amount applied to the total)
    cash_tendered: Money
    change: Money

    def paid_by(self, kind: str) -> Money:
        return sum((amount for k, amount in self.applied if k == kind), Money(0))


def total_of(lines: list[VisitLine] | tuple[VisitLine, ...]) -> Money:
    return sum((line.amount for line in lines), Money(0))


def check_approval_code(code: str) -> str:
    cleaned = code.strip().upper()
    if not _APPROVAL.match(cleaned):
        raise InputError(
            "approval_code",
            "رمز الموافقة من 4 إلى 12 حرفًا لاتينيًا أو رقمًا كما طبعته ماكينة البنك",
            "The approval code is 4 to 12 Latin letters or digits, as the bank's terminal "
            "printed it",
        )
    return cleaned


def check_references(tenders: list[Tender]) -> None:
    """Every card and prepaid tender carries its approval before the payment is recorded."""
    for tender in tenders:
        if tender.kind != "cash" and not tender.reference:
            raise InputError(
                "approval_code",
                "الدفع بالبطاقة يحتاج رمز الموافقة",
                "A card payment needs its approval code",
            )


def settle(lines: list[VisitLine] | tuple[VisitLine, ...], tenders: list[Tender]) -> Settlement:
    """Check the tenders against the lines and say what each pays, or refuse with the reason."""
    total = total_of(lines)
    if not lines:
        raise InputError("lines", "لا توجد خدمات للدفع", "There is nothing to pay for")
    cash = [t for t in tenders if t.kind == "cash"]
    if len(cash) > 1:
        raise InputError("tender", "أدخل النقدية مرة واحدة", "Enter cash once")
    non_cash = [t for t in tenders if t.kind != "cash"]
    covered = sum((t.amount for t in non_cash), Money(0))
    if covered > total:
        raise InputError(
            "tender_amount",
            f"مدفوعات البطاقات ({covered.format('ar')}) أكبر من المطلوب ({total.format('ar')})",
            f"Card payments ({covered.format('en')}) exceed the amount due ({total.format('en')})",
        )
    cash_due = total - covered
    tendered = cash[0].amount if cash else Money(0)
    if tendered < cash_due:
        short = cash_due - tendered
        raise InputError(
            "cash",
            f"المبلغ ناقص {short.format('ar')}",
            f"{short.format('en')} is still due",
        )
    if cash and cash_due.piastres == 0:
        raise InputError(
            "cash", "لا يلزم دفع نقدي لهذه الزيارة", "No cash is due: the cards cover the total"
        )
    applied = [(t.kind, t.amount) for t in non_cash]
    if cash_due.piastres:
        applied.insert(0, ("cash", cash_due))
    return Settlement(total, tuple(applied), tendered, tendered - cash_due)
