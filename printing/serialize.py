"""Documents to JSON and back, so a print job can be printed again exactly (a reprint)."""

from __future__ import annotations

import base64
import json
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any

from counter_app.domain.money import Money
from printing.documents import (
    ClearanceCertificate,
    QueueTicket,
    Receipt,
    ReceiptLine,
    ReceiptTender,
    RequestSlip,
)

_TYPES: dict[str, type] = {
    "ticket": QueueTicket,
    "receipt": Receipt,
    "clearance_certificate": ClearanceCertificate,
    "request_slip": RequestSlip,
}


def _plain(value: Any) -> Any:  # noqa: PLR0911 (one return per kind of value)
    if isinstance(value, Money):
        return {"piastres": value.piastres}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _typed(value: Any) -> Any:  # noqa: PLR0911 (one return per kind of value)
    if isinstance(value, dict):
        if value.keys() == {"piastres"}:
            return Money(value["piastres"])
        if value.keys() == {"datetime"}:
            return datetime.fromisoformat(value["datetime"])
        if value.keys() == {"date"}:
            return date.fromisoformat(value["date"])
        if value.keys() == {"bytes"}:
            return base64.b64decode(value["bytes"])
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return value


def to_json(kind: str, document: Any) -> str:
    return json.dumps({"kind": kind, "document": _plain(document)}, ensure_ascii=False)


def from_json(text: str) -> tuple[str, Any]:
    data = json.loads(text)
    kind = data["kind"]
    values = _typed(data["document"])
    if kind == "receipt":
        values["lines"] = tuple(ReceiptLine(**line) for line in values["lines"])
        values["tenders"] = tuple(ReceiptTender(**t) for t in values.get("tenders", ()))
    if kind == "clearance_certificate":
        values["record"] = tuple(tuple(fact) for fact in values.get("record", ()))
    return kind, _TYPES[kind](**values)
