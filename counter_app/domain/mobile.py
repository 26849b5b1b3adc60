"""Egyptian mobile numbers, checked with phonenumbers and returned in E.164 form."""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberType

from counter_app.domain.errors import InputError
from counter_app.domain.text import normalize_digits

_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def parse_mobile(text: str) -> str:
    """ "010 1234 5678", "+20 10 ...", "٠١٠..." -> "+201012345678", or `InputError`."""
    cleaned = normalize_digits(text.strip())
    error = InputError(
        "mobile",
        "رقم المحمول غير صحيح: اكتب 11 رقمًا يبدأ بـ 010 أو 011 أو 012 أو 015",
        "The mobile number is not valid: type 11 digits starting 010, 011, 012 or 015",
    )
    try:
        number = phonenumbers.parse(cleaned, "EG")
    except phonenumbers.NumberParseException as exc:
        raise error from exc
    if number.extension:
        raise InputError(
            "mobile",
            "رقم المحمول ليس له تحويلة: اكتب الرقم وحده",
            "A mobile number has no extension: type the number alone",
        )
    if number.country_code != 20 or not phonenumbers.is_valid_number(number):
        raise error
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise error
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
