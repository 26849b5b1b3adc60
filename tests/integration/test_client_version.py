"""HQ names the window version it approves (its signed trust bundle); a window behind it
tells the IT officer in `doctor`, `status` and `sync`, and works on. A version HQ cannot
read is refused at HQ and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app import __version__
from counter_app.cli import main as counter_main
from counter_app.services.doctor import run_doctor
from counter_app.services.profile import Profile
from hq.cli import main as hq_main
from sync.protocol import is_behind
from tests.helpers import open_window
from tests.support.hq_server import RunningHq


def test_versions_compare_as_numbers_and_an_unreadable_one_stops_nothing() -> None:
    assert is_behind("0.1.0", "0.1.1") and is_behind("0.9.0", "0.10.0")
    assert not is_behind("0.10.0", "0.9.0") and not is_behind("1.0", "1.0")
    assert not is_behind("0.1.0", "") and not is_behind("0.1.0", "soon")


def test_a_window_behind_the_approved_version_says_so(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    window = tmp_path / "window"
    ctx = open_window(window, window=1)
    ctx.sync.enroll(hq.url, hq.enroll_code(1))
    ctx.sync.sync_once()
    ctx.close()
    profile = ["--profile", str(window), "--demo"]
    admin = ["--db", hq.db_url, "--key-file", str(hq.key_file), "client-version"]

    def version_check() -> tuple[str, str]:
        check = next(c for c in run_doctor(Profile(window)) if c.title == "version")
        return check.status, check.detail

    assert version_check() == ("OK", f"{__version__} (HQ has named no version)")
    before = hq.service.trust_list().version
    for bad in ("banana", "1..2", "1.2.3.4.5", "٢.٠"):
        assert hq_main([*admin, bad]) == 2, bad
        said = capsys.readouterr().err
        assert "like 0.2.0" in said and "رقم الإصدار" in said
    assert hq.service.trust_list().version == before  # nothing changed

    newer = ".".join(str(int(p) + 1) for p in __version__.split("."))
    assert hq_main([*admin, newer]) == 0
    assert counter_main([*profile, "sync"]) == 0
    said = capsys.readouterr().out
    assert f"WARNING: HQ approves version {newer}; this window runs {__version__}" in said
    assert version_check() == ("WARN", f"this program is {__version__}; HQ approves {newer}")
    assert counter_main([*profile, "status"]) == 0
    assert f"version:      {__version__} (HQ approves {newer})" in capsys.readouterr().out

    assert hq_main([*admin, __version__]) == 0
    assert counter_main([*profile, "sync"]) == 0
    assert "WARNING" not in capsys.readouterr().out
    assert version_check() == ("OK", f"{__version__} (HQ approves {__version__})")
