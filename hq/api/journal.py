"""A window's journal: where HQ's copy of its chain stands, and a push of entries."""

from __future__ import annotations

import json
import zlib
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from hq.admission import Admission
from hq.api.answers import refusals
from hq.api.auth import Authenticated
from hq.errors import HqError
from hq.service import HqService, Workstation
from hq.window_status import contact
from sync.protocol import (
    MAX_BATCH_BYTES,
    MAX_BATCH_ENTRIES,
    WINDOW_TIME_HEADER,
    JournalHead,
    JournalRange,
    PushBatch,
)


def _decompress(body: bytes, encoding: str) -> bytes:
    if encoding in ("", "identity"):
        data = body
    elif encoding == "gzip":
        inflater = zlib.decompressobj(wbits=31)
        try:
            data = inflater.decompress(body, MAX_BATCH_BYTES + 1)
        except zlib.error as exc:
            raise HqError(
                "malformed",
                "الدفعة المضغوطة تالفة.",
                "The gzip body is damaged or not gzip.",
                status=400,
            ) from exc
        if inflater.unconsumed_tail or len(data) > MAX_BATCH_BYTES:
            raise HqError(
                "malformed", "الدفعة أكبر من المسموح.", "The batch is too large.", status=413
            )
    else:
        raise HqError(
            "malformed", "ترميز غير مدعوم.", f"Unsupported encoding {encoding}.", status=415
        )
    if len(data) > MAX_BATCH_BYTES:
        raise HqError("malformed", "الدفعة أكبر من المسموح.", "The batch is too large.", status=413)
    return data


def _ingest(service: HqService, ws: Workstation, body: bytes, encoding: str) -> JournalHead:
    data = _decompress(body, encoding)
    try:
        batch = PushBatch.model_validate(json.loads(data))
    except (ValueError, ValidationError, RecursionError) as exc:
        raise HqError(
            "malformed",
            "الدفعة ليست بصيغة البروتوكول.",
            "The batch is not valid JSON of the protocol.",
            status=400,
        ) from exc
    return service.ingest(ws, batch)


def router(service: HqService, admission: Admission) -> APIRouter:
    api = APIRouter()

    @api.get("/v1/journal/head")
    def head(ws: Authenticated, request: Request) -> JournalHead:
        # A sync's first call: the dashboard's "last sync" and clock offset.
        return service.head(ws.id, contact(request.headers.get(WINDOW_TIME_HEADER, "")))

    @api.get("/v1/journal/entries")
    def entries(
        ws: Authenticated,
        after: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_BATCH_ENTRIES)] = MAX_BATCH_ENTRIES,
    ) -> JournalRange:
        # A window's own entries only: the token names the workstation.
        return service.entries(ws.id, after, limit)

    @api.post(
        "/v1/journal",
        responses=refusals(409, 415, 503),
        # The body is read as bytes, so its schema is stated here. It may travel gzip'd
        # (Content-Encoding: gzip, as windows send it): the schema is of what it unpacks to.
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/PushBatch"}}
                },
            },
        },
    )
    async def push(request: Request, ws: Authenticated) -> JournalHead:
        try:
            body = await request.body()
        except ClientDisconnect as exc:  # the link dropped mid-upload: nothing was taken
            raise HqError(
                "disconnected",
                "انقطع الاتصال قبل وصول الدفعة كاملة.",
                "The connection closed before the whole batch arrived.",
                status=400,
            ) from exc
        encoding = request.headers.get("content-encoding", "")
        # Unpacking, parsing and the ingest are blocking work: keep them off the event loop
        # (which must go on reading other windows' bodies), and at most admission.limit at
        # once (past its queue, 503 with Retry-After: hq/admission.py).
        async with admission.slot():
            return await run_in_threadpool(_ingest, service, ws, body, encoding)

    return api
