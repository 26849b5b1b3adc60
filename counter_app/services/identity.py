"""Capturing the citizen's identity at the window: national ID or passport MRZ.

The journal records that an identity was captured and what kind, with a keyed digest
instead of the number itself: the journal is kept forever and synced, while citizen data
must be purgeable (DESIGN.md rule 10). Services that need the number for an authority
(fines, certificates) carry it in their own records.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from counter_app.domain import national_id
from counter_app.domain.mrz import parse_td3
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.secrets_at_rest import citizen_key
from counter_app.services.session import SessionService


@dataclass(frozen=True)
class IdentityView:
    """What the clerk sees after a capture: enough to compare with the card in hand."""

    kind: str
    masked_number: str
    birth_date: date
    gender_ar: str
    gender_en: str
    place_ar: str
    place_en: str
    name: str = ""  # a passport's holder, as its MRZ writes it (shown, never stored)


class IdentityService:
    def __init__(self, uow: UnitOfWork, session: SessionService) -> None:
        self._uow = uow
        self._session = session

    def capture_national_id(self, text: str) -> IdentityView:
        clerk = self._session.require_clerk()
        parsed = national_id.parse(text, today=self._uow.clock.now().date())

        def work(rec: Recorder) -> None:
            payload = {
                "kind": "national_id",
                "digest": citizen_digest(rec, parsed.number),
                "governorate": parsed.governorate_code,
                "gender": parsed.gender.value,
            }
            rec.record("identity.captured", payload, clerk.username)

        self._uow.run(work)
        return IdentityView(
            kind="national_id",
            masked_number=parsed.masked(),
            birth_date=parsed.birth_date,
            gender_ar=parsed.gender.label_ar,
            gender_en=parsed.gender.value,
            place_ar=parsed.governorate_ar,
            place_en=parsed.governorate_en,
        )

    def capture_passport(self, line1: str, line2: str) -> IdentityView:
        clerk = self._session.require_clerk()
        passport = parse_td3(line1, line2, today=self._uow.clock.now().date())

        def work(rec: Recorder) -> None:
            payload = {
                "kind": "passport",
                "digest": citizen_digest(rec, passport.nationality + passport.document_number),
                "nationality": passport.nationality,
            }
            rec.record("identity.captured", payload, clerk.username)

        self._uow.run(work)
        number = passport.document_number
        return IdentityView(
            kind="passport",
            masked_number=number[:2] + "*" * (len(number) - 3) + number[-1:],
            birth_date=passport.birth_date,
            gender_ar={"M": "ذكر", "F": "أنثى"}.get(passport.sex, "غير محدد"),
            gender_en={"M": "male", "F": "female"}.get(passport.sex, "unspecified"),
            place_ar=passport.nationality,
            place_en=passport.nationality,
            name=f"{passport.surname}, {passport.given_names}".strip(", "),
        )


def citizen_digest(rec: Recorder, number: str) -> str:
    """HMAC of the number under a key kept in this window's keyring: linkable at this
    window (the same citizen twice), meaningless elsewhere, and useless once the key goes."""
    return hmac.new(digest_key(rec), number.encode(), hashlib.sha256).hexdigest()[:32]


def digest_key(rec: Recorder) -> bytes:
    """The key for digests of citizen numbers: in the OS keyring, never in the store."""
    return citizen_key(rec.tx)
