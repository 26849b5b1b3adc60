"""Requests: what the clerk waits for, and what HQ does with them, against the real HQ.

At the window (in-process, real HQ on 127.0.0.1): a licence renewal delivered home is
checked, priced and paid in cash (payment, request, slip committed; the clerk's wait) and
its receipt and slip printed (all done), against the baseline of a fee-only cash payment
in the same run. Then a sync that submits all those requests' details, a live tracking
lookup, and HQ's agencies moving every request through its stages with an SMS each.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring

from bench.table import p50_p95, print_table
from counter_app.domain.requests import RequestForm
from counter_app.domain.visit import Tender, VisitLine
from counter_app.services.context import AppContext
from hq.agencies.requests import Agencies
from hq.requests import RequestDesk
from tests.conftest import MemoryKeyring
from tests.helpers import open_demo
from tests.support.hq_server import RunningHq

RUNS = int(os.environ.get("REQUEST_RUNS", "200"))
WARM_UP = 5


def _form(i: int) -> RequestForm:
    return RequestForm(
        national_id="29001010100015",
        name="منى سعيد عبد الله",
        mobile=f"010{i:08d}",
        licence=f"{10_000_000 + i}",
        governorate="28",
        district="أسوان أول",
        street=f"{i % 200 + 1} شارع السوق",
    )


def _pay(ctx: AppContext) -> tuple[float, float]:
    started = time.perf_counter()
    outcome = ctx.visit.pay(ctx.visit.request([Tender("cash", ctx.visit.basket.total)]))
    ctx.visit.clear()
    waited = (time.perf_counter() - started) * 1000
    for printed in outcome.prints:
        assert printed.result().status == "printed"
    return waited, (time.perf_counter() - started) * 1000


def run() -> None:
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        hq = RunningHq(Path(tmp), f"sqlite:///{Path(tmp) / 'hq.sqlite3'}")
        hq.add_office()
        hq.start_without_tick()
        try:
            ctx = open_demo(Path(tmp) / "w")
            ctx.sync.enroll(hq.url, hq.enroll_code())
            ctx.sync.sync_once()
            catalogue = ctx.catalogue.current()
            fee = catalogue.service("traffic_fines")
            renewal = catalogue.service("licence_renewal")
            base_wait, base_all, req_wait, req_all = [], [], [], []
            trackings: list[str] = []
            for i in range(RUNS + WARM_UP):
                ctx.visit.add([VisitLine(fee.code, "رسم", "fee", fee.fixed_fees[0].amount)])
                b_wait, b_all = _pay(ctx)
                started = time.perf_counter()
                lines, order = ctx.payments.requests.order(renewal, _form(i))
                ctx.visit.add(lines, request=order)
                checked = (time.perf_counter() - started) * 1000
                r_wait, r_all = _pay(ctx)
                if i >= WARM_UP:
                    base_wait.append(b_wait)
                    base_all.append(b_all)
                    req_wait.append(checked + r_wait)
                    req_all.append(checked + r_all)
            with ctx.db.read() as tx:
                trackings = [r["tracking"] for r in tx.requests.waiting_submission(10**9)]
            started = time.perf_counter()
            ctx.sync.sync_once()
            submit_s = time.perf_counter() - started
            lookups = []
            for tracking in trackings[:50]:
                started = time.perf_counter()
                ctx.tracking.track(tracking)
                lookups.append((time.perf_counter() - started) * 1000)
            desk = RequestDesk(hq.engine, Agencies.simulated(hq.engine))
            started = time.perf_counter()
            moves = 0
            later = datetime.now(UTC) + timedelta(days=30)
            while stepped := desk.advance_due(now=later):
                moves += len(stepped)
            sms = desk.deliver_sms()
            advance_s = time.perf_counter() - started
            ctx.close()
        finally:
            hq.stop()
    bw, bw95 = p50_p95(base_wait)
    rw, rw95 = p50_p95(req_wait)
    ba, ba95 = p50_p95(base_all)
    ra, ra95 = p50_p95(req_all)
    lk, lk95 = p50_p95(lookups)
    print_table(
        f"Requests at the window, {RUNS} each (real HQ on 127.0.0.1, simulated printer)",
        ["what", "p50 ms", "p95 ms", "x fee-only payment (p50)"],
        [
            ["fee-only cash payment: clerk waits (baseline)", bw, bw95, 1.0],
            ["licence renewal: form checked and paid, clerk waits", rw, rw95, rw / bw],
            ["fee-only cash payment: receipt printed", ba, ba95, ba / bw],
            ["licence renewal: receipt and slip printed", ra, ra95, ra / bw],
            ["tracking lookup, live from HQ", lk, lk95, lk / bw],
        ],
    )
    count = len(trackings)
    print_table(
        "Requests at HQ",
        ["what", "count", "seconds", "per item ms"],
        [
            ["sync submitting every request's details", count, submit_s, submit_s * 1000 / count],
            [
                "agency stages and SMS sent (all requests to the end)",
                moves + sms,
                advance_s,
                advance_s * 1000 / max(1, moves + sms),
            ],
        ],
    )


if __name__ == "__main__":
    run()
