"""The one shape of an error a person reads: a code, a message in Arabic and in English.

`BilingualError(code, message_ar, message_en)` is the base of every such error in the
project (bad input, a refusal from HQ, a sync stopped for a reason, a document that does
not verify), always with the arguments in that order. Every validation in the domain
raises a subclass of `InputError`; the UI shows both messages, the CLI prints both, and
nothing is written when one is raised.
"""

from __future__ import annotations


class BilingualError(Exception):
    """An error with a short machine code and a message in each language for people."""

    def __init__(self, code: str, message_ar: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_ar = message_ar
        self.message_en = message_en

    def message(self, lang: str) -> str:
        """The message in `lang` ("ar" or "en")."""
        return self.message_ar if lang == "ar" else self.message_en

    def bilingual(self) -> str:
        """Both messages, Arabic first, for display and the command line."""
        return f"{self.message_ar}\n{self.message_en}"


class InputError(BilingualError, ValueError):
    """Input that a clerk or a device gave us and that we refuse, with the reason.

    `field` names what was wrong (for forms to highlight and tests to assert),
    `message_ar` and `message_en` are shown to people as they are.
    """

    def __init__(self, field: str, message_ar: str, message_en: str) -> None:
        super().__init__(field, message_ar, message_en)
        self.field = field
