"""`make run`: a local demo HQ and the demo counter window enrolled with it.

    python -m hq.demo_office [smoke-test]

Starts the reference HQ (SQLite, simulated agencies) on 127.0.0.1:8765 (or
$COUNTER_DEMO_HQ_PORT) from a demo folder beside the demo counter profile, enrols the demo
window when it is not enrolled yet, syncs it once, and opens the counter window (or, with
`smoke-test`, shows it offscreen and quits). Closing the window stops the HQ. Where the OS
keyring is not usable (a headless Linux without Secret Service), the demo profile keeps
its secrets in a file of its own that says it is for the demo (counter_app/services/demo.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import requests
from platformdirs import user_data_path
from sqlalchemy import select

from hq import schema as t
from hq.agencies.fines import SimulatedTrafficProsecution
from hq.db import make_engine, migrate
from hq.keys import create_key_file, load_key_file
from hq.service import HqService
from hq.settlement import Settlement

PORT = int(os.environ.get("COUNTER_DEMO_HQ_PORT", "8765"))
OFFICE = "ASW-0101"
COUNTER = [sys.executable, "-m", "counter_app", "--demo"]
# The demo window's clerks (counter_app/services/demo.py): HQ may not import the client.
DEMO_USERS = (
    ("mona", "clerk", "منى عبد الرحمن", "1234"),
    ("ahmed", "supervisor", "أحمد السيد", "9876"),
)


DEMO_PREPAID = "4000000000000002"  # a prepaid service card holding EGP 500


def _counter_enrolled() -> bool:
    status = subprocess.run([*COUNTER, "status"], capture_output=True, text=True, check=False)
    return "enrolled:     no" not in status.stdout and status.returncode == 0


def _prepare_hq() -> tuple[str, str]:
    folder = user_data_path("counter-app", "EgyptPost") / "demo-hq"
    db_url = f"sqlite:///{folder / 'hq.sqlite3'}"
    if not _counter_enrolled() and folder.exists():
        shutil.rmtree(folder)  # a fresh demo HQ for a window that is not enrolled yet
    if not folder.exists():
        folder.mkdir(parents=True)
        engine = make_engine(db_url)
        migrate(engine)
        service = HqService(engine, create_key_file(folder / "hq-signing-key.pem"))
        service.seed_catalogue()
        service.add_office(OFFICE, "Aswan Main Post Office", "Aswan", "مكتب بريد أسوان الرئيسي")
        service.add_user("sara", "clerk", OFFICE, "سارة محمود", "4321")
        # HQ owns the users: the demo window's own clerks are HQ's too, or the first
        # users bundle would switch them off at the window.
        for username, role, name, pin in DEMO_USERS:
            service.add_user(username, role, OFFICE, name, pin)
        engine.dispose()
    engine = make_engine(db_url)
    migrate(engine)  # a demo HQ kept from an older version gets the newer tables
    with engine.connect() as conn:
        has_card = conn.execute(
            select(t.prepaid_cards.c.number).where(t.prepaid_cards.c.number == DEMO_PREPAID)
        ).first()
    if has_card is None:
        Settlement(engine, SimulatedTrafficProsecution()).add_prepaid_card(DEMO_PREPAID, 50_000)
    engine.dispose()
    return db_url, str(folder / "hq-signing-key.pem")


def main() -> int:
    # Stopped from outside (a closed terminal, a service manager): still stop the HQ.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    db_url, key_file = _prepare_hq()
    url = f"http://127.0.0.1:{PORT}"
    hq = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hq.cli",
            "--db",
            db_url,
            "--key-file",
            key_file,
            "serve",
            "--port",
            str(PORT),
        ]
    )
    try:
        if not _wait_for(url):
            print(f"demo HQ did not start on port {PORT}; the window runs offline")
        elif not _counter_enrolled():
            engine = make_engine(db_url)
            code = HqService(engine, load_key_file(Path(key_file))).make_enroll_code(
                OFFICE, 1, valid_for=timedelta(minutes=10)
            )
            engine.dispose()
            enrolled = subprocess.run(
                [*COUNTER, "enroll", "--hq", url, "--code", code], check=False
            )
            if enrolled.returncode != 0:
                print("the demo window could not be enrolled (see above); it runs offline")
        if _counter_enrolled():
            # The users bundle and the trust list arrive before the first clerk signs in.
            subprocess.run([*COUNTER, "sync"], check=False)
        return subprocess.run([*COUNTER, *sys.argv[1:2]], check=False).returncode
    finally:
        hq.terminate()
        hq.wait(10)


def _wait_for(url: str, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/v1/health", timeout=0.5).ok:
                return True
        except requests.RequestException:
            time.sleep(0.1)  # the server is still starting
    return False


if __name__ == "__main__":
    raise SystemExit(main())
