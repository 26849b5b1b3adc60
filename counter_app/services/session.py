"""Clerks signing in and out with a PIN (Argon2id hashes, checked offline)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from counter_app.domain.errors import InputError
from counter_app.domain.text import clean_name, normalize_digits
from counter_app.services.events import ClerkSignedIn, ClerkSignedOut, EventBus, SessionLocked
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.secrets_at_rest import unwrap_pin_hash, wrap_pin_hash

ROLES = ("clerk", "supervisor", "admin")
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
_PIN = re.compile(r"^[0-9]{4,8}$")
LOCKOUT_AFTER = 5  # wrong PINs in a row for one username
LOCKOUT_FOR = timedelta(minutes=5)


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
        self.locked = False  # the screen is locked; the shift stays open
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, datetime] = {}

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
        pin_hash = wrap_pin_hash(self._uow.db.workstation_id, username, self._hasher.hash(pin))

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
        clerk = self.check_credentials(username, pin)
        self._uow.run(
            lambda rec: rec.record("clerk.signed_in", {"role": clerk.role}, clerk.username)
        )
        self.current = clerk
        self.locked = False
        self._bus.publish(ClerkSignedIn(clerk.username, clerk.display_name, clerk.role))
        return clerk

    def check_credentials(self, username: str, pin: str, *, purpose: str = "sign_in") -> Clerk:
        """The clerk these credentials belong to, or a refusal (journaled, counted for the
        lockout: five wrong PINs in a row lock the username for five minutes)."""
        username = username.strip().lower()
        pin = normalize_digits(pin.strip())
        now = self._uow.clock.now()
        until = self._locked_until.get(username)
        if until is not None and now < until:
            minutes = max(1, round((until - now).total_seconds() / 60))
            self._refused(username, purpose, "locked_out")
            raise InputError(
                "locked_out",
                f"الحساب «{username}» موقوف مؤقتًا بعد محاولات خاطئة متكررة. حاول بعد "
                f"{minutes} دقيقة أو اطلب المشرف.",
                f"The account '{username}' is locked after repeated wrong PINs. Try again in "
                f"{minutes} min, or ask the supervisor.",
            )
        with self._uow.db.read() as tx:
            row = tx.clerks.get(username)
        if row is None and _USERNAME.match(username):
            self._refused(username, purpose, "unknown")
            raise InputError(
                "username",
                f"الحساب «{username}» لم يصل إلى هذا الشباك بعد. يصل مع المزامنة التالية مع "
                "المركز الرئيسي (كل دقيقة عند الاتصال)؛ حاول بعدها، أو اسأل المشرف.",
                f"The account '{username}' has not reached this window yet. It arrives with "
                "the next sync with HQ (every minute while online); try again then, or ask "
                "the supervisor.",
            )
        if row is None or not row.active or not self._pin_matches(row.username, row.pin_hash, pin):
            failures = self._failures.get(username, 0) + 1
            self._failures[username] = failures
            self._refused(username, purpose, "wrong_pin")
            if failures >= LOCKOUT_AFTER:
                self._locked_until[username] = now + LOCKOUT_FOR
                self._failures[username] = 0
                self._uow.run(
                    lambda rec: rec.record(
                        "clerk.locked_out",
                        {"username": username, "minutes": int(LOCKOUT_FOR.total_seconds() // 60)},
                        "",
                    )
                )
            raise InputError(
                "pin", "اسم المستخدم أو الرقم السري غير صحيح", "The username or PIN is wrong"
            )
        self._failures.pop(username, None)
        self._locked_until.pop(username, None)
        return Clerk(row.username, row.display_name, row.role)

    def _refused(self, username: str, purpose: str, reason: str) -> None:
        payload = {"username": username, "reason": reason}
        entry_type = "clerk.sign_in_refused"
        if purpose != "sign_in":
            entry_type, payload["action"] = "approval.refused", purpose
        self._uow.run(lambda rec: rec.record(entry_type, payload, ""))

    def sign_out(self) -> None:
        clerk = self.require_clerk()
        self._uow.run(lambda rec: rec.record("clerk.signed_out", {}, clerk.username))
        self.current = None
        self.locked = False
        self._bus.publish(ClerkSignedOut(clerk.username))

    # ---- the screen lock and taking over ------------------------------------------------

    def lock_screen(self, reason: str) -> None:
        """Lock the window (idle time or the shortcut); the shift stays open."""
        clerk = self.require_clerk()
        if self.locked:
            return
        self._uow.run(lambda rec: rec.record("session.locked", {"reason": reason}, clerk.username))
        self.locked = True
        self._bus.publish(SessionLocked(clerk.username, reason))

    def unlock(self, username: str, pin: str) -> Clerk:
        """The same clerk comes back, or another takes over the window (journaled as such)."""
        held = self.require_clerk()
        clerk = self.check_credentials(username, pin, purpose="unlock")
        if clerk.username == held.username:
            self._uow.run(lambda rec: rec.record("session.unlocked", {}, clerk.username))
        else:
            self._uow.run(
                lambda rec: rec.record(
                    "session.taken_over",
                    {"from": held.username, "role": clerk.role},
                    clerk.username,
                )
            )
        self.current = clerk
        self.locked = False
        self._bus.publish(ClerkSignedIn(clerk.username, clerk.display_name, clerk.role))
        return clerk

    def _pin_matches(self, username: str, stored: str, pin: str) -> bool:
        pin_hash = unwrap_pin_hash(self._uow.db.workstation_id, username, stored)
        if pin_hash is None:
            return False
        try:
            return self._hasher.verify(pin_hash, pin)
        except (VerificationError, InvalidHashError):
            return False
