"""Citizen names and free text: normalised, length-capped, free of invisible tricks.

Names and notes end up on certificates, receipts and HQ reports. Text is NFC-normalised,
and refused when it holds control characters, bidi overrides or zero-width characters:
those can make a printed name read differently from what was stored.
"""

from __future__ import annotations

import unicodedata

from counter_app.domain.errors import InputError

# Arabic-Indic (U+0660..) and Extended Arabic-Indic (Persian/Urdu, U+06F0..) digits.
_DIGITS = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹",
    "01234567890123456789",
)

# Characters that change how text is displayed without being visible themselves.
_INVISIBLE = {
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u2060": "word joiner",
    "\ufeff": "zero-width no-break space",
    "\u061c": "Arabic letter mark",
    **{chr(c): "bidi control" for c in range(0x202A, 0x202F)},
    **{chr(c): "bidi isolate" for c in range(0x2066, 0x206A)},
}

_TO_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

NAME_MAX_LENGTH = 100
FREE_TEXT_MAX_LENGTH = 500
# Letters of any script, plus the punctuation that real names use.
_NAME_PUNCTUATION = set(" -'.")


def normalize_digits(text: str) -> str:
    """Replace Arabic-Indic and Extended Arabic-Indic digits with ASCII digits."""
    return text.translate(_DIGITS)


def to_arabic_indic(text: str) -> str:
    """Replace ASCII digits with Arabic-Indic ones, for Arabic display."""
    return text.translate(_TO_ARABIC_INDIC)


# Letters that print as nothing: a "name" of them looks empty on the certificate.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}


def _refuse_hidden(field: str, text: str, allow_newlines: bool) -> None:
    for ch in text:
        category = unicodedata.category(ch)
        # Cf: every format character (soft hyphen, invisible operators, bidi controls, tags);
        # Co, Cn, Cs: private use, unassigned and lone surrogates print as nobody knows what.
        if ch in _BLANK_LETTERS or category in ("Cf", "Co", "Cn", "Cs"):
            what = _INVISIBLE.get(ch, f"U+{ord(ch):04X}")
            raise InputError(
                field,
                "النص يحتوي على حرف غير مرئي يغير طريقة عرضه؛ أعد كتابته",
                f"The text contains an invisible character ({what}); type it again",
            )
        # A tab is whitespace (pasted text has them); it is collapsed like a space.
        if unicodedata.category(ch) == "Cc" and ch != "\t" and not (allow_newlines and ch == "\n"):
            raise InputError(
                field,
                "النص يحتوي على حرف تحكم غير مسموح به",
                "The text contains a control character that is not allowed",
            )


def clean_name(text: str, field: str = "name", max_length: int = NAME_MAX_LENGTH) -> str:
    """A citizen's name as it will be stored and printed, or `InputError`."""
    value = unicodedata.normalize("NFC", text)
    _refuse_hidden(field, value, allow_newlines=False)
    value = " ".join(value.split())
    if not value:
        raise InputError(field, "الاسم مطلوب", "The name is required")
    if len(value) > max_length:
        raise InputError(
            field,
            f"الاسم أطول من {max_length} حرفًا",
            f"The name is longer than {max_length} characters",
        )
    for ch in value:
        if not (unicodedata.category(ch).startswith(("L", "M")) or ch in _NAME_PUNCTUATION):
            raise InputError(
                field,
                "الاسم يحتوي على رموز أو أرقام غير مسموح بها",
                "The name contains digits or symbols that are not allowed",
            )
    return value


def clean_free_text(text: str, field: str = "note", max_length: int = FREE_TEXT_MAX_LENGTH) -> str:
    """A free-text note (an appeal's reason, an address line), or `InputError`."""
    value = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    _refuse_hidden(field, value, allow_newlines=True)
    value = "\n".join(" ".join(line.split()) for line in value.strip().split("\n"))
    if len(value) > max_length:
        raise InputError(
            field,
            f"النص أطول من {max_length} حرفًا",
            f"The text is longer than {max_length} characters",
        )
    return value
