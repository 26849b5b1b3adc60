"""An upgrade from the previous release, as an office lives it.

The previous release (the commit before the install-and-upgrade work began, taken from
this repository's own history) runs HQ and a window:
- the window enrols and syncs a day;
- its receipt printer dies, so receipts wait;
- it works a second day it never syncs.

Then this version takes over the same HQ database and the same window profile:
- HQ migrates its database once;
- the window prints the receipts that waited and syncs;
- HQ holds each of the window's entries exactly once, and a replacement PC for the
  window (which needs the key history the migration filled in) enrols and continues."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from counter_app.services.demo import DEMO_CLERK, DEMO_SUPERVISOR
from counter_app.services.enrolment import request_enrolment
from tests.support.hq_server import free_port, sqlite_rows, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
# The last commit before issue 14's first (6bc30ba, the support bundle).
PREVIOUS_RELEASE = "79ad075"
WINDOW = "ASW-0101-W01"
HQ_COPY = f"SELECT seq, hash FROM journal_entries WHERE workstation_id = '{WINDOW}'"


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The previous release's source, from this repository's history (`git archive`:
    nothing in the checkout changes)."""
    found = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{PREVIOUS_RELEASE}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    if found.returncode != 0:
        pytest.skip(f"the previous release {PREVIOUS_RELEASE} is not in this checkout's history")
    folder = tmp_path_factory.mktemp("previous-release")
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", PREVIOUS_RELEASE],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


class Release:
    """One version of the program, run as its own processes."""

    def __init__(self, source: Path, home: Path) -> None:
        self.source = source
        self.home = home  # the working folder too: nothing is written beside the source
        self.env = {
            **os.environ,
            "PYTHONPATH": str(source),
            "HOME": str(home),
            # No OS keyring in either version's processes: the demo keeps its secrets in
            # the profile, so both versions find the same ones.
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "QT_QPA_PLATFORM": "offscreen",
        }

    def run(self, module: str, args: Sequence[str], *, ok: bool = True, stdin: str = "") -> str:
        done = subprocess.run(
            [sys.executable, "-m", module, *args],
            input=stdin,
            cwd=self.home,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        said = done.stdout + done.stderr
        if ok:
            assert done.returncode == 0, f"{module} {' '.join(args)}: {said[-3000:]}"
        return said

    def imports_from(self) -> Path:
        done = subprocess.run(
            [sys.executable, "-c", "import counter_app, hq; print(counter_app.__file__)"],
            cwd=self.home, env=self.env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return Path(done.stdout.strip())

    def serve(self, hq_args: Sequence[str], port: int, log: Path) -> Iterator[str]:
        with log.open("ab") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "hq.cli", *hq_args, "serve", "--port", str(port)],
                cwd=self.home, env=self.env, stdout=out, stderr=out,
            )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(url, server, log)
            yield url
        finally:
            server.terminate()
            server.wait(30)


def closed_port() -> int:
    """A port nothing listens on: the dead receipt printer."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_new_version_takes_over_the_previous_releases_hq_and_window(
    previous: Path, tmp_path: Path
) -> None:
    old, new = Release(previous, tmp_path), Release(ROOT, tmp_path)
    assert old.imports_from().is_relative_to(previous)
    assert new.imports_from().is_relative_to(ROOT)
    hq_db = tmp_path / "hq.sqlite3"
    hq_args = ["--db", f"sqlite:///{hq_db}", "--key-file", str(tmp_path / "hq-key.pem")]
    window = ["--profile", str(tmp_path / "window"), "--demo"]
    store = tmp_path / "window" / "counter.db"

    # The previous release: HQ, and a window that syncs one day and keeps the next.
    old.run("hq.cli", [*hq_args, "init"])
    old.run("hq.cli", [*hq_args, "office", "add", "ASW-0101", "--name", "Aswan Main",
                       "--governorate", "Aswan"])  # fmt: skip
    for username, name, role, pin in (DEMO_CLERK, DEMO_SUPERVISOR):  # HQ's users now
        user = ["user", "add", username, "--role", role, "--office", "ASW-0101", "--name", name]
        old.run("hq.cli", [*hq_args, *user], stdin=pin + "\n")
    code = old.run("hq.cli", [*hq_args, "enroll-code", "ASW-0101", "--window", "1"]).strip()
    port = free_port()  # HQ keeps its address across its upgrade
    for url in old.serve(hq_args, port, tmp_path / "old-hq.log"):
        old.run("counter_app", [*window, "enroll", "--hq", url, "--code", code])
        old.run("counter_app", [*window, "simulate", "--days", "1"])
        old.run("counter_app", [*window, "sync"])
    synced = sqlite_rows(store, "SELECT seq FROM journal_entries")
    for setting, value in (("receipt_printer.target", f"127.0.0.1:{closed_port()}"),
                           ("receipt_printer.backend", "network")):  # fmt: skip
        old.run("counter_app", [*window, "devices", "set", setting, value])
    old.run("counter_app", [*window, "simulate", "--days", "1", "--seed", "2"])
    unsynced = len(sqlite_rows(store, "SELECT seq FROM journal_entries")) - len(synced)
    waiting = sqlite_rows(store, "SELECT id FROM print_jobs WHERE status != 'printed'")
    assert unsynced > 500 and len(waiting) > 10

    # This version: HQ migrates, once; a second run finds nothing to do.
    said = new.run("hq.cli", [*hq_args, "report", "--day", "2026-01-01"], ok=False)
    assert "older than this program" in said  # it refuses to serve an old database
    new.run("hq.cli", [*hq_args, "init"])
    keys = sqlite_rows(hq_db, "SELECT workstation_id, first_seq FROM workstation_keys")
    assert keys == [(WINDOW, 1)]  # the enrolled window's key, from seq 1
    new.run("hq.cli", [*hq_args, "init"])
    assert sqlite_rows(hq_db, "SELECT workstation_id, first_seq FROM workstation_keys") == keys

    new.run("counter_app", [*window, "devices", "set", "receipt_printer.backend", "simulator"])
    said = new.run("counter_app", [*window, "print-jobs", "--resume"])
    assert f"{len(waiting)} job(s) printed, 0 still waiting" in said
    assert sqlite_rows(store, "SELECT id FROM print_jobs WHERE status != 'printed'") == []
    for url in new.serve(hq_args, port, tmp_path / "new-hq.log"):
        new.run("counter_app", [*window, "sync"])
        held = sqlite_rows(
            hq_db, f"SELECT seq, hash FROM journal_entries WHERE workstation_id = '{WINDOW}'"
        )
        assert held == sqlite_rows(store, "SELECT seq, hash FROM journal_entries")  # each once

        # The window enrolled under the previous release can be replaced under this one:
        # the replacement's chain continues from the last entry HQ holds.
        new.run("hq.cli", [*hq_args, "workstation", "retire", WINDOW])
        code = new.run("hq.cli", [*hq_args, "enroll-code", "ASW-0101", "--window", "1"]).strip()
        answer = request_enrolment(url, code).answer
        assert answer.workstation_id == WINDOW
        assert (answer.chain_seq, answer.chain_hash) == held[-1]
