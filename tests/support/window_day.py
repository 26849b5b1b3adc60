"""A working day driven through the real counter window: the soak test and the bench.

Each cycle is one citizen: a kiosk ticket, the call, the national ID, served, and the
snapshot the queue panel reads; every so often the clerk presses F4 (a ticket that
prints), asks for a sync, and for a stretch the printer stalls. Every operation carries
a token, so the driver can tell that each result was delivered exactly once.
"""

from __future__ import annotations

import os
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from counter_app.ui.main_window import MainWindow
from peripherals.receipt_printer import SimulatedReceiptPrinter

NATIONAL_IDS = ("29001012801235", "30105150100045", "28512311401362", "29907072103328")


def rss_kib() -> int:
    """The process's resident memory now (KiB); the peak where /proc is not there."""
    try:
        with open(f"/proc/{os.getpid()}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


@dataclass
class DayCounts:
    cycles: int = 0
    submitted: int = 0
    delivered: Counter[int] = field(default_factory=Counter)
    refused: int = 0
    keyboard_tickets: int = 0
    syncs: int = 0
    events: int = 0
    rss_start_kib: int = 0
    rss_end_kib: int = 0
    seconds: float = 0.0

    @property
    def operations_and_events(self) -> int:
        return sum(self.delivered.values()) + self.refused + self.events

    @property
    def growth(self) -> float:
        return self.rss_end_kib / self.rss_start_kib if self.rss_start_kib else 0.0


def wait_until(predicate: Callable[[], bool], timeout_s: float = 60.0) -> None:
    """Run the event loop until `predicate()` holds (the bench has no qtbot)."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not settle")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)


def drive_day(
    window: MainWindow,
    cycles: int,
    *,
    seed: int,
    warm_up: int = 50,
    settle_every: int = 25,
    print_every: int = 20,
    sync_every: int = 100,
    stall: tuple[int, int] | None = None,
    every_cycles: tuple[int, Callable[[int], None]] | None = None,
) -> DayCounts:
    """Run `cycles` citizens through `window` (signed in); returns what was counted."""
    rng = random.Random(seed)
    counts = DayCounts()
    printer = window.ctx.receipt_printer
    ops = window.ops

    def mark(token: int) -> Callable[[Any], None]:
        return lambda _result: counts.delivered.update([token])

    def refused(_error: Exception) -> None:
        counts.refused += 1

    def submit(call: Callable[[Any], Any], *, read: bool = False) -> None:
        token = counts.submitted
        counts.submitted += 1
        if read:
            ops.query(call, success=mark(token), failure=refused)
        else:
            ops.run(call, success=mark(token), failure=refused)

    def settle() -> None:
        wait_until(lambda: not ops.busy())

    events_before = window.bridge.delivered
    started = time.perf_counter()
    for cycle in range(warm_up + cycles):
        if cycle == warm_up:  # caches, imports and the first renders are not growth
            settle()
            counts.rss_start_kib = rss_kib()
            events_before = window.bridge.delivered
            counts.submitted, counts.refused = 0, 0
            counts.delivered.clear()
            started = time.perf_counter()
        nid = rng.choice(NATIONAL_IDS)
        submit(lambda c: c.queue.issue_ticket("T", kiosk=True))
        submit(lambda c: c.queue.call_next())
        submit(lambda c, nid=nid: c.identity.capture_national_id(nid))
        submit(lambda c: c.queue.finish_current("served" if rng.random() > 0.06 else "no_show"))
        submit(lambda c: c.queue.snapshot(), read=True)
        if stall is not None and isinstance(printer, SimulatedReceiptPrinter):
            if cycle == stall[0]:
                printer.set_fault("stall")
            elif cycle == stall[1]:
                printer.set_fault(None)
        if cycle % print_every == 0:
            QTest.keyClick(window, Qt.Key.Key_F4)  # the clerk's own ticket, with paper
            counts.keyboard_tickets += 1
        if sync_every and cycle % sync_every == 0 and window.ctx.sync.enrolment() is not None:
            submit(lambda c: c.sync.sync_now())
            counts.syncs += 1
        if cycle % settle_every == 0:
            settle()
        if (
            every_cycles is not None
            and cycle >= warm_up
            and (cycle - warm_up) % every_cycles[0] == 0
        ):
            settle()
            every_cycles[1](cycle - warm_up)
    settle()
    if isinstance(printer, SimulatedReceiptPrinter):
        printer.set_fault(None)
    counts.cycles = cycles
    counts.seconds = time.perf_counter() - started
    counts.events = window.bridge.delivered - events_before
    counts.rss_end_kib = rss_kib()
    return counts
