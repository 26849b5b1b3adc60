"""What HQ sends down to a window, per kind of bundle: the catalogue, the office's users
and limits, the trust list (HQ's key and the revoked workstations), the window's
instructions and the office's requests. Each is versioned (hq.versions) and signed by
the caller with HQ's key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from hq import schema as t
from hq.catalogue import latest
from hq.errors import HqError
from hq.limits import office_limits
from hq.requests import requests_bundle
from hq.versions import current
from sync.protocol import Bundle, utc_now_text


def bundle_content(
    conn: Connection, kind: str, workstation_id: str, office_code: str, hq_public_key: str
) -> Bundle:
    """The unsigned bundle of `kind` for one window."""
    scopes = {"catalogue": "all", "trust": "all", "instructions": workstation_id}
    scope = scopes.get(kind, office_code)
    # The version before the content (hq.versions says why).
    version = current(conn, kind, scope)
    if kind == "catalogue":
        held = latest(conn)
        payload: dict[str, Any] = {
            "catalogue_version": held[0] if held else 0,
            "document": held[1] if held else None,
        }
    elif kind == "users":
        payload = {
            "office": office_code,
            "users": [
                {
                    "username": r.username,
                    "display_name": r.display_name,
                    "role": r.role,
                    "pin_hash": r.pin_hash,
                    "active": bool(r.active),
                }
                for r in conn.execute(
                    select(t.users)
                    .where(t.users.c.office_code == office_code)
                    .order_by(t.users.c.username)
                )
            ],
        }
        limits = office_limits(conn, office_code)
        if limits is not None:
            payload["limits"] = limits
    elif kind == "trust":
        approved = conn.execute(
            select(t.hq_settings.c.value).where(t.hq_settings.c.key == "approved_client_version")
        ).scalar()
        payload = {
            "hq_public_key": hq_public_key,
            "approved_client_version": approved or "",
            "revoked": [
                {
                    "public_key": r.public_key,
                    "workstation_id": r.workstation_id,
                    "revoked_at": r.revoked_at,
                }
                for r in conn.execute(select(t.revoked_keys).order_by(t.revoked_keys.c.revoked_at))
            ],
        }
    elif kind == "instructions":
        payload = {
            "items": [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "text_ar": r.text_ar,
                    "text_en": r.text_en,
                    "created_at": r.created_at,
                }
                for r in conn.execute(
                    select(t.instructions)
                    .where(t.instructions.c.workstation_id == workstation_id)
                    .order_by(t.instructions.c.id)
                )
            ]
        }
    elif kind == "requests":
        payload = requests_bundle(conn, office_code)
    else:
        raise HqError(
            "unknown_bundle",
            "لا توجد حزمة بهذا الاسم.",
            f"There is no bundle '{kind}'.",
            status=404,
        )
    return Bundle(
        kind=kind,
        scope=scope,
        version=version,
        issued_at=utc_now_text(),
        payload=payload,
    )
