"""A window's bearer token, checked on every route it calls."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hq.errors import HqError
from hq.service import HqService, Workstation

# auto_error=False: a missing or non-bearer header is our 401 in the protocol's shape.
_BEARER = HTTPBearer(auto_error=False, description="the window's token, from its enrolment")


def _workstation(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)],
) -> Workstation:
    if credentials is None or not credentials.credentials:
        raise HqError("bad_token", "رمز الدخول مطلوب.", "A bearer token is required.", status=401)
    service: HqService = request.app.state.service
    return service.authenticate(credentials.credentials)


Authenticated = Annotated[Workstation, Depends(_workstation)]
