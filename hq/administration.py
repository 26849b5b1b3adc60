"""HQ's administration: offices, enrolment codes, users, revocations, instructions, and
the tamper alarms it keeps (the `hq-server` commands; no route)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine, delete, insert, select, update

from hq import schema as t
from hq.catalogue import seed_default
from hq.checks import check_office, check_window
from hq.enrolment import CODE_ALPHABET
from hq.errors import HqError
from hq.records import hash_secret, office_row, workstation_row
from hq.versions import add_instruction, bump
from sync.protocol import utc_now_text, version_key

_HASHER = PasswordHasher()
CLIENT_VERSION = "approved_client_version"


class Administration:
    engine: Engine

    def add_office(self, code: str, name: str, governorate: str, name_ar: str = "") -> None:
        check_office(code, name, name_ar, governorate)
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.offices).values(
                    code=code,
                    name=name,
                    name_ar=name_ar,
                    governorate=governorate,
                    created_at=utc_now_text(),
                )
            )

    def make_enroll_code(self, office: str, window: int, *, valid_for: timedelta) -> str:
        check_window(window)
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        expires = datetime.now(UTC) + valid_for
        with self.engine.begin() as conn:
            office_row(conn, office)
            conn.execute(
                insert(t.enroll_codes).values(
                    code_hash=hash_secret(code),
                    office_code=office,
                    window=window,
                    expires_at=expires.isoformat(timespec="seconds"),
                )
            )
        return f"{code[:5]}-{code[5:]}"

    def add_user(self, username: str, role: str, office: str, display_name: str, pin: str) -> None:
        with self.engine.begin() as conn:
            office_row(conn, office)
            conn.execute(
                insert(t.users).values(
                    username=username,
                    office_code=office,
                    display_name=display_name,
                    role=role,
                    pin_hash=_HASHER.hash(pin),
                    active=1,
                )
            )
            bump(conn, "users", office)

    def seed_catalogue(self) -> None:
        seed_default(self.engine)

    def revoke_workstation(self, workstation_id: str) -> None:
        """Stop the workstation (its token opens nothing) and revoke its key: the
        documents it printed verify as revoked. For a stolen or suspect PC."""
        self._stop(workstation_id, revoke_key=True)

    def retire_workstation(self, workstation_id: str) -> None:
        """Stop the workstation (its token opens nothing; the window may be given a
        replacement PC) but keep its key trusted: the documents it printed stay valid.
        For a PC that died or was wiped, never for one that may be in other hands."""
        self._stop(workstation_id, revoke_key=False)

    def _stop(self, workstation_id: str, *, revoke_key: bool) -> None:
        now = utc_now_text()
        with self.engine.begin() as conn:
            ws = workstation_row(conn, workstation_id)
            if ws.revoked_at is not None:
                raise HqError(
                    "already_stopped",
                    f"المحطة {workstation_id} موقوفة بالفعل منذ {ws.revoked_at}.",
                    f"Workstation {workstation_id} was already stopped at {ws.revoked_at}.",
                    status=409,
                )
            conn.execute(
                update(t.workstations)
                .where(t.workstations.c.id == workstation_id)
                .values(revoked_at=now)
            )
            if revoke_key:
                conn.execute(
                    insert(t.revoked_keys).values(
                        public_key=ws.public_key, workstation_id=workstation_id, revoked_at=now
                    )
                )
                bump(conn, "trust", "all")

    def set_client_version(self, version: str) -> None:
        """The window version HQ approves; the trust bundle names it, and a window behind
        it tells the IT officer (doctor, status, sync)."""
        try:
            version_key(version)
        except ValueError:
            raise HqError(
                "version",
                "رقم الإصدار مثل 0.2.0: من رقم إلى أربعة أرقام بينها نقاط.",
                f"A version is like 0.2.0 (one to four numbers and dots), not {version!r}.",
                status=400,
            ) from None
        with self.engine.begin() as conn:
            conn.execute(delete(t.hq_settings).where(t.hq_settings.c.key == CLIENT_VERSION))
            conn.execute(insert(t.hq_settings).values(key=CLIENT_VERSION, value=version.strip()))
            bump(conn, "trust", "all")

    def add_instruction(self, workstation_id: str, kind: str, text_ar: str, text_en: str) -> None:
        with self.engine.begin() as conn:
            add_instruction(conn, workstation_id, kind, text_ar, text_en)

    def tamper_alarms(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.tamper_alarms).order_by(t.tamper_alarms.c.id))
            return [dict(row._mapping) for row in rows]
