"""A real HQ for tests: `hq-server serve` in a subprocess on 127.0.0.1, on a free port.

SQLite by default; PostgreSQL when HQ_TEST_POSTGRES_URL names a server (a fresh database
is created for each HQ and dropped afterwards).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from counter_app.services.demo import DEMO_CLERK, DEMO_SUPERVISOR
from hq.db import make_engine, migrate
from hq.keys import create_key_file
from hq.service import HqService

POSTGRES_URL = os.environ.get("HQ_TEST_POSTGRES_URL", "")
OFFICE = "ASW-0101"


def wait_until_serving(
    url: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 60
) -> None:
    """Return once HQ at `url` answers its health check; fail with its log if the process
    exits first or `timeout_s` passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            said = log.read_text(encoding="utf-8", errors="replace")
            raise RuntimeError(f"HQ exited: {said[-4000:]}")
        try:
            if requests.get(url + "/v1/health", timeout=0.5).ok:
                return
        except requests.RequestException:
            time.sleep(0.05)  # polling for the port to open, not synchronising on time
    raise RuntimeError(f"HQ did not start within {timeout_s:.0f} s")


def sqlite_rows(database: Path, query: str) -> list[tuple[object, ...]]:
    """The rows of `query` on an SQLite file, sorted (a window's store, a test HQ's)."""
    store = sqlite3.connect(database)
    try:
        return sorted(store.execute(query).fetchall())
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_postgres_database() -> tuple[str, str]:
    """Create an empty database on the test server: (its URL, its name)."""
    name = f"hq_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}", name


def drop_postgres_database(name: str) -> None:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class RunningHq:
    def __init__(self, folder: Path, db_url: str, key_name: str = "hq-key.pem") -> None:
        self.folder = folder
        self.db_url = db_url
        self.key_file = folder / key_name
        self.port = free_port()
        self.engine = make_engine(db_url)
        migrate(self.engine)
        self.service = HqService(self.engine, create_key_file(self.key_file))
        self.service.seed_catalogue()
        self.proc: subprocess.Popen[bytes] | None = None
        self.stderr_log = folder / "hq-stderr.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_office(self, code: str = OFFICE) -> None:
        """The office, with the demo window's clerks as HQ knows them (HQ owns users)."""
        self.service.add_office(code, "Aswan Main", "Aswan", "مكتب بريد أسوان الرئيسي")
        for username, name, role, pin in (DEMO_CLERK, DEMO_SUPERVISOR):
            self.service.add_user(username, role, code, name, pin)

    def enroll_code(self, window: int = 1, office: str = OFFICE, hours: float = 1.0) -> str:
        return self.service.make_enroll_code(office, window, valid_for=timedelta(hours=hours))

    def start(
        self,
        *,
        tick_s: float = 5.0,
        access_log: Path | None = None,
        workers: int = 1,
        extra: Sequence[str] = (),
    ) -> None:
        """`hq-server serve`, its tick (agency steps, SMS) every `tick_s` seconds (0: none),
        writing uvicorn's access log to `access_log` when given."""
        logging = ["--access-log", str(access_log)] if access_log is not None else []
        # A file, not a pipe nobody reads: a pipe fills and HQ blocks writing its log.
        with self.stderr_log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "hq.cli",
                    "--db",
                    self.db_url,
                    "--key-file",
                    str(self.key_file),
                    "serve",
                    "--port",
                    str(self.port),
                    "--tick",
                    str(tick_s),
                    *logging,
                    "--workers",
                    str(workers),
                    *extra,
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        wait_until_serving(self.url, self.proc, self.stderr_log, 30)

    def start_without_tick(self) -> None:
        """HQ without its tick: a test drives the agencies and the SMS outbox itself."""
        self.start(tick_s=0)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.engine.dispose()

    def journal_rows(self, workstation_id: str) -> list[tuple[int, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT seq, hash FROM journal_entries WHERE workstation_id = :w ORDER BY seq"
                ),
                {"w": workstation_id},
            )
            return [(int(r[0]), str(r[1])) for r in rows]
