"""`hq-server serve --workers N`: several processes answer on one port and share the
database; windows syncing at once through them leave HQ holding each entry once, and a
worker killed is replaced while the others answer."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.integration.test_sync import local_chain, simulated_window
from tests.support.hq_server import RunningHq


def workers_of(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in children.read_text().split()} if children.exists() else set()


def wait_for_workers(pid: int, count: int) -> set[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # uvicorn's supervisor spawns its workers (and a resource tracker, not counted).
        found = {p for p in workers_of(pid) if "spawn_main" in _cmdline(p)}
        if len(found) >= count:
            return found
        time.sleep(0.1)  # polling the process table for the supervisor's restart
    raise AssertionError(f"{count} workers did not appear: {workers_of(pid)}")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_two_workers_share_the_database_and_a_killed_one_is_replaced(
    hq: RunningHq, tmp_path: Path
) -> None:
    hq.stop()
    hq.start(tick_s=0, workers=2)
    assert hq.proc is not None
    first = wait_for_workers(hq.proc.pid, 2)
    windows = [simulated_window(tmp_path / f"w{n}", window=n, seed=n) for n in (1, 2, 3)]
    for n, ctx in enumerate(windows, start=1):
        ctx.sync.enroll(hq.url, hq.enroll_code(n))
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda ctx: ctx.sync.sync_once(), windows))
    for ctx in windows:
        assert hq.journal_rows(ctx.config.workstation_id) == local_chain(ctx)

    victim = sorted(first)[0]
    os.kill(victim, signal.SIGKILL)
    assert requests.get(f"{hq.url}/v1/health", timeout=5).ok  # the other one answers
    replaced = wait_for_workers(hq.proc.pid, 2)
    assert victim not in replaced
    for ctx in windows:
        ctx.sync.sync_once()
        assert hq.journal_rows(ctx.config.workstation_id) == local_chain(ctx)
        ctx.close()
