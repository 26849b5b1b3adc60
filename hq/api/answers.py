"""HQ's refusals as its OpenAPI document states them.

Every answer that is not 2xx has the protocol's one shape (`Refusal`). Each route lists the
statuses it can answer: its own (`refusals(...)` on the route) and those every route can
get from what stands in front of it (hq/guard.py: 400 for a bad length, 413 past the
route's cap, 429 past the caller's rate), plus 401 and 403 on the routes a window's token
opens. FastAPI's 422 never happens here (a request outside the schema is a 400), so it is
taken out.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from sync.protocol import PushBatch


class Refusal(BaseModel):
    """Why HQ refused, in Arabic and English; `acked_seq` is where HQ's copy of the
    window's chain stands when the refusal is about a push (else null)."""

    reason: str
    message_en: str
    message_ar: str
    acked_seq: int | None = None


MEANINGS = {
    400: "malformed: the request is not in the protocol's shape",
    401: "bad_token: no bearer token, or one HQ does not know",
    403: "refused for this caller: a revoked workstation, a used or expired code, "
    "another window's journal",
    404: "no such thing: an unknown record, card, challenge, fine or request",
    409: "conflicts with what HQ holds: a gap or a forked chain (acked_seq says where "
    "HQ stands), a fine already paid, an OTP that does not match",
    413: "too_large: the body is larger than the route takes",
    415: "the body's Content-Encoding is neither gzip nor identity",
    429: "rate_limited: past the caller's rate; try again after Retry-After seconds",
    503: "busy: HQ holds more pushes than it can work through soon; try again after "
    "Retry-After seconds",
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 1},
    }
}
_EVERY_ROUTE = (400, 413, 429)
_WITH_TOKEN = (401, 403)


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: the statuses it answers besides those every route can."""
    return {status: {"model": Refusal, "description": MEANINGS[status]} for status in statuses}


def _answer(status: int) -> dict[str, Any]:
    return {
        "description": MEANINGS[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}},
    }


def _add_model(components: dict[str, Any], model: type[BaseModel]) -> None:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema


def describe(app: FastAPI) -> None:
    """Make `app.openapi()` state every route's refusals (built once, on first call)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = document.setdefault("components", {}).setdefault("schemas", {})
        _add_model(components, Refusal)
        _add_model(components, PushBatch)  # /v1/journal reads its body itself (gzip)
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        for operations in document["paths"].values():
            for operation in operations.values():
                answers = operation.setdefault("responses", {})
                answers.pop("422", None)
                statuses = list(_EVERY_ROUTE)
                if operation.get("security"):
                    statuses += _WITH_TOKEN
                for status in statuses:
                    answers.setdefault(str(status), _answer(status))
                for status, answer in answers.items():  # the Guard's and the routes' own
                    if status in ("429", "503"):
                        answer.setdefault("headers", _RETRY_AFTER)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
