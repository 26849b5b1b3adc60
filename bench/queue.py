"""The office queue: what a clerk waits for when the queue is on the office's host.

A window calls and finishes tickets against its own store (the baseline: a standalone
window) and against a queue host on 127.0.0.1 (signed requests over HTTP, the host's
store), in the same run; the kiosk issues tickets both ways; a spoken call is rendered
from the clips; a day of ticket entries is replayed into figures (what HQ does per office).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import keyring

from bench.table import p50_p95, print_table
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_CLERK
from peripherals.speaker import Announcement, ClipLibrary
from tests.conftest import MemoryKeyring
from tests.integration.test_queue_host import office_window
from tests.support.hq_server import RunningHq, free_port

RUNS = int(os.environ.get("QUEUE_RUNS", "300"))


def _serve(ctx: AppContext, issuer: AppContext, runs: int) -> tuple[list[float], list[float]]:
    issued, served = [], []
    for _ in range(runs):
        started = time.perf_counter()
        issuer.queue.issue_ticket("T", kiosk=True)
        issued.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        ctx.queue.call_next()
        ctx.queue.finish_current()
        served.append((time.perf_counter() - started) * 1000)
    return issued, served


def run() -> None:
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        hq = RunningHq(root, f"sqlite:///{root / 'hq.sqlite3'}")
        hq.add_office()
        hq.start_without_tick()
        port = free_port()
        try:
            host = office_window(root / "host", 1, "host", port, hq)
            window = office_window(root / "w2", 2, "window", port, hq)
            alone = office_window(root / "alone", 3, "standalone", port, hq)
            for ctx in (host, window, alone):
                ctx.session.sign_in(DEMO_CLERK[0], DEMO_CLERK[3])
                ctx.shifts.open_shift()
            base_issue, base_serve = _serve(alone, alone, RUNS)
            host_issue, host_serve = _serve(window, window, RUNS)
            started = time.perf_counter()
            report = host.queue.figures()
            figures_ms = (time.perf_counter() - started) * 1000
            for ctx in (host, window, alone):
                ctx.close()
        finally:
            hq.stop()
    library = ClipLibrary()
    renders = []
    for n in range(1, 101):
        started = time.perf_counter()
        library.render(Announcement("م", n * 37, n % 9 + 1))
        renders.append((time.perf_counter() - started) * 1000)
    bi, bi95 = p50_p95(base_issue)
    bs, bs95 = p50_p95(base_serve)
    hi, hi95 = p50_p95(host_issue)
    hs, hs95 = p50_p95(host_serve)
    rr, rr95 = p50_p95(renders)
    print_table(
        f"The office queue, {RUNS} tickets each way (queue host on 127.0.0.1)",
        ["what", "p50 ms", "p95 ms", "x standalone (p50)"],
        [
            ["standalone window: issue a ticket (baseline)", bi, bi95, 1.0],
            ["window via the host: issue a ticket", hi, hi95, hi / bi],
            ["standalone window: call next and finish (baseline)", bs, bs95, 1.0],
            ["window via the host: call next and finish", hs, hs95, hs / bs],
            ["a spoken call rendered from the clips", rr, rr95, rr / bs],
        ],
    )
    print(f"figures of the host's day ({report['tickets']} tickets): {figures_ms:.1f} ms")


if __name__ == "__main__":
    run()
