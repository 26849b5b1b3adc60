"""HQ past what it can take: a push it cannot start soon is answered 503 with Retry-After
(not left to time out), the windows' clients wait and send again, and HQ ends holding
every window's entries exactly once."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from sync.client import HqUnavailable
from tests.integration.test_sync import local_chain, simulated_window
from tests.support.hq_server import RunningHq

WINDOWS = 3


def test_a_full_hq_answers_503_with_retry_after_and_every_entry_arrives_once(
    hq: RunningHq, tmp_path: Path
) -> None:
    log = tmp_path / "access.log"
    hq.stop()
    # One push at a time and none waiting: three windows syncing at once overflow it.
    hq.start(tick_s=0, access_log=log, extra=["--pushes", "1", "--push-queue", "0"])
    windows = [
        simulated_window(tmp_path / f"w{n}", window=n, seed=n) for n in range(1, WINDOWS + 1)
    ]
    for n, ctx in enumerate(windows, start=1):
        ctx.sync.enroll(hq.url, hq.enroll_code(n))
    start = threading.Barrier(WINDOWS)
    offline: list[int] = []

    def sync(ctx: object) -> None:
        start.wait()
        for _ in range(30):  # the window's scheduler: the next sync after an offline one
            try:
                ctx.sync.sync_once()  # type: ignore[attr-defined]
                return
            except HqUnavailable:
                offline.append(1)
        raise AssertionError("the window never got through")

    threads = [threading.Thread(target=sync, args=(ctx,)) for ctx in windows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for ctx in windows:
        assert hq.journal_rows(ctx.config.workstation_id) == local_chain(ctx)
        ctx.close()
    lines = log.read_text().splitlines()
    statuses = [int(m.group(1)) for m in (re.search(r'" (\d{3}) ', x) for x in lines) if m]
    refused = [x for x in lines if '"POST /v1/journal' in x and '" 503 ' in x]
    assert refused, "no push was refused: the test did not overflow HQ"
    assert all(s < 500 or s == 503 for s in statuses)  # busy, never broken
