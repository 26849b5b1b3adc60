"""The HQ client's rules, with a scripted session: which URLs, which retries, which not."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sync.client import HqClient, HqRefused, HqUnavailable, check_hq_url


@pytest.mark.parametrize(
    "url",
    ["https://hq.example.eg", "http://127.0.0.1:8765", "http://localhost:1", "http://[::1]:80"],
)
def test_accepted_hq_addresses(url: str) -> None:
    assert check_hq_url(url + "/") == url


@pytest.mark.parametrize(
    "url", ["http://hq.example.eg", "http://10.0.0.5:8765", "ftp://hq", "hq.example.eg", "https://"]
)
def test_plain_http_beyond_loopback_and_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        check_hq_url(url)


class ScriptedSession(requests.Session):
    """Answers each request with the next scripted outcome: an exception or (status, body)."""

    def __init__(self, script: list[Any]) -> None:
        super().__init__()
        self.script = list(script)
        self.calls: list[dict[str, Any]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.calls.append({"method": method, "url": url, **kwargs})
        outcome = self.script.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        status, body, headers = (*outcome, {})[:3]
        response = requests.Response()
        response.status_code = status
        response._content = body.encode()
        response.headers.update(headers)
        return response


HEAD = '{"workstation_id": "W", "acked_seq": 3, "acked_hash": "h"}'


def client(script: list[Any]) -> tuple[HqClient, ScriptedSession, list[float]]:
    session = ScriptedSession(script)
    pauses: list[float] = []
    return (
        HqClient("http://127.0.0.1:1", token="t", session=session, sleep=pauses.append),
        session,
        pauses,
    )


def test_connection_errors_timeouts_5xx_and_429_are_retried_with_growing_pauses() -> None:
    hq, session, pauses = client(
        [
            requests.ConnectionError("refused"),
            requests.ReadTimeout("slow"),
            (503, "{}"),
            (200, HEAD),
        ]
    )
    assert hq.head().acked_seq == 3
    assert len(session.calls) == 4 and len(pauses) == 3
    # Exponential backoff with jitter: 0.5, 1, 2 seconds, each scaled by 0.5-1.5.
    for attempt, pause in enumerate(pauses):
        assert 0.25 * 2**attempt <= pause <= 0.75 * 2**attempt
    assert all(call["timeout"] == hq.timeout for call in session.calls)
    assert all(call["headers"]["Authorization"] == "Bearer t" for call in session.calls)


def test_retry_after_is_honoured_within_the_cap() -> None:
    hq, _, pauses = client([(429, "{}", {"Retry-After": "5"}), (200, HEAD)])
    hq.head()
    assert pauses == [5.0]


def test_other_4xx_are_not_retried() -> None:
    hq, session, pauses = client(
        [(409, '{"reason": "tamper", "message_en": "bad", "message_ar": "سيئ", "acked_seq": 7}')]
    )
    with pytest.raises(HqRefused) as refused:
        hq.head()
    assert refused.value.reason == "tamper" and refused.value.acked_seq == 7
    assert len(session.calls) == 1 and pauses == []


def test_giving_up_after_the_attempts_reports_offline() -> None:
    hq, session, pauses = client([requests.ConnectionError("down")] * 4)
    with pytest.raises(HqUnavailable, match="down"):
        hq.head()
    assert len(session.calls) == 4 and len(pauses) == 3


def test_enrolment_is_never_retried() -> None:
    from sync.protocol import EnrollRequest

    hq, session, _ = client([requests.ReadTimeout("lost answer")])
    with pytest.raises(HqUnavailable):
        hq.enroll(EnrollRequest(code="ABCDE-FGHJK", public_key="A" * 43))
    assert len(session.calls) == 1  # a second try would burn the one-time code twice


def test_an_answer_cut_short_is_retried_not_crashed_on() -> None:
    # Seen through the fault proxy: headers cut mid-way reach requests as a 200 with no body.
    hq, session, pauses = client([(200, ""), (200, '{"workstation_id": "W", "acked'), (200, HEAD)])
    assert hq.head().acked_seq == 3
    assert len(session.calls) == 3 and len(pauses) == 2
