"""The `verification` kind: linking a national ID to a mobile number by a one-time code.

HQ sends a code to the mobile through the SMS gateway; the citizen reads it to the clerk,
who types it; HQ checks it (expiry and attempt limits are HQ's). Offline it is refused
with the reason: the code needs HQ at both ends. A link is journaled, with digests only.
"""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.domain import national_id
from counter_app.domain.errors import InputError
from counter_app.domain.requests import clean_mobile
from counter_app.domain.text import normalize_digits
from counter_app.services.identity import citizen_digest
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.sync import Offline, SyncService
from sync.protocol import OtpCheck, OtpSend


@dataclass(frozen=True)
class CodeSent:
    challenge_id: str
    national_id: str
    mobile: str
    expires_at: str


def _offline(exc: Offline) -> InputError:
    return InputError(
        "offline",
        "ربط المحمول يحتاج اتصالًا بالمركز الرئيسي لإرسال الرمز والتحقق منه، ولا يوجد "
        "اتصال الآن: يعود المواطن عند عودة الاتصال",
        "Mobile linking needs HQ to send and check the code, and the window is offline: "
        "the citizen comes back when the link returns",
    )


class VerificationKind:
    kind = "verification"

    def __init__(self, uow: UnitOfWork, sync: SyncService) -> None:
        self._uow = uow
        self._sync = sync

    def send_code(self, national_id_text: str, mobile_text: str) -> CodeSent:
        """Blocking (the online lane)."""
        number = national_id.parse(normalize_digits(national_id_text)).number
        mobile = clean_mobile(mobile_text)
        ask = OtpSend(national_id=number, mobile=mobile)
        try:
            challenge = self._sync.live(lambda c: c.otp_send(ask))
        except Offline as exc:
            raise _offline(exc) from exc
        return CodeSent(challenge.challenge_id, number, mobile, challenge.expires_at)

    def check_code(self, sent: CodeSent, code_text: str, clerk: str) -> str:
        """HQ checks the code; a link is journaled. Returns when it was linked."""
        code = normalize_digits(code_text).strip()
        if not (code.isdigit() and 4 <= len(code) <= 8):
            raise InputError(
                "code", "الرمز ٦ أرقام كما وصل في الرسالة", "The code is the 6 digits in the SMS"
            )
        ask = OtpCheck(challenge_id=sent.challenge_id, code=code)
        try:
            linked = self._sync.live(lambda c: c.otp_check(ask))
        except Offline as exc:
            raise _offline(exc) from exc

        def work(rec: Recorder) -> None:
            rec.record(
                "mobile.linked",
                {
                    "challenge": sent.challenge_id,
                    "citizen": citizen_digest(rec, sent.national_id),
                    "mobile_end": sent.mobile[-3:],
                    "linked_at": linked.linked_at,
                },
                clerk,
            )

        self._uow.run(work)
        return linked.linked_at
