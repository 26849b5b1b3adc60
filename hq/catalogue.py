"""HQ's service catalogue: imported from a file, checked, versioned, sent down signed.

Every import is kept (`catalogue_versions`); windows receive the newest in their
`catalogue` bundle, which HQ signs like every bundle. The check is the window's own
(`counter_app.domain.catalogue`), so HQ never sends what a window would refuse.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from counter_app.domain.catalogue import Catalogue, CatalogueError, parse_catalogue
from hq import schema as t
from hq.errors import HqError
from hq.versions import bump
from resources import default_catalogue_path
from sync.protocol import utc_now_text


def read_catalogue_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise HqError(
            "catalogue",
            f"تعذرت قراءة الملف {path}: {exc}",
            f"Cannot read {path} as JSON: {exc}",
            status=400,
        ) from exc
    if not isinstance(data, dict):
        raise HqError("catalogue", "الملف ليس دليل خدمات", f"{path} is not a catalogue", status=400)
    return data


def import_catalogue(engine: Engine, document: dict[str, Any]) -> tuple[int, Catalogue]:
    """Check and store a new catalogue version; windows get it at their next sync."""
    try:
        catalogue = parse_catalogue(document)
    except CatalogueError as exc:
        raise HqError(exc.code, exc.message_ar, exc.message_en, status=400) from exc
    with engine.begin() as conn:
        version = int(conn.execute(select(func.max(t.catalogue_versions.c.version))).scalar() or 0)
        version += 1
        conn.execute(
            insert(t.catalogue_versions).values(
                version=version,
                label=catalogue.version_label,
                document=json.dumps(document, ensure_ascii=False, sort_keys=True),
                imported_at=utc_now_text(),
            )
        )
        bump(conn, "catalogue", "all")
    return version, catalogue


def seed_default(engine: Engine) -> None:
    """At `init`: the shipped default, unless HQ already holds a catalogue."""
    with engine.connect() as conn:
        if latest(conn) is not None:
            return
    import_catalogue(engine, read_catalogue_file(default_catalogue_path()))


def latest(conn: Connection) -> tuple[int, dict[str, Any]] | None:
    row = conn.execute(
        select(t.catalogue_versions.c.version, t.catalogue_versions.c.document)
        .order_by(t.catalogue_versions.c.version.desc())
        .limit(1)
    ).first()
    return None if row is None else (int(row.version), json.loads(row.document))


def describe(engine: Engine) -> str:
    """`hq-server catalogue show`: the version in force and its services with fees."""
    with engine.connect() as conn:
        held = latest(conn)
    if held is None:
        return "no catalogue imported yet (hq-server catalogue import FILE)"
    version, document = held
    catalogue = parse_catalogue(document)
    lines = [
        f"catalogue version {version} ({catalogue.version_label}), "
        f"{len(catalogue.services)} services"
    ]
    for service in catalogue.services:
        fees = ", ".join(f"{f.code} {f.amount.format('en')}" for f in service.fees) or "no fee"
        lines.append(
            f"  {service.group} {service.code:<28} {service.kind:<12} "
            f"offline={service.offline:<13} "
            f"{fees}  ({service.name_en})"
        )
    return "\n".join(lines)
