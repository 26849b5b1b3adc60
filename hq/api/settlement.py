"""Live calls a citizen waits for at the window: fines inquired and settled, prepaid cards
authorised (hq/settlement.py)."""

from __future__ import annotations

from fastapi import APIRouter

from hq.api.answers import refusals
from hq.api.auth import Authenticated
from hq.settlement import Settlement
from sync.protocol import (
    FinesAnswer,
    FinesInquiry,
    PrepaidAnswer,
    PrepaidRequest,
    SettleAnswer,
    SettleRequest,
)


def router(settlement: Settlement) -> APIRouter:
    api = APIRouter()

    @api.post("/v1/fines/inquiry")
    def inquire_fines(inquiry: FinesInquiry, _ws: Authenticated) -> FinesAnswer:
        return settlement.inquire(
            national_id=inquiry.national_id, plate=inquiry.plate, licence=inquiry.licence
        )

    @api.post("/v1/fines/settle", responses=refusals(404, 409))
    def settle_fines(request: SettleRequest, ws: Authenticated) -> SettleAnswer:
        return settlement.settle(ws.id, request)

    @api.post("/v1/prepaid/authorise", responses=refusals(404, 409))
    def authorise_prepaid(request: PrepaidRequest, _ws: Authenticated) -> PrepaidAnswer:
        return settlement.authorise_prepaid(request)

    return api
