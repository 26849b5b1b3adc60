"""The demo enrols and syncs on a machine without a usable OS keyring (every CI box, every
fresh VM): a demo profile, and only a demo profile, keeps its secrets in a file that says
it is for the demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring

from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_SECRETS, open_demo_workstation
from counter_app.services.profile import Profile
from sync.credentials import CredentialsUnavailable
from tests.helpers import open_window
from tests.support.hq_server import RunningHq, free_port


def test_a_demo_profile_without_an_os_keyring_enrols_and_syncs(
    hq: RunningHq, tmp_path: Path
) -> None:
    keyring.set_keyring(NoKeyring())
    ctx = open_demo_workstation(Profile(tmp_path / "demo"), log_to_file=False)
    try:
        ctx.sync.enroll(hq.url, hq.enroll_code())
        report = ctx.sync.sync_once()
        assert report.acked_seq > 0 and ctx.uow.waiting_to_sync() == 0
    finally:
        ctx.close()
    stored = json.loads((tmp_path / "demo" / DEMO_SECRETS).read_text(encoding="utf-8"))
    assert "FOR THE DEMO ONLY" in stored["notice"]
    assert any(name.endswith(":token") for name in stored["secrets"])
    assert (tmp_path / "demo" / DEMO_SECRETS).stat().st_mode & 0o077 == 0


def test_a_real_window_never_falls_back_to_a_file(hq: RunningHq, tmp_path: Path) -> None:
    ctx = open_window(tmp_path / "real", window=2)  # a demo config: make it a real one
    ctx.close()
    config = Profile(tmp_path / "real").config_path
    config.write_text(config.read_text(encoding="utf-8").replace("demo = true", "demo = false"))
    keyring.set_keyring(NoKeyring())
    ctx = AppContext.open(Profile(tmp_path / "real"), log_to_file=False)
    try:
        with pytest.raises(CredentialsUnavailable, match="keyring"):
            ctx.sync.enroll(hq.url, hq.enroll_code(window=2))
        assert ctx.sync.enrolment() is None
    finally:
        ctx.close()
    assert not (tmp_path / "real" / DEMO_SECRETS).exists()


def test_make_run_enrols_and_syncs_the_demo_window_headless(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        XDG_DATA_HOME=str(tmp_path / "data"),
        COUNTER_DEMO_HQ_PORT=str(free_port()),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        QT_QPA_PLATFORM="offscreen",
    )
    run = subprocess.run(
        [sys.executable, "-m", "hq.demo_office", "smoke-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "enrolled as ASW-0101-W01" in run.stdout
    assert "pushed" in run.stdout and "bundles updated: catalogue" in run.stdout
    status = subprocess.run(
        [sys.executable, "-m", "counter_app", "--demo", "status"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "enrolled:     http://127.0.0.1" in status.stdout
    assert "waiting:      0" in status.stdout
