"""Passport machine-readable zone, ICAO 9303 TD3 (two lines of 44 characters).

Check digits use the 7-3-1 weighting over digits (their value), letters (A=10 .. Z=35)
and the filler "<" (0). Every check digit is verified, the composite one included, and
a failure names the field so the clerk knows which part the reader got wrong.
Written here rather than taken from the `mrz` package, which is GPLv3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from counter_app.domain.errors import InputError

TD3_LINE_LENGTH = 44
_ALLOWED = re.compile(r"^[A-Z0-9<]+$")
_WEIGHTS = (7, 3, 1)

# Field names with their Arabic labels, used in error messages.
_FIELD_LABELS = {
    "line1": "السطر الأول",
    "line2": "السطر الثاني",
    "document_type": "نوع الوثيقة",
    "document_number": "رقم الجواز",
    "birth_date": "تاريخ الميلاد",
    "sex": "النوع",
    "expiry_date": "تاريخ الانتهاء",
    "personal_number": "الرقم الشخصي",
    "composite": "رقم التحقق المركب",
}


class InvalidMrz(InputError):
    """An MRZ that fails its format or a check digit; `field` names which."""

    def __init__(self, field: str, reason_ar: str, reason_en: str) -> None:
        label = _FIELD_LABELS.get(field, field)
        super().__init__(
            field,
            f"المنطقة المقروءة آليًا في الجواز غير صحيحة ({label}): {reason_ar}",
            f"The passport MRZ is not valid ({field.replace('_', ' ')}): {reason_en}",
        )


@dataclass(frozen=True)
class PassportIdentity:
    """The identity fields of a TD3 passport MRZ."""

    document_type: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: date
    sex: str  # "M", "F" or "X"
    expiry_date: date
    personal_number: str


def check_digit(data: str) -> int:
    """The ICAO 9303 7-3-1 check digit of `data`."""
    total = 0
    for index, ch in enumerate(data):
        if ch.isdigit():
            value = int(ch)
        elif "A" <= ch <= "Z":
            value = ord(ch) - ord("A") + 10
        elif ch == "<":
            value = 0
        else:
            raise ValueError(f"not an MRZ character: {ch!r}")
        total += value * _WEIGHTS[index % 3]
    return total % 10


def _verify(field: str, data: str, digit: str, *, filler_allowed: bool = False) -> None:
    if filler_allowed and digit == "<" and set(data) <= {"<"}:
        return
    if not digit.isdigit() or int(digit) != check_digit(data):
        raise InvalidMrz(field, "رقم التحقق لا يطابق", "the check digit does not match")


def _date(field: str, text: str, *, today: date, future: bool) -> date:
    if not text.isdigit():
        raise InvalidMrz(field, "التاريخ يجب أن يكون أرقامًا", "the date must be digits")
    yy, mm, dd = int(text[0:2]), int(text[2:4]), int(text[4:6])
    # Birth dates are in the past: a two-digit year after this year means the 1900s.
    # Expiry dates are within the next decades: always the 2000s.
    century = 2000 if future or yy <= today.year % 100 else 1900
    try:
        return date(century + yy, mm, dd)
    except ValueError as exc:
        raise InvalidMrz(field, "التاريخ غير موجود في التقويم", "the date does not exist") from exc


def _names(field: str) -> tuple[str, str]:
    surname, _, given = field.partition("<<")
    return surname.replace("<", " ").strip(), given.replace("<", " ").strip()


def parse_td3(line1: str, line2: str, *, today: date | None = None) -> PassportIdentity:
    """Parse the two MRZ lines of a passport; raise `InvalidMrz` naming the failing field."""
    today = today or date.today()
    for name, raw in (("line1", line1), ("line2", line2)):
        # Before upper-casing: "ſ" and "ı" become "S" and "I" and would pass as ASCII.
        if not raw.isascii():
            raise InvalidMrz(
                name,
                "يحتوي على حروف غير مسموح بها",
                "it contains characters other than A-Z, 0-9 and <",
            )
    lines = {"line1": line1.strip().upper(), "line2": line2.strip().upper()}
    for name, line in lines.items():
        if len(line) != TD3_LINE_LENGTH:
            raise InvalidMrz(
                name,
                f"يجب أن يكون 44 حرفًا، والمقروء {len(line)}",
                f"it must be 44 characters; {len(line)} were read",
            )
        if not _ALLOWED.match(line):
            raise InvalidMrz(
                name,
                "يحتوي على حروف غير مسموح بها",
                "it contains characters other than A-Z, 0-9 and <",
            )
    l1, l2 = lines["line1"], lines["line2"]
    if l1[0] != "P":
        raise InvalidMrz("document_type", "الوثيقة ليست جواز سفر", "the document is not a passport")
    _verify("document_number", l2[0:9], l2[9])
    birth = _date("birth_date", l2[13:19], today=today, future=False)
    _verify("birth_date", l2[13:19], l2[19])
    if l2[20] not in "MF<":
        raise InvalidMrz("sex", "قيمة النوع غير معروفة", "the sex must be M, F or <")
    expiry = _date("expiry_date", l2[21:27], today=today, future=True)
    _verify("expiry_date", l2[21:27], l2[27])
    _verify("personal_number", l2[28:42], l2[42], filler_allowed=True)
    _verify("composite", l2[0:10] + l2[13:20] + l2[21:43], l2[43])
    if birth > today:
        raise InvalidMrz(
            "birth_date", "تاريخ الميلاد في المستقبل", "the birth date is in the future"
        )
    if expiry < today:
        raise InvalidMrz(
            "expiry_date",
            f"انتهت صلاحية الجواز في {expiry:%Y/%m/%d}",
            f"the passport expired on {expiry:%Y-%m-%d}",
        )
    surname, given = _names(l1[5:44])
    return PassportIdentity(
        document_type=l1[0:2].replace("<", ""),
        issuing_state=l1[2:5].replace("<", ""),
        surname=surname,
        given_names=given,
        document_number=l2[0:9].replace("<", ""),
        nationality=l2[10:13].replace("<", ""),
        birth_date=birth,
        sex="X" if l2[20] == "<" else l2[20],
        expiry_date=expiry,
        personal_number=l2[28:42].replace("<", ""),
    )
