"""One queue for the office: a queue host and two windows on 127.0.0.1, enrolled with a
real HQ; the host stops and returns mid-day. No ticket is lost or issued twice, and each
window's figures add up to the office's."""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from counter_app.domain.queue import figures, figures_by
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_CLERK
from counter_app.services.profile import Profile
from hq.queue_figures import office_day_figures
from sync.office import HostRefused, OfficeLink
from tests.helpers import open_window
from tests.support.hq_server import RunningHq, free_port

ONE_HQ = pytest.mark.parametrize("hq", ["sqlite"], indirect=True)


def office_window(root: Path, window: int, role: str, port: int, hq: RunningHq) -> AppContext:
    ctx = open_window(root, window=window)
    ctx.close()
    config = Profile(root).config_path
    text = config.read_text(encoding="utf-8")
    text = text.replace('role = "standalone"', f'role = "{role}"')
    text = text.replace('host_url = ""', f'host_url = "http://127.0.0.1:{port}"')
    text = text.replace('listen = "0.0.0.0:8765"', f'listen = "127.0.0.1:{port}"')
    config.write_text(text, encoding="utf-8")
    ctx = reopen(root)
    if ctx.sync.enrolment() is None:
        ctx.sync.enroll(hq.url, hq.enroll_code(window=window))
        ctx.sync.sync_once()
    return ctx


def reopen(root: Path) -> AppContext:
    ctx = AppContext.open(Profile(root), log_to_file=False)
    ctx.session.sign_in(DEMO_CLERK[0], DEMO_CLERK[3])
    ctx.queue.retry_s = 0  # ask the host again at once (a test does not wait)
    ctx.start_queue_host()
    return ctx


@pytest.fixture
def office(hq: RunningHq, tmp_path: Path) -> Iterator[dict[str, AppContext]]:
    port = free_port()
    contexts = {
        "host": office_window(tmp_path / "host", 1, "host", port, hq),
        "w2": office_window(tmp_path / "w2", 2, "window", port, hq),
        "w3": office_window(tmp_path / "w3", 3, "window", port, hq),
    }
    for ctx in contexts.values():
        ctx.shifts.open_shift()
    yield contexts
    for ctx in contexts.values():
        ctx.close()


def served_by(ctx: AppContext, tickets: list[str]) -> str | None:
    called = ctx.queue.call_next()
    if called is None:
        return None
    tickets.append(called.label)
    ctx.queue.finish_current()
    return called.label


@ONE_HQ
def test_host_and_two_windows_lose_nothing_when_the_host_stops_mid_day(
    office: dict[str, AppContext], tmp_path: Path, hq: RunningHq
) -> None:
    host, w2, w3 = office["host"], office["w2"], office["w3"]
    for group in "TTCTCT":
        host.queue.issue_ticket(group, kiosk=True)
    by_window: dict[str, list[str]] = {"w2": [], "w3": []}
    assert served_by(w2, by_window["w2"]) == "T-1"
    assert served_by(w3, by_window["w3"]) == "T-2"
    # W3 calls a host ticket; then the host's computer goes down.
    in_hand = w3.queue.call_next()
    assert in_hand is not None and in_hand.label == "C-1"
    by_window["w3"].append(in_hand.label)
    host.close()
    # W3 finishes the citizen in front of it: the action waits in its store.
    assert w3.queue.finish_current().status == "served"
    assert w3.queue.snapshot().host == "away"
    # Both windows keep going on their own tickets, numbered apart from the host's.
    own2 = [w2.queue.issue_ticket("T").label for _ in range(2)]
    own3 = [w3.queue.issue_ticket("C").label for _ in range(1)]
    assert own2 == ["T-20001", "T-20002"] and own3 == ["C-30001"]
    for _ in own2:
        served_by(w2, by_window["w2"])
    served_by(w3, by_window["w3"])
    assert w2.queue.call_next() is None  # nothing of its own left, and no host
    # The host comes back (the same profile, started again).
    host = reopen(tmp_path / "host")
    office["host"] = host
    host.queue.issue_ticket("C", kiosk=True)
    while served_by(w2, by_window["w2"]) or served_by(w3, by_window["w3"]):
        pass
    w3.queue.hand_over()  # its last own ticket goes to the office's figures too
    w2.queue.hand_over()

    day = host.queue.office.day_tickets()
    labels = [t.label for t in day]
    assert len(labels) == len(set(labels))  # nothing issued twice
    issued = {t.label for t in day if not t.transferred_from}
    assert issued == set(by_window["w2"]) | set(by_window["w3"])  # nothing lost
    calls = Counter(label for served in by_window.values() for label in served)
    assert max(calls.values()) == 1  # nobody called twice
    assert {t.status for t in day} == {"served"}
    c1 = next(t for t in day if t.label == "C-1")
    assert c1.window == 3 and c1.ended is not None  # the deferred finish, with its time
    office_figures = figures(day, 20)
    per_window = figures_by(day, "window", 20)
    assert office_figures.served == sum(f.served for f in per_window.values())
    assert per_window["2"].served == len(by_window["w2"])
    assert per_window["3"].served == len(by_window["w3"])
    # The actions taken while the host was away are all handed over.
    with w3.db.read() as tx:
        assert tx.queue_outbox.waiting() == []
    # HQ, from the entries the three workstations synced, finds the same figures.
    for ctx in (host, w2, w3):
        ctx.sync.sync_once()
    with hq.engine.connect() as conn:
        at_hq = office_day_figures(conn, "ASW-0101", host.clock.stamp().business_day)
    assert at_hq["tickets"] == len(day)
    assert at_hq["office"] == office_figures.as_dict()
    assert {k: v["served"] for k, v in at_hq["window"].items()} == {
        k: v.served for k, v in per_window.items()
    }


@ONE_HQ
def test_the_host_refuses_strangers_and_replays(office: dict[str, AppContext]) -> None:
    host, w2 = office["host"], office["w2"]
    assert host.queue_host is not None
    url = f"http://127.0.0.1:{host.queue_host.port}"
    # No certificate at all.
    bare = requests.post(url + "/queue/v1/board", data=b"{}", timeout=5)
    assert bare.status_code == 401 and bare.json()["message_ar"]
    # A certified window may not act as another window.
    enrolment = w2.sync.enrolment()
    assert enrolment is not None
    from sync import credentials

    creds = credentials.load(enrolment.workstation_id)
    assert creds is not None
    link = OfficeLink(url, creds.signing_key, enrolment.certificate)
    with pytest.raises(HostRefused) as refused:
        link.call("call_next", {"window": 3, "groups": []})
    assert refused.value.status == 403
    # A key HQ never certified, carrying window 2's certificate.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    forged = OfficeLink(url, Ed25519PrivateKey.generate(), enrolment.certificate)
    with pytest.raises(HostRefused) as refused:
        forged.call("board")
    assert refused.value.status == 401
    # An oversized body is refused before it is read.
    big = requests.post(
        url + "/queue/v1/board",
        data=b"x" * (70 * 1024),
        headers={"X-Workstation-Cert": base64.b64encode(json.dumps({}).encode()).decode()},
        timeout=5,
    )
    assert big.status_code == 413
    assert link.call("board")["waiting"] is not None
