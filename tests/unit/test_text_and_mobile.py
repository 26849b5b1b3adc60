"""Names, free text and mobile numbers: what is cleaned, what is refused."""

from __future__ import annotations

import unicodedata

import pytest

from counter_app.domain.errors import InputError
from counter_app.domain.mobile import parse_mobile
from counter_app.domain.text import clean_free_text, clean_name


def test_name_is_nfc_and_whitespace_collapsed() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë  أحمد\tعلي")
    assert clean_name(decomposed) == "Zoë أحمد علي"
    assert clean_name(decomposed) == unicodedata.normalize("NFC", clean_name(decomposed))


@pytest.mark.parametrize(
    "hidden",
    [
        "\u202e",
        "\u202d",
        "\u2066",
        "\u2069",
        "\u200b",
        "\u200d",
        "\u200f",
        "\ufeff",
        "\u061c",
        # What got through before every format character was refused, and blank letters:
        "\u00ad",
        "\u2061",
        "\u2064",
        "\u206a",
        "\u206f",
        "\U000e0001",
        "\ue000",
        "\u3164",
        "\uffa0",
    ],
)
def test_invisible_and_bidi_control_characters_are_refused(hidden: str) -> None:
    with pytest.raises(InputError) as caught:
        clean_name(f"محمد{hidden}علي")
    assert "invisible" in caught.value.message_en
    with pytest.raises(InputError):
        clean_free_text(f"note {hidden}")


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1bb", "line\rfeed\x07"])
def test_control_characters_are_refused(bad: str) -> None:
    with pytest.raises(InputError):
        clean_name(bad)


@pytest.mark.parametrize("bad", ["", "   ", "Ahmed 2", "<script>", "أحمد@"])
def test_names_without_letters_or_with_symbols_are_refused(bad: str) -> None:
    with pytest.raises(InputError):
        clean_name(bad)


def test_name_length_cap() -> None:
    assert clean_name("ا" * 100) == "ا" * 100
    with pytest.raises(InputError) as caught:
        clean_name("ا" * 101)
    assert "100" in caught.value.message_en


def test_free_text_keeps_lines_and_caps_length() -> None:
    assert clean_free_text("سطر أول\r\n  سطر   ثان ") == "سطر أول\nسطر ثان"
    with pytest.raises(InputError):
        clean_free_text("x" * 501)


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("01012345678", "+201012345678"),
        ("011 5555 1234", "+201155551234"),
        ("+20 12 2345 6789", "+201223456789"),
        ("٠١٥٥٠١٢٣٤٥٦", "+201550123456"),
        ("00201012345678", "+201012345678"),
    ],
)
def test_egyptian_mobiles(text: str, e164: str) -> None:
    assert parse_mobile(text) == e164


@pytest.mark.parametrize(
    "text",
    ["", "0101234567", "010123456789", "01312345678", "0223456789", "+441012345678", "abc"],
)
def test_bad_mobiles_are_refused(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_mobile(text)
    assert caught.value.field == "mobile" and caught.value.message_ar


def test_a_name_of_blank_letters_only_is_refused() -> None:
    with pytest.raises(InputError):
        clean_name("\u3164\u3164\u3164")


def test_a_mobile_with_an_extension_is_refused_not_cut() -> None:
    with pytest.raises(InputError) as caught:
        parse_mobile("010 1234 5678 ext. 55")
    assert "extension" in caught.value.message_en
