"""What HQ's jobs share: the workstation as a caller, and the rows every job looks up."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy import Connection, select

from hq import schema as t
from hq.errors import HqError


@dataclass(frozen=True)
class Workstation:
    id: str
    office_code: str
    window: int
    public_key: str
    revoked: bool


def hash_secret(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def office_row(conn: Connection, code: str) -> Any:
    row = conn.execute(select(t.offices).where(t.offices.c.code == code)).first()
    if row is None:
        raise HqError(
            "unknown_office",
            f"المكتب {code} غير مسجل.",
            f"Office {code} is not registered.",
            status=404,
        )
    return row


def find_workstation(conn: Connection, workstation_id: str) -> Any:
    return conn.execute(select(t.workstations).where(t.workstations.c.id == workstation_id)).first()


def workstation_row(conn: Connection, workstation_id: str) -> Any:
    row = find_workstation(conn, workstation_id)
    if row is None:
        unknown_workstation(workstation_id)
    return row


def unknown_workstation(workstation_id: str) -> NoReturn:
    raise HqError(
        "unknown_workstation",
        "المحطة غير معروفة.",
        f"Workstation {workstation_id} is unknown.",
        status=404,
    )
