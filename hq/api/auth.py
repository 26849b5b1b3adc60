"""A window's bearer token, checked on every route it calls."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from hq.errors import HqError
from hq.service import HqService, Workstation


def _workstation(request: Request, authorization: Annotated[str, Header()] = "") -> Workstation:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HqError("bad_token", "رمز الدخول مطلوب.", "A bearer token is required.", status=401)
    service: HqService = request.app.state.service
    return service.authenticate(token)


Authenticated = Annotated[Workstation, Depends(_workstation)]
