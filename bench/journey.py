"""The software time of a whole journey at the window, in-process, against the real HQ.

One citizen: ticket issued and called, national ID captured, fines inquired (live, from
HQ on 127.0.0.1), all paid in cash (receipt committed, rendered and encoded for the
simulated printer, QR signed and chained, fines settled at HQ), the clearance checked
live, the certificate paid and its PDF rendered; the ticket finished. Everything but the
human and the printer's mechanics. The baseline, in the same run: the bare ticket cycle
(issue, call, capture, finish). Aim: p95 <= 150 ms.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import keyring

from bench.table import p50_p95, print_table
from counter_app.domain.visit import Tender
from counter_app.services.context import AppContext
from tests.conftest import MemoryKeyring
from tests.helpers import open_demo
from tests.support.fines_people import person_with_fines
from tests.support.hq_server import RunningHq

RUNS = int(__import__("os").environ.get("JOURNEY_RUNS", "200"))
WARM_UP = 5


def _journey(ctx: AppContext, person: str, sheet: int) -> float:
    """Run one journey; returns the ms the clerk waited (the rest ran alongside)."""
    started = time.perf_counter()
    catalogue = ctx.catalogue.current()
    ctx.queue.issue_ticket("T")
    ctx.queue.call_next()
    ctx.identity.capture_national_id(person)
    inquiry = ctx.fines.inquire("national_id", person)
    lines, fines = ctx.fines.lines(
        catalogue.service("traffic_fines"), inquiry, [f.fine_id for f in inquiry.fines]
    )
    ctx.visit.add(lines, fines=fines)
    paid = ctx.visit.pay(ctx.visit.request([Tender("cash", ctx.visit.basket.total)]))
    ctx.visit.clear()
    clearance_service = catalogue.service("traffic_clearance")
    clearance = ctx.certificates.check(clearance_service, person)
    lines, order = ctx.certificates.order(
        clearance_service, clearance, name="مواطن", plate="", licence="", sheet=str(sheet)
    )
    ctx.visit.add(lines, certificate=order)
    certified = ctx.visit.pay(ctx.visit.request([Tender("cash", ctx.visit.basket.total)]))
    ctx.visit.clear()
    ctx.queue.finish_current("served")
    waited = (time.perf_counter() - started) * 1000
    for printed in (*paid.prints, *certified.prints):
        assert printed.result().status == "printed"
    assert paid.settlement.result() == []
    return waited


def _bare(ctx: AppContext, person: str) -> None:
    ctx.queue.issue_ticket("T")
    ctx.queue.call_next()
    ctx.identity.capture_national_id(person)
    ctx.queue.finish_current("served")


def run() -> None:
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        hq = RunningHq(Path(tmp), f"sqlite:///{Path(tmp) / 'hq.sqlite3'}")
        hq.add_office()
        hq.start()
        try:
            ctx = open_demo(Path(tmp) / "w")
            ctx.sync.enroll(hq.url, hq.enroll_code())
            ctx.sync.sync_once()
            ctx.shifts.open_shift()
            ctx.printing.load_sheets(5_000_001, 5_000_000 + RUNS + WARM_UP, "mona")
            people = [person_with_fines(1, skip=i) for i in range(RUNS + WARM_UP)]
            journey: list[float] = []
            waited: list[float] = []
            bare: list[float] = []
            for i, person in enumerate(people):
                started = time.perf_counter()
                clerk_waited = _journey(ctx, person, 5_000_001 + i)
                elapsed = (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                _bare(ctx, person)
                bare_elapsed = (time.perf_counter() - started) * 1000
                if i >= WARM_UP:
                    journey.append(elapsed)
                    waited.append(clerk_waited)
                    bare.append(bare_elapsed)
            ctx.close()
        finally:
            hq.stop()
    j50, j95 = p50_p95(journey)
    w50, w95 = p50_p95(waited)
    b50, b95 = p50_p95(bare)
    print_table(
        f"A whole journey's software time, {RUNS} citizens (fines paid, certificate issued, "
        "real HQ on 127.0.0.1; aim: p95 <= 150 ms)",
        ["what", "p50 ms", "p95 ms", "x bare cycle (p50)"],
        [
            ["bare ticket cycle (baseline)", b50, b95, 1.0],
            ["journey: what the clerk waits for", w50, w95, w50 / b50],
            ["journey: all its work done (prints, settlement)", j50, j95, j50 / b50],
        ],
    )


if __name__ == "__main__":
    run()
