"""The 14-digit Egyptian national ID number.

Layout: century (2 = 1900s, 3 = 2000s), birth date YYMMDD, governorate of birth
(two digits), a four-digit serial whose last digit gives the gender (odd = male), and a
check digit. No check-digit algorithm is published, so it is never used to refuse a
number. Arabic-Indic digits are accepted; spaces and dashes between groups are ignored.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from counter_app.domain.business_time import CAIRO
from counter_app.domain.errors import InputError
from counter_app.domain.text import normalize_digits

# Governorate codes with their names (Arabic, English). 88 means born abroad.
GOVERNORATES: dict[str, tuple[str, str]] = {
    "01": ("القاهرة", "Cairo"),
    "02": ("الإسكندرية", "Alexandria"),
    "03": ("بورسعيد", "Port Said"),
    "04": ("السويس", "Suez"),
    "11": ("دمياط", "Damietta"),
    "12": ("الدقهلية", "Dakahlia"),
    "13": ("الشرقية", "Sharqia"),
    "14": ("القليوبية", "Qalyubia"),
    "15": ("كفر الشيخ", "Kafr El Sheikh"),
    "16": ("الغربية", "Gharbia"),
    "17": ("المنوفية", "Monufia"),
    "18": ("البحيرة", "Beheira"),
    "19": ("الإسماعيلية", "Ismailia"),
    "21": ("الجيزة", "Giza"),
    "22": ("بني سويف", "Beni Suef"),
    "23": ("الفيوم", "Faiyum"),
    "24": ("المنيا", "Minya"),
    "25": ("أسيوط", "Asyut"),
    "26": ("سوهاج", "Sohag"),
    "27": ("قنا", "Qena"),
    "28": ("أسوان", "Aswan"),
    "29": ("الأقصر", "Luxor"),
    "31": ("البحر الأحمر", "Red Sea"),
    "32": ("الوادي الجديد", "New Valley"),
    "33": ("مطروح", "Matrouh"),
    "34": ("شمال سيناء", "North Sinai"),
    "35": ("جنوب سيناء", "South Sinai"),
    "88": ("مواليد خارج الجمهورية", "Born abroad"),
}

_CENTURIES = {"2": 1900, "3": 2000}


class Gender(enum.Enum):
    MALE = "male"
    FEMALE = "female"

    @property
    def label_ar(self) -> str:
        return "ذكر" if self is Gender.MALE else "أنثى"


class InvalidNationalId(InputError):
    """A national ID number that cannot be right; the message says why."""

    def __init__(self, message_ar: str, message_en: str) -> None:
        super().__init__("national_id", message_ar, message_en)


@dataclass(frozen=True)
class NationalId:
    """What a valid national ID number tells us."""

    number: str
    birth_date: date
    governorate_code: str
    gender: Gender
    serial: str
    check_digit: str

    @property
    def governorate_ar(self) -> str:
        return GOVERNORATES[self.governorate_code][0]

    @property
    def governorate_en(self) -> str:
        return GOVERNORATES[self.governorate_code][1]

    def masked(self) -> str:
        """For screens and logs that must not show the whole number: "2900101******5"."""
        return self.number[:7] + "*" * 6 + self.number[-1]


def parse(text: str, *, today: date | None = None) -> NationalId:
    """Parse and check a national ID number; raise `InvalidNationalId` with a reason."""
    digits = normalize_digits(text.strip()).replace(" ", "").replace("-", "")
    if not digits:
        raise InvalidNationalId("الرقم القومي مطلوب", "The national ID number is required")
    if not digits.isascii() or not digits.isdigit():
        raise InvalidNationalId(
            "الرقم القومي يتكون من أرقام فقط",
            "The national ID number must contain digits only",
        )
    if len(digits) != 14:
        raise InvalidNationalId(
            f"الرقم القومي 14 رقمًا، والمكتوب {len(digits)}",
            f"The national ID number has 14 digits; {len(digits)} were typed",
        )
    century = _CENTURIES.get(digits[0])
    if century is None:
        raise InvalidNationalId(
            "الرقم الأول من الرقم القومي يجب أن يكون 2 أو 3",
            "The first digit of a national ID number must be 2 or 3",
        )
    try:
        birth = date(century + int(digits[1:3]), int(digits[3:5]), int(digits[5:7]))
    except ValueError as exc:
        raise InvalidNationalId(
            "تاريخ الميلاد في الرقم القومي غير موجود في التقويم",
            "The birth date in the national ID number does not exist",
        ) from exc
    today = today or datetime.now(CAIRO).date()
    if birth > today:
        raise InvalidNationalId(
            "تاريخ الميلاد في الرقم القومي في المستقبل",
            "The birth date in the national ID number is in the future",
        )
    governorate = digits[7:9]
    if governorate not in GOVERNORATES:
        raise InvalidNationalId(
            f"كود المحافظة {governorate} في الرقم القومي غير معروف",
            f"The governorate code {governorate} in the national ID number is unknown",
        )
    serial = digits[9:13]
    gender = Gender.MALE if int(serial[-1]) % 2 == 1 else Gender.FEMALE
    return NationalId(
        number=digits,
        birth_date=birth,
        governorate_code=governorate,
        gender=gender,
        serial=serial,
        check_digit=digits[13],
    )
