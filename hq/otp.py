"""Linking a national ID to a mobile number with a one-time code sent by SMS.

HQ makes a 6-digit code, keeps only its keyed hash, and sends it through the SMS gateway
at once. The citizen reads it to the clerk; the window sends it back. A code lives
`CODE_LIFETIME`; `MAX_ATTEMPTS` wrong codes spend the challenge. A new code for the same
person and number spends the ones before it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update

from hq import schema as t
from hq.errors import HqError
from hq.requests import RequestDesk
from sync.protocol import OtpChallenge, OtpCheck, OtpLinked, OtpSend

CODE_LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 3


def _hash(challenge_id: str, code: str) -> str:
    return hmac.new(challenge_id.encode(), code.encode(), hashlib.sha256).hexdigest()


class MobileLinking:
    def __init__(self, engine: Engine, desk: RequestDesk) -> None:
        self.engine = engine
        self.desk = desk  # its SMS outbox and gateway

    def send(
        self, workstation_id: str, request: OtpSend, now: datetime | None = None
    ) -> OtpChallenge:
        moment = now or datetime.now(UTC)
        challenge_id = secrets.token_hex(12)
        code = f"{secrets.randbelow(10**6):06d}"
        expires = (moment + CODE_LIFETIME).isoformat(timespec="seconds")
        with self.engine.begin() as conn:
            conn.execute(
                update(t.otp_challenges)
                .where(
                    t.otp_challenges.c.national_id == request.national_id,
                    t.otp_challenges.c.state == "sent",
                )
                .values(state="replaced")
            )
            conn.execute(
                insert(t.otp_challenges).values(
                    id=challenge_id,
                    workstation_id=workstation_id,
                    national_id=request.national_id,
                    mobile=request.mobile,
                    code_hash=_hash(challenge_id, code),
                    expires_at=expires,
                    attempts=0,
                    state="sent",
                    created_at=moment.isoformat(timespec="seconds"),
                )
            )
            conn.execute(
                insert(t.sms_outbox).values(
                    key=f"otp:{challenge_id}",
                    mobile=request.mobile,
                    text=f"البريد المصري: رمز ربط رقمك القومي بهذا المحمول {code}. "
                    "صالح ٥ دقائق. لا تعطه إلا لموظف الشباك.",
                    created_at=moment.isoformat(timespec="seconds"),
                    attempts=0,
                )
            )
        self.desk.deliver_sms()  # the citizen is waiting at the window
        return OtpChallenge(challenge_id=challenge_id, expires_at=expires, attempts=MAX_ATTEMPTS)

    def check(
        self, workstation_id: str, request: OtpCheck, now: datetime | None = None
    ) -> OtpLinked:
        moment = now or datetime.now(UTC)
        with self.engine.begin() as conn:
            row = conn.execute(
                select(t.otp_challenges)
                .where(t.otp_challenges.c.id == request.challenge_id)
                .with_for_update()
            ).first()
            if row is None or row.workstation_id != workstation_id:
                raise HqError(
                    "otp_unknown",
                    "لا يوجد رمز مرسل بهذا المعرف",
                    "No such code was sent",
                    status=404,
                )
            if row.state == "linked":
                return OtpLinked(challenge_id=row.id, linked_at=row.created_at)
            if row.state != "sent" or row.attempts >= MAX_ATTEMPTS:
                raise HqError(
                    "otp_spent",
                    "استُنفدت محاولات هذا الرمز: أرسل رمزًا جديدًا",
                    "This code has no attempts left: send a new code",
                    status=409,
                )
            if datetime.fromisoformat(row.expires_at) < moment:
                raise HqError(
                    "otp_expired",
                    "انتهت صلاحية الرمز (٥ دقائق): أرسل رمزًا جديدًا",
                    "The code has expired (5 minutes): send a new code",
                    status=409,
                )
            if not hmac.compare_digest(row.code_hash, _hash(row.id, request.code)):
                left = MAX_ATTEMPTS - row.attempts - 1
                conn.execute(
                    update(t.otp_challenges)
                    .where(t.otp_challenges.c.id == row.id)
                    .values(attempts=row.attempts + 1, state="sent" if left else "failed")
                )
                wrong = HqError(
                    "otp_wrong",
                    f"الرمز غير صحيح؛ بقي {left} محاولة"
                    if left
                    else "الرمز غير صحيح ولم تبق محاولات: أرسل رمزًا جديدًا",
                    f"Wrong code; {left} attempt(s) left"
                    if left
                    else "Wrong code and no attempts left: send a new code",
                    status=409,
                )
            else:
                wrong = None
                linked_at = moment.isoformat(timespec="seconds")
                conn.execute(
                    update(t.otp_challenges)
                    .where(t.otp_challenges.c.id == row.id)
                    .values(attempts=row.attempts + 1, state="linked")
                )
                conn.execute(
                    delete(t.mobile_links).where(t.mobile_links.c.national_id == row.national_id)
                )
                conn.execute(
                    insert(t.mobile_links).values(
                        national_id=row.national_id,
                        mobile=row.mobile,
                        linked_at=linked_at,
                        workstation_id=workstation_id,
                    )
                )
        if wrong is not None:  # the spent attempt is committed before the refusal
            raise wrong
        return OtpLinked(challenge_id=request.challenge_id, linked_at=linked_at)
