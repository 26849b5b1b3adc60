"""HQ's own staff, who sign in to the office dashboard with a password (Argon2id).

A signed-in browser holds a random session token in a cookie; HQ keeps only its SHA-256
and when it ends. A wrong username and a wrong password get the same answer, and each
costs the same Argon2 check, so the answer does not say which usernames exist.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, insert, select

from hq import schema as t
from hq.errors import HqError
from sync.protocol import utc_now_text

SESSION_HOURS = 8  # one working day; then sign in again
MIN_PASSWORD = 10
USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,63}")
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("not anyone's password")


@dataclass(frozen=True)
class StaffMember:
    username: str
    display_name: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_staff(engine: Engine, username: str, display_name: str, password: str) -> None:
    if not USERNAME.fullmatch(username):
        raise HqError(
            "malformed",
            "اسم المستخدم: حروف لاتينية صغيرة وأرقام، من 2 إلى 64.",
            "A username is 2 to 64 small Latin letters, digits, '.', '_' or '-'.",
            status=400,
        )
    if len(password) < MIN_PASSWORD:
        raise HqError(
            "malformed",
            f"كلمة المرور {MIN_PASSWORD} أحرف على الأقل.",
            f"A password is at least {MIN_PASSWORD} characters.",
            status=400,
        )
    with engine.begin() as conn:
        if conn.execute(select(t.staff.c.username).where(t.staff.c.username == username)).first():
            raise HqError(
                "exists", "اسم المستخدم موجود.", f"{username} already exists.", status=409
            )
        conn.execute(
            insert(t.staff).values(
                username=username,
                display_name=display_name.strip() or username,
                password_hash=_HASHER.hash(password),
                created_at=utc_now_text(),
                active=1,
            )
        )


def sign_in(engine: Engine, username: str, password: str) -> str | None:
    """A new session token, or None for a wrong username or password (same cost)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(t.staff).where(t.staff.c.username == username, t.staff.c.active == 1)
        ).first()
    try:
        _HASHER.verify(row.password_hash if row else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    token = secrets.token_urlsafe(32)
    ends = datetime.now(UTC) + timedelta(hours=SESSION_HOURS)
    with engine.begin() as conn:
        conn.execute(delete(t.staff_sessions).where(t.staff_sessions.c.expires_at < utc_now_text()))
        conn.execute(
            insert(t.staff_sessions).values(
                token_hash=_token_hash(token),
                username=row.username,
                expires_at=ends.isoformat(timespec="seconds"),
            )
        )
    return token


def signed_in(engine: Engine, token: str) -> StaffMember | None:
    if not token or len(token) > 100:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(t.staff.c.username, t.staff.c.display_name)
            .join(t.staff_sessions, t.staff_sessions.c.username == t.staff.c.username)
            .where(
                t.staff_sessions.c.token_hash == _token_hash(token),
                t.staff_sessions.c.expires_at > utc_now_text(),
                t.staff.c.active == 1,
            )
        ).first()
    return StaffMember(row.username, row.display_name) if row else None


def sign_out(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            delete(t.staff_sessions).where(t.staff_sessions.c.token_hash == _token_hash(token))
        )
