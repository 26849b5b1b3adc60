"""The one Arabic shaping path: joined letters, right-to-left order, mirrored brackets."""

from __future__ import annotations

import unicodedata

from printing.shaping import visual, wrap


def test_letters_are_joined_into_presentation_forms() -> None:
    shown = visual("مرحبا")
    assert all(
        "ARABIC LETTER" in unicodedata.name(c) and "FORM" in unicodedata.name(c) for c in shown
    )


def test_arabic_is_reversed_and_latin_digits_keep_their_order() -> None:
    shown = visual("رقم 123 فقط")
    # Back from presentation forms to letters: the visual (left-to-right) order has the
    # first word on the right, each word's letters reversed, and the digits in order.
    assert unicodedata.normalize("NFKC", shown) == "طقف 123 مقر"


def test_brackets_are_mirrored_in_right_to_left_text() -> None:
    shown = visual("(خمسة جنيهات)")
    assert shown[0] == "(" and shown[-1] == ")"


def test_bidi_marks_are_dropped_after_reordering() -> None:
    assert "\u200f" not in visual("\u200f١٥٠٫٢٥ ج.م.\u200f")


def test_wrap_keeps_words_whole_and_fits_the_width() -> None:
    text = "تشهد النيابة العامة بأنه لا توجد مخالفات مرورية مسجلة حتى تاريخه"
    lines = wrap(text, 60, lambda shown: 5 * len(shown))
    assert " ".join(lines) == text
    assert all(5 * len(visual(line)) <= 60 or " " not in line for line in lines)
