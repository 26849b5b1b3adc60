"""A restore fetching entries back over a link that cuts and resets connections (a
fault-injecting proxy between the window and the real HQ): each attempt either restores
the whole of HQ's copy or is refused with the store left exactly as it was, and the next
attempt gets through. A page cut short is never taken for a shorter page."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from counter_app.cli import main
from counter_app.services.clock import SimulatedClock
from counter_app.services.simulate import first_simulated_day, simulate
from tests.helpers import open_window, route_through
from tests.integration.test_restore import chain, digest, wreck
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.hq_server import RunningHq

WINDOW = "ASW-0101-W01"


def faults() -> Callable[[], Fault]:
    """Per connection, in order (each HQ call tries four connections at most): the first
    restore's head call fails on all four; the second's head gets through and its page
    is cut mid-answer, mid-request or reset four times; the third's page is cut once,
    then the link holds."""
    planned = iter(
        [Fault("reset")] * 4
        + [Fault()]
        + [Fault("cut_down", 5000), Fault("cut_down", 20000), Fault("cut_up", 50), Fault("reset")]
        + [Fault(), Fault("cut_down", 30000)]
    )
    return lambda: next(planned, Fault())


def through(backup: Path, url: str) -> None:
    """The backup's enrolment names the proxy as HQ's address (its journal untouched)."""
    conn = sqlite3.connect(backup)
    try:
        (text,) = conn.execute(
            "SELECT value FROM store_facts WHERE key = 'sync.enrolment'"
        ).fetchone()
        conn.execute(
            "UPDATE store_facts SET value = ? WHERE key = 'sync.enrolment'",
            (json.dumps({**json.loads(text), "hq_url": url}),),
        )
        conn.commit()
    finally:
        conn.close()


@pytest.mark.parametrize("hq", ["sqlite"], indirect=True)
def test_a_restore_over_a_failing_link_restores_all_or_nothing(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "window"
    clock = SimulatedClock(datetime.now(UTC))
    ctx = open_window(root, window=1, clock=clock)
    start = first_simulated_day(ctx, 2)
    ctx.sync.enroll(hq.url, hq.enroll_code(1))
    ctx.session.sign_in("mona", "1234")
    ctx.sync.sync_once()
    assert main(["--profile", str(root), "backup", "--to", str(tmp_path / "backups")]) == 0
    backup = next((tmp_path / "backups").glob("counter-*.db"))
    simulate(ctx, clock, days=1, seed=51, start=start)
    ctx.sync.sync_once()
    at_hq = chain(ctx)
    ctx.close()
    proxy = FaultProxy(hq.port, schedule=faults())
    through(backup, proxy.url)
    store = root / "counter.db"

    refused = 0
    for _attempt in range(5):
        wreck(store)
        before = digest(store)
        capsys.readouterr()
        code = main(["--profile", str(root), "restore", str(backup)])
        if code == 0:
            break
        said = capsys.readouterr().err
        assert code == 2 and "HQ could not be asked" in said, said
        assert digest(store) == before  # refused: nothing changed
        assert not list(root.glob("counter.db.restoring*"))
        refused += 1
    else:
        pytest.fail("no restore got through 5 attempts")
    proxy.close()
    assert refused == 2  # as planned: the link's faults reached the restore

    ctx = open_window(root, window=1, clock=clock)
    assert chain(ctx)[: len(at_hq)] == at_hq and len(chain(ctx)) == len(at_hq) + 1
    route_through(ctx, hq.url)  # the link mended
    ctx.sync.sync_once()
    assert hq.journal_rows(WINDOW) == chain(ctx)
    ctx.close()
