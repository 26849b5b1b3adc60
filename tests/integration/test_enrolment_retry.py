"""A window's enrolment whose answer is lost on the way: HQ has used the code and enrolled
the window, the window never heard. The window sends the same request again (its key's
proof included) and gets the same window with a new token; the lost token is dead. Nobody
else can do that with the code: the proof needs the window's private key."""

from __future__ import annotations

import itertools

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from counter_app.services.enrolment import request_enrolment
from sync.protocol import EnrollRequest, enrol_request, public_key_text
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.hq_server import RunningHq


def head(hq: RunningHq, token: str) -> int:
    answer = requests.get(
        hq.url + "/v1/journal/head", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    return answer.status_code


def post(hq: RunningHq, request: EnrollRequest) -> requests.Response:
    return requests.post(hq.url + "/v1/enroll", json=request.model_dump(), timeout=10)


def test_the_same_request_again_gets_the_same_window_and_only_its_key_can(
    hq: RunningHq,
) -> None:
    code = hq.enroll_code(2)
    key = Ed25519PrivateKey.generate()
    request = enrol_request(code, key)
    lost = post(hq, request)
    assert lost.status_code == 200, lost.text
    again = post(hq, request)
    assert again.status_code == 200, again.text
    first, second = lost.json(), again.json()
    assert second["workstation_id"] == first["workstation_id"] == "ASW-0101-W02"
    assert second["token"] != first["token"]
    assert head(hq, first["token"]) == 401  # the token that never arrived opens nothing
    assert head(hq, second["token"]) == 200

    # The code and the public key are not enough: the private key must sign.
    public = public_key_text(key)
    without_proof = post(hq, EnrollRequest(code=code, public_key=public))
    someone_else = enrol_request(code, Ed25519PrivateKey.generate())
    forged = EnrollRequest(code=code, public_key=public, proof=someone_else.proof)
    for answer in (without_proof, post(hq, someone_else), post(hq, forged)):
        assert answer.status_code == 403 and answer.json()["reason"] == "used_code"
    assert head(hq, second["token"]) == 200  # the refusals changed nothing

    hq.service.revoke_workstation("ASW-0101-W02")
    assert post(hq, request).status_code == 403  # a revoked window is not given a token


def test_the_window_enrols_through_a_link_that_drops_the_first_answer(hq: RunningHq) -> None:
    connections = itertools.count()
    # The first connection carries the request to HQ and drops the whole answer.
    proxy = FaultProxy(
        hq.port,
        schedule=lambda: Fault("cut_down", 0) if next(connections) == 0 else Fault(),
    )
    try:
        granted = request_enrolment(proxy.url, hq.enroll_code(3))
    finally:
        proxy.close()
    assert proxy.faults == ["cut_down@0"] and proxy.connections >= 2
    assert granted.answer.certificate.workstation_id == "ASW-0101-W03"
    assert head(hq, granted.answer.token) == 200
    with hq.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT count(*) FROM workstations WHERE id = 'ASW-0101-W03'"
        ).scalar()
    assert rows == 1
