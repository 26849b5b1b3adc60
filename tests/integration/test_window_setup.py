"""An IT officer sets up a real window without editing files: enrolment writes the
configuration from HQ's answer, and devices are listed, set and tested from the command
line. Bad values are refused with a message and change nothing."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from counter_app.cli import main
from counter_app.services.config import load_config
from tests.support.hq_server import RunningHq


def test_enrolment_writes_the_configuration_from_hq(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "new-window"
    code = hq.enroll_code(window=3)
    assert main(["--profile", str(profile), "enroll", "--hq", hq.url, "--code", code]) == 0
    assert "enrolled as ASW-0101-W03" in capsys.readouterr().out
    config = load_config(profile / "config.toml")
    assert (config.office.code, config.window.number) == ("ASW-0101", 3)
    assert config.office.name_ar == "مكتب بريد أسوان الرئيسي"
    assert config.office.name_en == "Aswan Main" and config.hq.url == hq.url
    assert not config.demo
    assert main(["--profile", str(profile), "sync"]) == 0
    assert "pushed" in capsys.readouterr().out


def test_a_spent_code_writes_no_configuration(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = hq.enroll_code(window=4)
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["--profile", str(first), "enroll", "--hq", hq.url, "--code", code]) == 0
    assert main(["--profile", str(second), "enroll", "--hq", hq.url, "--code", code]) == 2
    err = capsys.readouterr().err
    assert "already been used" in err and "استُخدم" in err
    assert not (second / "config.toml").exists()


def test_devices_are_listed_set_and_tested(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = str(tmp_path / "p")
    assert main(["--profile", profile, "--demo", "devices", "list"]) == 0
    assert "receipt_printer.backend = 'simulator'" in capsys.readouterr().out
    config_path = tmp_path / "p" / "config.toml"
    before = config_path.read_text(encoding="utf-8")
    for setting, value, says in (
        ("receipt_printer.width_px", "500", "576"),  # not a thermal width
        ("receipt_printer.colour", "red", "There is no device setting"),
        ("receipt_printer.backend", "usb", "vendor:product"),  # usb needs a target first
    ):
        assert main(["--profile", profile, "devices", "set", setting, value]) == 2, setting
        assert says in capsys.readouterr().err, setting
        assert config_path.read_text(encoding="utf-8") == before  # nothing changed
    assert main(["--profile", profile, "devices", "set", "receipt_printer.width_px", "384"]) == 0
    after = config_path.read_text(encoding="utf-8")
    assert tomllib.loads(after)["devices"]["receipt_printer"]["width_px"] == 384
    assert "# 576 (80 mm), 512 (TM-T88), 384 (58 mm)" in after  # the comments are kept
    capsys.readouterr()
    assert main(["--profile", profile, "--demo", "devices", "test", "receipt_printer"]) == 0
    assert "receipt_printer: printed" in capsys.readouterr().out
