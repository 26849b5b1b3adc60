"""Bytes on the wire per journal entry, and a push over a slow rural link.

A simulated window pushes its journal to a real HQ (subprocess on 127.0.0.1) through a
throttling proxy: 64 kbit/s each way, 300 ms round trip. The baseline is the link's own
limit for the bytes that crossed it (bytes x 8 / bandwidth), measured in the same run.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import keyring

from bench.table import print_table
from counter_app.services.clock import SimulatedClock
from counter_app.services.context import AppContext
from counter_app.services.simulate import first_simulated_day, simulate
from tests.conftest import MemoryKeyring
from tests.helpers import open_window, route_through
from tests.support.fault_proxy import FaultProxy
from tests.support.hq_server import RunningHq

BANDWIDTH_BPS = 64_000
RTT_S = 0.300
ENTRIES = 1000


def _window(root: Path, hq: RunningHq, window: int) -> AppContext:
    clock = SimulatedClock(datetime.now(UTC))
    ctx = open_window(root, window=window, clock=clock)
    simulate(ctx, clock, days=2, seed=21, start=first_simulated_day(ctx, 2))
    ctx.session.sign_in("mona", "1234")
    while ctx.uow.waiting_to_sync() < ENTRIES - 1:  # the enrolment entry makes it 1,000
        ctx.queue.issue_ticket("T", kiosk=True)
    ctx.sync.enroll(hq.url, hq.enroll_code(window=window))
    ctx.sync.batch_size = 1000
    return ctx


def _push(ctx: AppContext, proxy: FaultProxy, label: str, throttled: bool) -> tuple[object, ...]:
    route_through(ctx, proxy.url)
    waiting = ctx.uow.waiting_to_sync()
    start = time.perf_counter()
    sent, _ = ctx.sync.push_only()
    elapsed = time.perf_counter() - start
    assert sent == waiting
    total_bytes = proxy.bytes_up + proxy.bytes_down
    limit = total_bytes * 8 / BANDWIDTH_BPS
    return (
        label,
        sent,
        proxy.bytes_up,
        proxy.bytes_down,
        proxy.bytes_up / sent,
        elapsed,
        limit if throttled else "-",
        elapsed / limit if throttled else "-",
    )


def run() -> None:
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hq = RunningHq(folder, f"sqlite:///{folder / 'hq.sqlite3'}")
        hq.add_office()
        hq.start()
        try:
            fast = _window(folder / "w1", hq, 1)
            plain = FaultProxy(hq.port)
            rows = [_push(fast, plain, "loopback, no limit", throttled=False)]
            plain.close()
            fast.close()
            slow = _window(folder / "w2", hq, 2)
            link = FaultProxy(hq.port, bandwidth_bps=BANDWIDTH_BPS, one_way_delay_s=RTT_S / 2)
            rows.append(_push(slow, link, "64 kbit/s, 300 ms RTT", throttled=True))
            link.close()
            slow.close()
        finally:
            hq.stop()
    print_table(
        "Journal push: bytes on the wire per entry, and time against the link's own limit",
        [
            "link",
            "entries",
            "bytes up",
            "bytes down",
            "bytes/entry up",
            "seconds",
            "limit s (bytes/bw)",
            "vs limit",
        ],
        rows,
    )
