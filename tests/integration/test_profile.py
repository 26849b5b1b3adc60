"""Profile-level behaviour: configuration errors, one instance per profile, clean logs."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from counter_app.services.config import ConfigError, load_config
from counter_app.services.instance import AlreadyRunning, InstanceLock
from counter_app.services.logs import setup_logging
from counter_app.services.profile import Profile
from tests.helpers import open_demo


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_demo_config_is_valid_and_names_the_workstation(profile_dir: Path) -> None:
    ctx = open_demo(profile_dir, sign_in=False)
    assert ctx.config.workstation_id == "ASW-0101-W01"
    ctx.close()


def test_config_errors_list_every_field_with_what_is_expected(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        """
        [office]
        code = "aswan office"
        name_ar = "مكتب"
        name_en = "Office"
        [window]
        number = 120
        [devices.receipt_printer]
        width_px = 600
        [surprise]
        x = 1
        """,
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text = str(caught.value)
    for where in ("office.code", "window.number", "devices.receipt_printer.width_px", "surprise"):
        assert where in text
    assert "4 problem(s)" in text
    assert "أخطاء" in text


def test_config_syntax_error_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")
    bad = write(tmp_path / "config.toml", "[office\ncode = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_hq_url_must_be_http(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.toml",
        """
        [office]
        code = "ASW-0101"
        name_ar = "مكتب"
        name_en = "Office"
        [window]
        number = 1
        [hq]
        url = "ftp://hq"
        """,
    )
    with pytest.raises(ConfigError, match=r"hq\.url"):
        load_config(path)


def test_a_second_instance_on_the_same_profile_is_refused(profile_dir: Path) -> None:
    profile_dir.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys
            from counter_app.services.instance import InstanceLock
            from pathlib import Path
            lock = InstanceLock(Path({str(profile_dir / "instance.lock")!r}))
            lock.acquire()
            print("held", flush=True)
            sys.stdin.read()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunning, match="already running"):
            InstanceLock(Profile(profile_dir).lock_path).acquire()
        assert InstanceLock(Profile(profile_dir).lock_path).is_held_elsewhere()
    finally:
        holder.kill()
        holder.wait()
    # The OS released the lock with the killed process: the window is not locked out.
    lock = InstanceLock(Profile(profile_dir).lock_path)
    lock.acquire()
    lock.release()


def test_logs_rotate_in_the_profile_and_hold_no_citizen_numbers(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "logs")
    log = logging.getLogger("test.citizen")
    log.warning("lookup for %s failed", "29001012801235")
    log.warning("mobile 01012345678 and ٢٩٠٠١٠١٢٨٠١٢٣٥ in text")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "lookup for [national-id] failed" in text
    assert "29001012801235" not in text and "01012345678" not in text
    assert "٢٩٠٠١٠١٢٨٠١٢٣٥" not in text
