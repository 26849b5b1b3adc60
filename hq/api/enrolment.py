"""A window's enrolment, and the signed bundles it downloads with its token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from hq.api.answers import refusals
from hq.api.auth import Authenticated
from hq.service import HqService
from sync.protocol import BUNDLE_KINDS, EnrollRequest, EnrollResponse

BundleKind = Annotated[str, Path(pattern=f"^({'|'.join(BUNDLE_KINDS)})$")]


def router(service: HqService) -> APIRouter:
    api = APIRouter()

    @api.post("/v1/enroll", responses=refusals(403, 409))
    def enroll(request: EnrollRequest) -> EnrollResponse:
        return service.enroll(request)

    @api.get("/v1/bundles/{kind}")
    def bundle(kind: BundleKind, ws: Authenticated) -> dict[str, object]:
        return service.bundle(ws, kind).model_dump()

    return api
