"""The end-of-day burst (`make bench-burst`): the whole country's windows closing at once.

One asyncio load generator on loopback. Each simulated window arrives at its moment in
the span (spread evenly), enrols, asks for its head, then pushes its day of 500 entries
(gzip, as the window's client sends them), every call through an emulated 64 kbit/s link
with 150 ms each way (bench/shaped_link.py). A 503 or 429 is waited out as its
`Retry-After` says; a call HQ does not answer within the client's 15 s read timeout is a
timeout and is sent again. HQ is `hq-server serve --workers 2` (BURST_WORKERS) on
PostgreSQL on the same 2-core machine as the generator and the database.

Rows: the design peak (10,000 windows over 300 s, about 16,700 entries/s), and an
overload offered at least twice what HQ achieved (the same windows over 60 s). After
each, HQ must hold every window's 500 entries exactly once. The baseline is raw `COPY`
of the same entries, one transaction a window, in the same run.

BURST_WINDOWS and BURST_SPAN_S scale the design row down for a quick look; BURST_WORKERS
and BURST_HQ_ARGS (e.g. "--pushes 4") try other settings of HQ.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import multiprocessing
import os
import resource
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from bench.hq_ingest import BENCH_START, ENTRIES_PER_WINDOW, _body, _journal
from bench.shaped_link import Link, LinkTimeout, address_of, call
from bench.table import print_table
from counter_app.domain.journal import workstation_name
from hq.bulk import JOURNAL_COLUMNS
from hq.partitions import ensure_days
from sync.protocol import WIRE_FIELDS, enrol_request
from tests.support import hq_server
from tests.support.hq_server import RunningHq

WINDOWS = int(os.environ.get("BURST_WINDOWS", "10000"))
SPAN_S = float(os.environ.get("BURST_SPAN_S", "300"))
OVERLOAD_SPAN_S = SPAN_S / 5
WORKERS = int(os.environ.get("BURST_WORKERS", "2"))
HQ_ARGS = os.environ.get("BURST_HQ_ARGS", "").split()  # e.g. "--pushes 4"
WINDOWS_PER_OFFICE = 2
LINK = Link()
DEADLINE_S = 900  # after the last arrival: a window not done by then has failed


@dataclass
class Tally:
    pushes: list[tuple[float, float]] = field(default_factory=list)  # (took, link)
    calls: list[tuple[float, float]] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    timeouts: int = 0
    resets: int = 0
    failed: int = 0
    first: float = 0.0
    last: float = 0.0


def _office(index: int) -> tuple[str, int]:
    return f"B{index // WINDOWS_PER_OFFICE:05d}", index % WINDOWS_PER_OFFICE + 1


def _window_body(index: int) -> bytes:
    office, window = _office(index)
    workstation = workstation_name(office, window)
    return _body(workstation, _journal(workstation))


def build_bodies(windows: int) -> list[bytes]:
    """Every window's day, built before the clock starts (on both cores)."""
    with multiprocessing.get_context("fork").Pool(2) as pool:
        return pool.map(_window_body, range(windows), chunksize=100)


def _setup(hq: RunningHq, windows: int) -> list[bytes]:
    """Offices and enrolment codes (HQ's staff did this weeks before), and each window's key."""
    plan = []
    for index in range(windows):
        office, window = _office(index)
        if window == 1:
            hq.service.add_office(office, f"Office {office}", "Giza")
        code = hq.service.make_enroll_code(office, window, valid_for=timedelta(days=1))
        # The request as a window sends it: with its key's proof, so a resend after a
        # lost answer is taken (hq/enrolment.py).
        plan.append(enrol_request(code, Ed25519PrivateKey.generate()).model_dump_json().encode())
    return plan


async def _retrying(
    tally: Tally,
    index: int,
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
) -> tuple[bytes, float]:
    """The call until HQ takes it, as the window's client would keep trying; HQ's answer
    and the link's own time for it."""
    pause = 0.5
    while True:
        try:
            answer = await call(LINK, port, address_of(index), method, path, headers, body)
        except LinkTimeout:
            tally.timeouts += 1
        except (ConnectionError, asyncio.IncompleteReadError):
            tally.resets += 1
        else:
            tally.statuses[answer.status] = tally.statuses.get(answer.status, 0) + 1
            tally.calls.append((answer.took_s, answer.link_s))
            if answer.status == 200:
                return answer.body, answer.link_s
            if answer.status not in (429, 503):
                raise RuntimeError(f"{path}: {answer.status} {answer.body[:200]!r}")
            said = answer.headers.get("retry-after", "")
            if said.isdigit():
                await asyncio.sleep(float(said))
                continue
        await asyncio.sleep(pause)
        pause = min(pause * 2, 30.0)


async def _window(
    tally: Tally, index: int, port: int, at: float, enrolment: bytes, body: bytes
) -> None:
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    json_headers = {"Content-Type": "application/json"}
    answer, _ = await _retrying(
        tally,
        index,
        port,
        "POST",
        "/v1/enroll",
        json_headers,
        enrolment,
    )
    enrolled = json.loads(answer)
    auth = {"Authorization": f"Bearer {enrolled['token']}"}
    await _retrying(tally, index, port, "GET", "/v1/journal/head", auth, b"")
    push_headers = {**auth, **json_headers, "Content-Encoding": "gzip"}
    # The push as the window lives it: from its first try to HQ's answer, retries included.
    began = time.perf_counter()
    _, link_s = await _retrying(tally, index, port, "POST", "/v1/journal", push_headers, body)
    tally.pushes.append((time.perf_counter() - began, link_s))
    tally.last = max(tally.last, time.perf_counter())


async def _burst(port: int, plan: list[bytes], bodies: list[bytes], span: float) -> Tally:
    tally = Tally(first=time.perf_counter())
    start = tally.first + 1.0
    step = span / len(plan)
    jobs = [
        asyncio.create_task(_window(tally, i, port, start + i * step, plan[i], bodies[i]))
        for i in range(len(plan))
    ]
    done, pending = await asyncio.wait(jobs, timeout=span + DEADLINE_S)
    for job in pending:
        job.cancel()
    failures = [job.exception() for job in done if job.exception() is not None]
    tally.failed = len(pending) + len(failures)
    for reason in {str(failure)[:160] for failure in failures}:
        print(f"  a window failed: {reason}", flush=True)
    tally.first = start
    return tally


def _cpu_s(pids: list[int], reaped: bool = False) -> float:
    """CPU seconds of `pids`; with `reaped`, also of their children that have exited (the
    database's backends that closed during the run count in their postmaster's)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
        if reaped:
            total += int(fields[13]) + int(fields[14])  # cutime + cstime
    return total / os.sysconf("SC_CLK_TCK")


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _family(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(p) for p in children.read_text().split()] if children.exists() else []
    return [pid, *kids]


def _postgres_pids() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _measure(
    label: str, plan_windows: int, span: float, bodies: list[bytes], folder: Path
) -> tuple[list[object], float]:
    url, name = hq_server.fresh_postgres_database()
    try:
        hq = RunningHq(folder, url)
        ensure_days(hq.engine, BENCH_START.date(), 1)  # as HQ makes it ahead of the day
        plan = _setup(hq, plan_windows)
        hq.start(tick_s=0, workers=WORKERS, extra=HQ_ARGS)
        assert hq.proc is not None
        time.sleep(2)  # let both workers finish importing before the clock starts
        family = _family(hq.proc.pid)
        hq_cpu0, pg_cpu0 = _cpu_s(family), _cpu_s(_postgres_pids(), reaped=True)
        gen0 = resource.getrusage(resource.RUSAGE_SELF)
        peak = [0.0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.5):
                peak[0] = max(peak[0], _rss_mb(family))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        tally = asyncio.run(_burst(hq.port, plan, bodies[:plan_windows], span))
        stop.set()
        gen1 = resource.getrusage(resource.RUSAGE_SELF)
        hq_cpu, pg_cpu = _cpu_s(family) - hq_cpu0, _cpu_s(_postgres_pids(), reaped=True) - pg_cpu0
        with hq.engine.connect() as conn:
            held = conn.execute(text("SELECT count(*) FROM journal_entries")).scalar_one()
            distinct = conn.execute(
                text(
                    "SELECT count(*) FROM "
                    "(SELECT DISTINCT workstation_id, seq FROM journal_entries) AS d"
                )
            ).scalar_one()
            complete = conn.execute(
                text("SELECT count(*) FROM workstations WHERE acked_seq = :n"),
                {"n": ENTRIES_PER_WINDOW},
            ).scalar_one()
        copy_rate = _copy_baseline(hq, bodies[:plan_windows])
        hq.stop()
    finally:
        hq_server.drop_postgres_database(name)
    entries = plan_windows * ENTRIES_PER_WINDOW
    elapsed = tally.last - tally.first
    ratios = [took / link for took, link in tally.pushes]
    refused = tally.statuses.get(503, 0) + tally.statuses.get(429, 0)
    once = "yes" if held == distinct == entries and complete == plan_windows else "NO"
    achieved = held / elapsed if elapsed > 0 else 0.0
    row: list[object] = [
        label,
        f"{entries / span:,.0f}",
        f"{achieved:,.0f}",
        f"{_percentile(ratios, 0.50):.2f}",
        f"{_percentile(ratios, 0.95):.2f}",
        f"{_percentile(ratios, 0.99):.2f}",
        f"{statistics.median(link for _, link in tally.pushes):.1f}" if tally.pushes else "-",
        refused,
        tally.timeouts + tally.resets + tally.failed,
        once,
        f"{hq_cpu / max(held, 1) * 1e6:.0f}",
        f"{pg_cpu / max(held, 1) * 1e6:.0f}",
        f"{peak[0]:.0f}",
        f"{(gen1.ru_utime + gen1.ru_stime - gen0.ru_utime - gen0.ru_stime):.0f}",
        f"{copy_rate:,.0f}",
    ]
    print(
        f"  {label}: statuses {dict(sorted(tally.statuses.items()))}, timeouts {tally.timeouts}, "
        f"resets {tally.resets}, windows failed {tally.failed}, {held:,} entries held "
        f"in {elapsed:.0f} s",
        flush=True,
    )
    return row, achieved


def _copy_baseline(hq: RunningHq, bodies: list[bytes]) -> float:
    """Raw COPY of the same entries into a table shaped like the journal, a window a
    transaction: what PostgreSQL itself can take from one client."""
    raw = hq.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("DROP TABLE IF EXISTS baseline_entries")
        cursor.execute("CREATE TABLE baseline_entries (LIKE journal_entries INCLUDING ALL)")
        raw.commit()
        batches = []
        for body in bodies:
            batch = json.loads(gzip.decompress(body))
            ws = batch["workstation_id"]
            rows = []
            for wire in batch["rows"]:
                entry = dict(zip(WIRE_FIELDS, wire, strict=True))
                entry.update(workstation_id=ws, prev_hash="0" * 64, received_at="2026-11-23")
                rows.append([entry[name] for name in JOURNAL_COLUMNS])
            batches.append(rows)
        sql = f"COPY baseline_entries ({', '.join(JOURNAL_COLUMNS)}) FROM STDIN"
        start = time.perf_counter()
        for rows in batches:
            with cursor.copy(sql) as copy:
                for values in rows:
                    copy.write_row(values)
            raw.commit()
        took = time.perf_counter() - start
        return sum(len(rows) for rows in batches) / took
    finally:
        raw.close()


def run() -> None:
    if not hq_server.POSTGRES_URL:
        print("Burst not measured: set HQ_TEST_POSTGRES_URL (e.g. from .ci/postgres.sh)")
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))
    started = time.perf_counter()
    bodies = build_bodies(WINDOWS)
    print(f"  built {WINDOWS:,} windows' days in {time.perf_counter() - started:.0f} s", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        design, achieved = _measure(
            f"{WINDOWS:,} windows over {SPAN_S:.0f} s", WINDOWS, SPAN_S, bodies, Path(tmp) / "a"
        )
        rows.append(design)
        over, _ = _measure(
            f"{WINDOWS:,} windows over {OVERLOAD_SPAN_S:.0f} s",
            WINDOWS,
            OVERLOAD_SPAN_S,
            bodies,
            Path(tmp) / "b",
        )
        rows.append(over)
    print_table(
        "The end-of-day burst: windows enrol and push 500 entries each over 64 kbit/s, 150 ms "
        f"links; HQ serve --workers {WORKERS} {' '.join(HQ_ARGS)} on PostgreSQL, generator and "
        "database on the same 2 cores",
        [
            "arrivals",
            "offered /s",
            "entries /s",
            "p50 x link",
            "p95 x link",
            "p99 x link",
            "link s",
            "503/429",
            "errors",
            "exactly once",
            "HQ CPU us/entry",
            "PG CPU us/entry",
            "HQ RSS MB",
            "generator CPU s",
            "raw COPY /s",
        ],
        rows,
    )
    print(f"  (the first row achieved {achieved:,.0f} entries/s)")


if __name__ == "__main__":
    run()
