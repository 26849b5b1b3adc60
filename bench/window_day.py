"""A long day through the real counter window, offscreen: does memory stay flat?

Eight simulated "hours" of a very busy window (1,250 citizens an hour, each a ticket,
a call, an identity, served, and the queue read back; tickets printed now and then, a
stalling printer for a stretch), with the resident memory after each hour. The aim:
the end of the day at most 1.10 times the start (after a warm-up of 50 citizens).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import keyring

from bench.table import print_table
from counter_app.services.demo import open_demo_workstation
from counter_app.services.profile import Profile
from counter_app.ui.app import prepare_application
from counter_app.ui.main_window import MainWindow
from tests.conftest import MemoryKeyring
from tests.support.window_day import drive_day, rss_kib, wait_until

HOURS = 8
PER_HOUR = 1_250


def run() -> None:
    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        profile = Profile(Path(tmp) / "p")
        ctx = open_demo_workstation(profile, log_to_file=False)
        prepare_application("ar")
        window = MainWindow(ctx, "ar")
        window.confirm_close = lambda: True  # type: ignore[method-assign]
        window.resize(1366, 768)
        window.show()
        window.sign_in.username.setText("mona")
        window.sign_in.pin.setText("1234")
        window.sign_in.pin.returnPressed.emit()
        wait_until(lambda: window.pages.currentIndex() == 1)
        hourly: list[tuple[int, int]] = []
        day = drive_day(
            window,
            HOURS * PER_HOUR,
            seed=1,
            stall=(PER_HOUR, PER_HOUR + 40),
            every_cycles=(PER_HOUR, lambda done: hourly.append((done, rss_kib()))),
        )
        window.close()
        ctx.close()
    rows: list[list[object]] = [
        [f"hour {i}", done, kib / 1024, kib / day.rss_start_kib]
        for i, (done, kib) in enumerate(hourly)
    ]
    rows.append(["end", day.cycles, day.rss_end_kib / 1024, day.growth])
    print_table(
        f"A long day through the real window: {day.cycles:,} citizens, {day.submitted:,} "
        f"operations, {day.events:,} events in {day.seconds:.0f} s (aim: end <= 1.10 x start)",
        ["when", "citizens done", "RSS MiB", "x start"],
        rows,
    )
