"""The national ID rules of DEVELOPERS.md, including every kind of bad input."""

from __future__ import annotations

from datetime import date

import pytest

from counter_app.domain.national_id import GOVERNORATES, Gender, InvalidNationalId, parse

TODAY = date(2026, 11, 23)


def make_id(century: str, yymmdd: str, gov: str, serial: str, check: str = "7") -> str:
    return century + yymmdd + gov + serial + check


def test_reads_birth_date_governorate_and_gender() -> None:
    result = parse(make_id("2", "900115", "28", "0123"), today=TODAY)
    assert result.birth_date == date(1990, 1, 15)
    assert result.governorate_code == "28"
    assert result.governorate_en == "Aswan"
    assert result.gender is Gender.MALE  # serial ends in 3: odd


def test_even_serial_digit_is_female_and_century_3_is_2000s() -> None:
    result = parse(make_id("3", "050228", "01", "0042"), today=TODAY)
    assert result.birth_date == date(2005, 2, 28)
    assert result.gender is Gender.FEMALE  # serial ends in 2: even


def test_leap_day_accepted_only_in_leap_years() -> None:
    assert parse(make_id("3", "040229", "21", "1111"), today=TODAY).birth_date == date(2004, 2, 29)
    with pytest.raises(InvalidNationalId):
        parse(make_id("3", "050229", "21", "1111"), today=TODAY)


def test_arabic_indic_digits_and_separators_are_accepted() -> None:
    latin = make_id("2", "851231", "12", "5678", "9")
    arabic = latin.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    spaced = f"{arabic[:1]} {arabic[1:7]}-{arabic[7:9]} {arabic[9:]}"
    assert parse(spaced, today=TODAY).number == latin


def test_check_digit_is_never_a_reason_to_refuse() -> None:
    base = make_id("2", "851231", "12", "5678", "0")
    numbers = {parse(base[:-1] + str(d), today=TODAY).check_digit for d in range(10)}
    assert len(numbers) == 10


@pytest.mark.parametrize("code", sorted(GOVERNORATES))
def test_every_known_governorate_is_accepted(code: str) -> None:
    assert parse(make_id("2", "700101", code, "0001"), today=TODAY).governorate_code == code


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "required"),
        ("2900115280123", "13 were typed"),
        ("290011528012345", "15 were typed"),
        ("29001152801a37", "digits only"),
        ("19001152801237", "must be 2 or 3"),
        ("49001152801237", "must be 2 or 3"),
        ("29013152801237", "does not exist"),  # month 13
        ("29002302801237", "does not exist"),  # 30 February
        ("29001002801237", "does not exist"),  # day 0
        ("32701012801237", "in the future"),  # 2027
        ("29001150501237", "governorate code 05"),
        ("29001153601237", "governorate code 36"),
        ("29001152001237", "governorate code 20"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason_in_both_languages(text: str, why: str) -> None:
    with pytest.raises(InvalidNationalId) as caught:
        parse(text, today=TODAY)
    assert why in caught.value.message_en
    assert caught.value.message_ar
    assert caught.value.field == "national_id"


def test_born_today_is_accepted_born_tomorrow_is_not() -> None:
    assert parse(make_id("3", "261123", "88", "0001"), today=TODAY).birth_date == TODAY
    with pytest.raises(InvalidNationalId):
        parse(make_id("3", "261124", "88", "0001"), today=TODAY)


def test_masked_number_hides_the_serial() -> None:
    number = make_id("2", "900115", "28", "0123", "5")
    masked = parse(number, today=TODAY).masked()
    assert masked.startswith(number[:7]) and masked.endswith(number[-1])
    assert "0123" not in masked
