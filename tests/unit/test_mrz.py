"""ICAO 9303 TD3 parsing: the published specimen, and each check digit failing on its own."""

from __future__ import annotations

from datetime import date

import pytest

from counter_app.domain.mrz import InvalidMrz, check_digit, parse_td3

# ICAO Doc 9303 Part 4 specimen (Utopia, Anna Maria Eriksson).
LINE1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
LINE2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
TODAY = date(2011, 11, 23)  # while the specimen was valid (it expired on 2012-04-15)


def test_specimen_parses() -> None:
    passport = parse_td3(LINE1, LINE2, today=TODAY)
    assert passport.surname == "ERIKSSON"
    assert passport.given_names == "ANNA MARIA"
    assert passport.document_number == "L898902C3"
    assert passport.nationality == "UTO"
    assert passport.birth_date == date(1974, 8, 12)
    assert passport.expiry_date == date(2012, 4, 15)
    assert passport.sex == "F"
    assert passport.personal_number == "ZE184226B"


def test_check_digit_weights_are_7_3_1() -> None:
    # By hand: L(21)*7 + 8*3 + 9*1 + 8*7 + 9*3 + 0*1 + 2*7 + C(12)*3 + 3*1 = 316 -> 6
    assert check_digit("L898902C3") == 6
    assert check_digit("740812") == 2
    assert check_digit("120415") == 9
    assert check_digit("<<<<") == 0


def _with(line: str, index: int, char: str) -> str:
    return line[:index] + char + line[index + 1 :]


@pytest.mark.parametrize(
    ("index", "field"),
    [
        (9, "document_number"),
        (19, "birth_date"),
        (27, "expiry_date"),
        (42, "personal_number"),
        (43, "composite"),
    ],
)
def test_each_wrong_check_digit_names_its_field(index: int, field: str) -> None:
    wrong = str((int(LINE2[index]) + 1) % 10) if LINE2[index].isdigit() else "1"
    with pytest.raises(InvalidMrz) as caught:
        parse_td3(LINE1, _with(LINE2, index, wrong), today=TODAY)
    assert caught.value.field == field
    assert caught.value.message_ar and field.replace("_", " ") in caught.value.message_en


def test_a_changed_data_character_is_caught_by_its_check_digit() -> None:
    with pytest.raises(InvalidMrz) as caught:
        parse_td3(LINE1, _with(LINE2, 2, "7"), today=TODAY)
    assert caught.value.field == "document_number"


def test_composite_catches_a_change_that_fields_do_not_cover() -> None:
    # Change the personal number and fix its own check digit, as a forger would:
    # only the composite check digit can still notice.
    altered = LINE2[:28] + "ZE184226C" + LINE2[37:42]
    altered += str(check_digit(altered[28:42])) + LINE2[43]
    with pytest.raises(InvalidMrz) as caught:
        parse_td3(LINE1, altered, today=TODAY)
    assert caught.value.field == "composite"


@pytest.mark.parametrize(
    ("line1", "line2", "field"),
    [
        (LINE1[:-1], LINE2, "line1"),
        (LINE1, LINE2 + "<", "line2"),
        (LINE1.replace("<", " ", 1), LINE2, "line1"),
        ("V" + LINE1[1:], LINE2, "document_type"),
        (LINE1, _with(LINE2, 20, "Q"), "sex"),
        (LINE1, LINE2[:13] + "741312" + LINE2[19:], "birth_date"),
    ],
)
def test_malformed_lines_are_refused(line1: str, line2: str, field: str) -> None:
    with pytest.raises(InvalidMrz) as caught:
        parse_td3(line1, line2, today=TODAY)
    assert caught.value.field == field


def line2_with(birth: str, expiry: str) -> str:
    """The specimen's second line with other dates, every check digit recomputed."""
    l2 = LINE2[:13] + birth + str(check_digit(birth)) + LINE2[20] + expiry
    l2 += str(check_digit(expiry)) + LINE2[28:43]
    return l2 + str(check_digit(l2[0:10] + l2[13:20] + l2[21:43]))


def test_birth_year_pivot_uses_today() -> None:
    # Born "25" means 2025 today, but a passport expiring "30" is 2030.
    l2 = line2_with("250101", "300101")
    assert parse_td3(LINE1, l2, today=date(2026, 11, 23)).birth_date == date(2025, 1, 1)
    assert parse_td3(LINE1, l2, today=date(2024, 6, 1)).birth_date == date(1925, 1, 1)


def test_a_birth_date_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidMrz) as caught:
        parse_td3(LINE1, line2_with("261224", "300101"), today=date(2026, 11, 23))
    assert caught.value.field == "birth_date" and "future" in caught.value.message_en


def test_an_expired_passport_is_refused_with_its_date() -> None:
    with pytest.raises(InvalidMrz) as caught:
        parse_td3(LINE1, LINE2, today=date(2026, 11, 23))
    assert caught.value.field == "expiry_date" and "2012-04-15" in caught.value.message_en
    assert parse_td3(LINE1, LINE2, today=date(2012, 4, 15)).expiry_date == date(2012, 4, 15)


@pytest.mark.parametrize("letter", ["ſ", "ı", "é"])
def test_letters_that_upper_case_into_ascii_are_refused(letter: str) -> None:
    sneaky = LINE1.replace("ERIKSSON", f"ERIK{letter}SON".replace("KS", "K"), 1)
    assert len(sneaky) == len(LINE1) and not sneaky.isascii()
    with pytest.raises(InvalidMrz) as caught:
        parse_td3(sneaky, LINE2, today=TODAY)
    assert caught.value.field == "line1"
