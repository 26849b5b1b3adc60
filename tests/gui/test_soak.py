"""A working day through the real window: thousands of operations and events crossing
threads, a stalling printer and syncs with a real HQ. No abort, every result delivered
exactly once, and the memory the day took is printed (`pytest -k soak -s`)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from counter_app.services.demo import open_demo_workstation
from counter_app.services.profile import Profile
from tests.gui.conftest import show_window
from tests.gui.test_main_window import sign_in
from tests.support.hq_server import RunningHq
from tests.support.window_day import drive_day

pytestmark = pytest.mark.gui


def with_receipt_timeout(root: Path, seconds: float) -> Profile:
    profile = Profile(root)
    ctx = open_demo_workstation(profile, log_to_file=False)
    ctx.close()
    text = profile.config_path.read_text(encoding="utf-8")
    profile.config_path.write_text(
        text.replace("width_px = 576", f"width_px = 576\ntimeout_s = {seconds}"), encoding="utf-8"
    )
    return profile


def test_soak_a_working_day_through_the_real_window(
    qtbot: QtBot, hq: RunningHq, tmp_path: Path
) -> None:
    seed = int(os.environ.get("SOAK_SEED", random.randrange(2**31)))
    print(f"soak seed {seed}")
    profile = with_receipt_timeout(tmp_path / "w", 0.3)
    ctx = open_demo_workstation(profile, log_to_file=False)
    ctx.sync.enroll(hq.url, hq.enroll_code())
    ctx.sync.start_background()
    window = show_window(qtbot, ctx, "ar")
    try:
        sign_in(qtbot, window, "mona", "1234")
        qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=5000)
        day = drive_day(window, 1_600, seed=seed, stall=(400, 460))
        print(
            f"soak: {day.cycles} citizens, {day.submitted} operations, {day.events} events, "
            f"{day.keyboard_tickets} printed tickets, {day.syncs} syncs in {day.seconds:.1f} s; "
            f"RSS {day.rss_start_kib / 1024:.1f} -> {day.rss_end_kib / 1024:.1f} MiB "
            f"(x{day.growth:.3f})"
        )
        assert day.operations_and_events >= 20_000
        # Every operation answered once: none lost, none twice.
        assert day.refused == 0
        assert set(day.delivered) == set(range(day.submitted))
        assert all(n == 1 for n in day.delivered.values())
        # The store agrees with what the window was told.
        with ctx.db.read() as tx:
            finished = sum(
                1
                for e in tx.journal.entries()
                if e.entry_type in ("ticket.served", "ticket.no_show")
            )
        assert finished >= day.cycles
    finally:
        window.close()
        ctx.close()
