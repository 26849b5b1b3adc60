"""Sync through a faulty link, and with HQ killed mid-push: every entry arrives exactly once.

A fault-injecting proxy sits between the window and HQ. Each connection may be cut
after N bytes in either direction, reset, or stalled past the read timeout; schedules
are random from a printed seed (SYNC_FAULT_SEED=<n> repeats one). After the link
behaves again, HQ must hold every entry once, with the window's hashes, and no alarm.
"""

from __future__ import annotations

import os
import random
import threading
from pathlib import Path

import pytest

from counter_app.services.context import AppContext
from counter_app.services.sync import SyncProblem
from sync.client import HqRefused, HqUnavailable
from tests.helpers import route_through
from tests.integration.test_sync import local_chain, simulated_window
from tests.support.fault_proxy import Fault, FaultProxy, random_faults
from tests.support.hq_server import RunningHq

pytestmark = pytest.mark.reliability
WS = "ASW-0101-W01"


def fast_timeouts(ctx: AppContext) -> AppContext:
    """Short timeouts so that stalls cost a second, not fifteen."""
    config = ctx.profile.config_path
    text = config.read_text(encoding="utf-8")
    text = text.replace("read_timeout_s = 15", "read_timeout_s = 1").replace(
        "connect_timeout_s = 3.05", "connect_timeout_s = 1"
    )
    config.write_text(text, encoding="utf-8")
    profile = ctx.profile
    ctx.close()
    reopened = AppContext.open(profile, log_to_file=False)
    reopened.sync.batch_size = 60
    return reopened


def sync_until_done(ctx: AppContext, tries: int = 60) -> int:
    failures = 0
    for _ in range(tries):
        try:
            ctx.sync.sync_once()
            return failures
        except (HqUnavailable, HqRefused, SyncProblem):
            failures += 1
    raise AssertionError(f"sync did not complete in {tries} tries")


def test_random_link_faults_deliver_every_entry_exactly_once(hq: RunningHq, tmp_path: Path) -> None:
    base_seed = int(os.environ.get("SYNC_FAULT_SEED", random.randrange(2**31)))
    print(f"sync fault seed {base_seed}")
    total_faults = 0
    for run in range(4):
        seed = base_seed + run
        ctx = fast_timeouts(simulated_window(tmp_path / f"w{run}", seed=seed, window=run + 1))
        ws = ctx.config.workstation_id
        ctx.sync.enroll(hq.url, hq.enroll_code(window=run + 1))
        proxy = FaultProxy(hq.port, schedule=random_faults(random.Random(seed), 0.5))
        route_through(ctx, proxy.url)
        try:
            sync_until_done(ctx)
            assert proxy.faults, f"seed {seed}: the first connection is always faulty"
            total_faults += len(proxy.faults)
            # A second, clean sync sends the bundle entries the first one recorded.
            proxy.schedule = Fault
            sync_until_done(ctx)
        finally:
            proxy.close()
        assert hq.journal_rows(ws) == local_chain(ctx), f"seed {seed}"
        ctx.close()
    assert hq.service.tamper_alarms() == []
    assert total_faults > 0, "the schedule should have injected faults"


def test_hq_killed_and_restarted_mid_push(hq: RunningHq, tmp_path: Path) -> None:
    ctx = fast_timeouts(simulated_window(tmp_path / "w", days=2))
    ctx.sync.enroll(hq.url, hq.enroll_code())
    # A slow link, so the push is still going when HQ dies.
    proxy = FaultProxy(hq.port, bandwidth_bps=400_000)
    route_through(ctx, proxy.url)
    outcome: list[object] = []
    pushing = threading.Thread(target=lambda: outcome.append(_try_sync(ctx)))
    pushing.start()
    try:
        deadline_rows = 120
        import time

        limit = time.monotonic() + 60
        while len(hq.journal_rows(WS)) < deadline_rows:  # wait for a condition, with a bound
            assert time.monotonic() < limit, "HQ never received the first batches"
            time.sleep(0.02)
        hq.kill()
        pushing.join(120)
        assert outcome and outcome[0] is not None  # the interrupted sync reported a failure
        held_at_kill = len(hq.journal_rows(WS))
        assert 0 < held_at_kill < len(local_chain(ctx))
        hq.start()
        sync_until_done(ctx)
        sync_until_done(ctx)
    finally:
        proxy.close()
    assert hq.journal_rows(WS) == local_chain(ctx)
    assert hq.service.tamper_alarms() == []
    ctx.close()


def _try_sync(ctx: AppContext) -> Exception | None:
    try:
        ctx.sync.sync_once()
    except (HqUnavailable, HqRefused, SyncProblem) as exc:
        return exc
    return None
