"""The requests that got through to HQ, each sent to the real server on 127.0.0.1: every
one now gets a 4xx in the protocol's shape, nothing it sends is kept beyond its route's
cap, and guessing or scraping from one caller is slowed to a rate."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select

from counter_app.domain.journal import GENESIS_HASH
from hq import schema as hq_tables
from hq.cli import main as hq_main
from hq.db import make_engine
from hq.guard import RATES, SMALL_BODY
from sync.protocol import MAX_BATCH_BYTES, WIRE_FIELDS, b64e
from tests.support.hq_server import RunningHq

MIB = 1024 * 1024


def new_key() -> str:
    raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return b64e(raw)


def enrol(hq: RunningHq, window: int = 1, key: str = "") -> tuple[str, str]:
    """A window enrolled over HTTP: (its public key, its bearer token)."""
    key = key or new_key()
    answer = requests.post(
        hq.url + "/v1/enroll", json={"code": hq.enroll_code(window), "public_key": key}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    return key, answer.json()["token"]


def rss_mib(hq: RunningHq) -> float:
    assert hq.proc is not None
    status = Path(f"/proc/{hq.proc.pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def refused(answer: requests.Response, status: int, reason: str) -> None:
    assert answer.status_code == status, answer.text[:300]
    body = answer.json()
    assert body.get("reason") == reason, body
    assert body["message_ar"] and body["message_en"]


def chunks(total: int, size: int = MIB) -> Iterator[bytes]:
    block = b"[" * size
    for _ in range(total // size):
        yield block


def test_no_body_is_kept_beyond_its_cap_and_no_input_is_echoed(hq: RunningHq) -> None:
    _key, token = enrol(hq)
    before = rss_mib(hq)
    # Unauthenticated, chunked (no declared length): 256 MiB offered to /v1/enroll.
    try:
        answer = requests.post(hq.url + "/v1/enroll", data=chunks(256 * MIB), timeout=60)
        refused(answer, 413, "too_large")
        assert len(answer.content) < 1000  # nothing of the input comes back
    except requests.ConnectionError:
        pass  # HQ answered and closed while the client was still sending: also refused
    # Declared: the length alone is refused, the body never read.
    conn = http.client.HTTPConnection("127.0.0.1", hq.port, timeout=10)
    conn.putrequest("POST", "/v1/journal")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Length", str(300 * MIB))
    conn.endheaders()
    conn.send(b"{" * 1024)
    reply = conn.getresponse()
    assert reply.status == 413 and json.loads(reply.read())["reason"] == "too_large"
    conn.close()
    # Chunked to the journal: read up to its cap (8 MiB) and refused past it.
    try:
        answer = requests.post(
            hq.url + "/v1/journal",
            data=chunks(300 * MIB),
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        refused(answer, 413, "too_large")
    except requests.ConnectionError:
        pass
    grown = rss_mib(hq) - before
    print(f"\nHQ's memory after 856 MiB of refused bodies: +{grown:.1f} MiB")
    assert grown < 4 * MAX_BATCH_BYTES / MIB  # a few capped buffers at most, never the body
    assert requests.get(hq.url + "/v1/health", timeout=5).ok


def test_bad_bodies_get_400_not_500(hq: RunningHq) -> None:
    key, token = enrol(hq)
    auth = {"Authorization": f"Bearer {token}"}
    push = hq.url + "/v1/journal"
    not_gzip = requests.post(push, data=b"plain", headers={**auth, "Content-Encoding": "gzip"})
    refused(not_gzip, 400, "malformed")
    damaged = bytearray(gzip.compress(b'{"workstation_id": "x"}'))
    damaged[-6] ^= 0xFF  # the CRC no longer matches
    refused(
        requests.post(push, data=bytes(damaged), headers={**auth, "Content-Encoding": "gzip"}),
        400,
        "malformed",
    )
    deep = b"[" * 100_000 + b"]" * 100_000
    refused(requests.post(push, data=deep, headers=auth), 400, "malformed")
    shallow_enough = b"[" * 30_000 + b"]" * 30_000
    assert len(shallow_enough) < SMALL_BODY
    refused(
        requests.post(
            hq.url + "/v1/enroll",
            data=shallow_enough,
            headers={"Content-Type": "application/json"},
        ),
        400,
        "malformed",
    )
    row: list[object] = ["x"] * len(WIRE_FIELDS)
    row[WIRE_FIELDS.index("seq")] = 1
    row[WIRE_FIELDS.index("monotonic_ns")] = 2**64
    batch = {"workstation_id": "ASW-0101-W01", "prev_hash": GENESIS_HASH, "rows": [row]}
    refused(requests.post(push, data=json.dumps(batch), headers=auth), 400, "malformed")
    # A missing field is answered in the protocol's shape, not FastAPI's 422.
    refused(requests.post(hq.url + "/v1/enroll", json={"code": "ABCDE-FGHIJ"}), 400, "malformed")
    assert key


def test_enrolment_takes_only_a_real_unused_key_and_a_refusal_keeps_the_code(
    hq: RunningHq,
) -> None:
    key, _token = enrol(hq, window=1)
    code = hq.enroll_code(2)
    for bad in ("!" * 43, b64e(b"\x01" * 30), b64e(b"\x01" * 45)):
        answer = requests.post(hq.url + "/v1/enroll", json={"code": code, "public_key": bad})
        refused(answer, 400, "malformed")  # not 32 bytes of base64url: outside the schema
    answer = requests.post(hq.url + "/v1/enroll", json={"code": code, "public_key": key})
    refused(answer, 409, "key_in_use")
    # None of those refusals spent the code: the window enrols with its own key.
    answer = requests.post(hq.url + "/v1/enroll", json={"code": code, "public_key": new_key()})
    assert answer.status_code == 200 and answer.json()["workstation_id"] == "ASW-0101-W02"


def test_guessing_codes_and_scraping_fines_are_slowed_to_a_rate(hq: RunningHq) -> None:
    statuses = [
        requests.post(
            hq.url + "/v1/enroll", json={"code": f"GUESS-{n:05d}", "public_key": new_key()}
        ).status_code
        for n in range(RATES["enroll"].burst + 5)
    ]
    assert statuses.count(403) == RATES["enroll"].burst  # wrong codes, as many as the burst
    assert statuses[-1] == 429
    _key, token = enrol_despite_rate(hq)
    auth = {"Authorization": f"Bearer {token}"}
    answers = [
        requests.post(hq.url + "/v1/fines/inquiry", json={"plate": "ق ر 123"}, headers=auth)
        for _ in range(RATES["fines"].burst + 5)
    ]
    assert all(a.status_code != 429 for a in answers[: RATES["fines"].burst])
    refused(answers[-1], 429, "rate_limited")
    assert int(answers[-1].headers["Retry-After"]) >= 1


def enrol_despite_rate(hq: RunningHq) -> tuple[str, str]:
    """Enrolment from another address of this machine (the rate is per address)."""
    key = new_key()
    body = json.dumps({"code": hq.enroll_code(3), "public_key": key}).encode()
    with socket.create_connection(("127.0.0.1", hq.port), source_address=("127.0.0.2", 0)) as s:
        s.sendall(
            b"POST /v1/enroll HTTP/1.1\r\nHost: hq\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    head, _, payload = reply.partition(b"\r\n\r\n")
    assert b" 200 " in head.split(b"\r\n")[0], reply[:300]
    return key, json.loads(payload)["token"]


@pytest.mark.parametrize(
    "args",
    [
        ["office", "add", "ÄSW-0101", "--name", "x", "--governorate", "Aswan"],
        ["office", "add", "ASW-0102", "--name", "x" * 120_000, "--governorate", "Aswan"],
        ["office", "add", "ASW-0103", "--name", "Luxor\n", "--governorate", "Luxor"],
        ["enroll-code", "ASW-0101", "--window", "0"],
        ["enroll-code", "ASW-0101", "--window", "100"],
        ["enroll-code", "ASW-0101", "--window", "-1"],
    ],
)
def test_the_administrator_s_bad_input_is_refused_and_changes_nothing(
    tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, key = f"sqlite:///{tmp_path / 'hq.sqlite3'}", str(tmp_path / "key.pem")
    assert hq_main(["--db", db, "--key-file", key, "init"]) == 0
    assert (
        hq_main(
            [
                "--db",
                db,
                "--key-file",
                key,
                "office",
                "add",
                "ASW-0101",
                "--name",
                "Aswan",
                "--governorate",
                "Aswan",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert hq_main(["--db", db, "--key-file", key, *args]) == 2
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err
    engine = make_engine(db)
    with engine.connect() as conn:
        offices = conn.execute(select(hq_tables.offices.c.code)).scalars().all()
        codes = conn.execute(select(hq_tables.enroll_codes.c.window)).scalars().all()
    engine.dispose()
    assert (offices, codes) == (["ASW-0101"], [])
