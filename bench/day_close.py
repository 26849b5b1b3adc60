"""Closing the business day on a store holding a year of one window's work, against a
store holding only that day, in the same run.

Both stores end with the same simulated day (seed 5: about 970 entries). The year's store
first holds about 200,000 journal entries before it: the entries of that simulated day
replayed through the recorder for each earlier business day (chained, hashed and dated
as the window would write them; the business tables hold only what the simulated days
wrote), and its previous day closed as a working window's would be, so the journal's
checkpoint is where a year of closes would have left it. The close is measured offline
(the window is not enrolled): every local step runs, the end-of-day sync is measured by
the sync benchmark. Each step's time comes from the close's own progress calls.

Two steps read the whole store by nature (the integrity check and the backup): the last
row does that same work with bare sqlite3 on the year's store, the floor for those two.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.table import print_table
from counter_app.services.clock import SimulatedClock
from counter_app.services.context import AppContext
from counter_app.services.day_close import STEPS
from counter_app.services.demo import open_demo_workstation
from counter_app.services.profile import Profile
from counter_app.services.recorder import Recorder
from counter_app.services.simulate import simulate

TARGET_ENTRIES = 200_000
SEED = 5
Template = list[tuple[str, dict[str, object], str]]


def _open(root: Path, start: datetime) -> tuple[AppContext, SimulatedClock]:
    clock = SimulatedClock(start)
    return open_demo_workstation(Profile(root), clock=clock, log_to_file=False), clock


def _simulated_day(ctx: AppContext, clock: SimulatedClock, day: date) -> Template:
    simulate(ctx, clock, days=1, seed=SEED, start=day)
    with ctx.db.read() as tx:
        entries = list(tx.journal.on_day(day.isoformat()))
    return [(e.entry_type, json.loads(e.payload), e.clerk) for e in entries]


def _replay(ctx: AppContext, clock: SimulatedClock, template: Template, days: list[date]) -> None:
    """Each day's entries as the recorder writes them, one transaction a day."""
    for day in days:
        clock.set(datetime(day.year, day.month, day.day, 6, tzinfo=UTC))

        def work(rec: Recorder) -> None:
            for entry_type, payload, clerk in template:
                clock.advance(20)
                rec.record(entry_type, payload, clerk)

        ctx.uow.run(work)


def _close(ctx: AppContext, day: date) -> tuple[float, dict[str, float], str]:
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    state = ctx.day_close.close_day(
        lambda step, _d, _t: marks.append((step, time.perf_counter())), day.isoformat()
    )
    end = time.perf_counter()
    steps: dict[str, float] = {}
    for (step, began), (_next, until) in zip(marks, [*marks[1:], ("", end)], strict=True):
        steps[step] = steps.get(step, 0.0) + until - began
    return end - start, steps, state.status


def _raw_floor(store: Path, copy: Path) -> float:
    """The whole-store work a close must do, by bare sqlite3: integrity_check, then a
    backup API copy and its quick_check."""
    start = time.perf_counter()
    source = sqlite3.connect(store)
    source.execute("PRAGMA integrity_check").fetchone()
    target = sqlite3.connect(copy)
    source.backup(target)
    target.execute("PRAGMA quick_check").fetchone()
    target.close()
    source.close()
    return time.perf_counter() - start


def _head(ctx: AppContext) -> int:
    with ctx.db.read() as tx:
        return tx.journal.head()[0]


def run() -> None:
    today = datetime.now(UTC).date()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        day = today - timedelta(days=1)
        empty, clock = _open(folder / "empty", datetime.now(UTC))
        # The day-only figure: the median of three closes, each of a store holding only
        # a day or three of work.
        closes = []
        for back in (3, 2, 1):
            template = _simulated_day(empty, clock, today - timedelta(days=back))
            closes.append(_close(empty, today - timedelta(days=back)))
        small = sorted(closes, key=lambda c: c[0])[1]
        small_entries = len(template)
        empty.close()

        history_days = TARGET_ENTRIES // len(template)
        first = day - timedelta(days=history_days + 1)
        year, clock = _open(folder / "year", datetime.now(UTC))
        built = time.perf_counter()
        _replay(year, clock, template, [first + timedelta(days=n) for n in range(history_days)])
        built = time.perf_counter() - built
        last_history = first + timedelta(days=history_days - 1)
        year.day_close.close_day(day=last_history.isoformat())  # the previous close
        simulate(year, clock, days=1, seed=SEED, start=day)
        large = _close(year, day)
        large_entries = _head(year)
        size_mb = (folder / "year" / "counter.db").stat().st_size / 1e6
        year.close()
        floor = _raw_floor(folder / "year" / "counter.db", folder / "raw-copy.db")

    rows: list[tuple[object, ...]] = []
    for name, entries, (total, steps, status) in (
        ("a day only (median of 3)", small_entries, small),
        ("a year before it", large_entries, large),
    ):
        rows.append(
            (
                name,
                entries,
                status,
                *(steps.get(step, 0.0) for step in STEPS[1:5]),
                total,
                total / small[0],
            )
        )
    rows.append(("bare sqlite3, the year's store", large_entries, "-", "", "", "", "", floor, ""))
    print_table(
        f"Day close, offline (store of {size_mb:,.0f} MB after a year; history written in "
        f"{built:,.0f} s)",
        [
            "store",
            "entries",
            "status",
            "mark s",
            "integrity s",
            "journal s",
            "backup s",
            "total s",
            "vs day only",
        ],
        rows,
    )
