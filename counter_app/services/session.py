"""Clerks signing in and out with a PIN (Argon2id hashes, checked offline)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from counter_app.domain.errors import InputError
from counter_app.domain.text import clean_name, normalize_digits
from counter_app.services.events import ClerkSignedIn, ClerkSignedOut, EventBus
from counter_app.services.recorder import Recorder, UnitOfWork

ROLES = ("clerk", "supervisor", "admin")
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
_PIN = re.compile(r"^[0-9]{4,8}$")


@dataclass(frozen=True)
class Clerk:
    username: str
    display_name: str
    role: str


class NotSignedIn(InputError):
    def __init__(self) -> None:
        super().__init__("clerk", "يجب تسجيل دخول الموظف أولًا", "A clerk must sign in first")


class SessionService:
    """Who is at the window. Holds the signed-in clerk for the services that need one."""

    def __init__(self, uow: UnitOfWork, bus: EventBus) -> None:
        self._uow = uow
        self._bus = bus
        self._hasher = PasswordHasher()  # Argon2id with the library's current defaults
        self.current: Clerk | None = None

    def current_username(self) -> str:
        """Who acts now, for journal entries made on a clerk's behalf ("system" if nobody)."""
        clerk = self.current
        return clerk.username if clerk else "system"

    def require_clerk(self) -> Clerk:
        if self.current is None:
            raise NotSignedIn()
        return self.current

    def add_clerk(self, username: str, display_name: str, role: str, pin: str) -> Clerk:
        """Register a clerk locally (demo and first set-up; later, HQ's user bundle)."""
        if not _USERNAME.match(username):
            raise InputError(
                "username",
                "اسم المستخدم من 2 إلى 32 حرفًا لاتينيًا صغيرًا أو أرقامًا",
                "The username is 2-32 lowercase Latin letters or digits",
            )
        if role not in ROLES:
            raise InputError("role", "الدور غير معروف", f"The role must be one of {ROLES}")
        pin = normalize_digits(pin)
        if not _PIN.match(pin):
            raise InputError("pin", "الرقم السري من 4 إلى 8 أرقام", "The PIN is 4 to 8 digits")
        name = clean_name(display_name, field="display_name")
        pin_hash = self._hasher.hash(pin)

        def work(rec: Recorder) -> Clerk:
            if rec.tx.clerks.get(username) is not None:
                raise InputError(
                    "username", "اسم المستخدم مسجل من قبل", "That username already exists"
                )
            rec.tx.clerks.add(username, name, role, pin_hash)
            actor = self.current.username if self.current else "system"
            rec.record("clerk.added", {"username": username, "role": role}, actor)
            return Clerk(username, name, role)

        return self._uow.run(work)

    def sign_in(self, username: str, pin: str) -> Clerk:
        username = username.strip().lower()
        pin = normalize_digits(pin.strip())
        with self._uow.db.read() as tx:
            row = tx.clerks.get(username)
        if row is None and _USERNAME.match(username):
            self._uow.run(
                lambda rec: rec.record("clerk.sign_in_refused", {"username": username}, "")
            )
            raise InputError(
                "username",
                f"الحساب «{username}» لم يصل إلى هذا الشباك بعد. يصل مع المزامنة التالية مع "
                "المركز الرئيسي (كل دقيقة عند الاتصال)؛ حاول بعدها، أو اسأل المشرف.",
                f"The account '{username}' has not reached this window yet. It arrives with "
                "the next sync with HQ (every minute while online); try again then, or ask "
                "the supervisor.",
            )
        if row is None or not row.active or not self._pin_matches(row.pin_hash, pin):
            self._uow.run(
                lambda rec: rec.record("clerk.sign_in_refused", {"username": username}, "")
            )
            raise InputError(
                "pin", "اسم المستخدم أو الرقم السري غير صحيح", "The username or PIN is wrong"
            )
        clerk = Clerk(row.username, row.display_name, row.role)
        self._uow.run(lambda rec: rec.record("clerk.signed_in", {"role": clerk.role}, username))
        self.current = clerk
        self._bus.publish(ClerkSignedIn(clerk.username, clerk.display_name, clerk.role))
        return clerk

    def sign_out(self) -> None:
        clerk = self.require_clerk()
        self._uow.run(lambda rec: rec.record("clerk.signed_out", {}, clerk.username))
        self.current = None
        self._bus.publish(ClerkSignedOut(clerk.username))

    def _pin_matches(self, pin_hash: str, pin: str) -> bool:
        try:
            return self._hasher.verify(pin_hash, pin)
        except (VerificationError, InvalidHashError):
            return False
