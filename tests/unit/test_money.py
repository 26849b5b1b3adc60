"""Money in piastres: arithmetic, parsing typed amounts, display, Arabic words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.errors import InputError
from counter_app.domain.money import MAX_AMOUNT_PIASTRES, Money


def test_money_refuses_floats() -> None:
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)


def test_arithmetic_stays_in_piastres() -> None:
    assert Money.pounds(150, 25) + Money(75) == Money(15100)
    assert Money.pounds(10) * 3 - Money(1) == Money(2999)


@pytest.mark.parametrize(
    ("text", "piastres"),
    [("150", 15000), ("150.5", 15050), ("150.25", 15025), ("١٥٠٫٢٥", 15025), (" 0,05 ", 5)],
)
def test_typed_amounts(text: str, piastres: int) -> None:
    assert Money.parse(text) == Money(piastres)


@pytest.mark.parametrize("text", ["", "abc", "1.234", "-5", "1e3", "12.3.4", "١٢x"])
def test_bad_amounts_are_refused_in_both_languages(text: str) -> None:
    with pytest.raises(InputError) as caught:
        Money.parse(text)
    assert caught.value.field == "amount"
    assert caught.value.message_ar and caught.value.message_en


def test_amount_above_the_single_operation_cap_is_refused() -> None:
    over = MAX_AMOUNT_PIASTRES // 100 + 1
    with pytest.raises(InputError):
        Money.parse(str(over))


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_PIASTRES))
def test_english_display_round_trips_through_parse(piastres: int) -> None:
    shown = Money(piastres).format("en")
    assert shown.startswith("EGP ")
    assert Money.parse(shown[4:].replace(",", "")) == Money(piastres)


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_PIASTRES))
def test_arabic_display_uses_arabic_indic_digits_and_round_trips(piastres: int) -> None:
    shown = Money(piastres).format("ar")
    assert not any(ch.isascii() and ch.isdigit() for ch in shown)
    digits = "".join(ch for ch in shown if ch.isdigit() or ch == "٫")
    assert Money.parse(digits) == Money(piastres)


@pytest.mark.parametrize(
    ("piastres", "words"),
    [
        (100, "جنيه واحد لا غير"),
        (200, "جنيهان لا غير"),
        (300, "ثلاثة جنيهات لا غير"),
        (1100, "أحد عشر جنيهًا لا غير"),
        (15025, "مائة وخمسون جنيهًا وخمسة وعشرون قرشًا لا غير"),
        (100000, "ألف جنيه لا غير"),
        (5, "خمسة قروش لا غير"),
        (1, "قرش واحد لا غير"),
    ],
)
def test_amounts_in_arabic_words(piastres: int, words: str) -> None:
    assert Money(piastres).in_arabic_words() == words


def test_negative_amounts_are_not_written_in_words() -> None:
    with pytest.raises(ValueError):
        Money(-100).in_arabic_words()
