"""The command line as an IT officer uses it: doctor, verify-journal, simulate, smoke-test."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from counter_app.cli import main


def simulate(profile: Path, days: int = 1, seed: int = 3) -> None:
    assert (
        main(
            [
                "--profile",
                str(profile),
                "--demo",
                "simulate",
                "--days",
                str(days),
                "--seed",
                str(seed),
            ]
        )
        == 0
    )


def test_simulate_is_deterministic_by_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    simulate(tmp_path / "a", seed=11)
    first = capsys.readouterr().out
    simulate(tmp_path / "b", seed=11)
    second = capsys.readouterr().out
    simulate(tmp_path / "c", seed=12)
    third = capsys.readouterr().out

    def counts(out: str) -> list[str]:
        return [line.split(": ", 1)[1] for line in out.splitlines() if "tickets" in line]

    assert counts(first) == counts(second)
    assert counts(first) != counts(third)
    assert "tickets" in first and "seed 11" in first


def test_verify_journal_and_queue_figures_after_a_simulated_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    simulate(tmp_path)
    day_line = next(line for line in capsys.readouterr().out.splitlines() if " served, " in line)
    assert main(["--profile", str(tmp_path), "verify-journal"]) == 0
    assert "journal OK" in capsys.readouterr().out
    # The queue's figures agree with the day the simulation reports.
    day = day_line.strip().split(":")[0]
    served = int(day_line.split(" tickets, ")[1].split(" served")[0])
    args = ["--profile", str(tmp_path), "--demo", "queue-figures", "--day", day, "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["office"]["served"] == served
    assert sum(g["served"] for g in report["group"].values()) == served
    assert 3 <= report["office"]["rating_mean"] <= 5


def _tamper(db: Path, *statements: str) -> None:
    raw = sqlite3.connect(db)
    raw.execute("DROP TRIGGER journal_no_update")
    raw.execute("DROP TRIGGER journal_no_delete")
    for statement in statements:
        raw.execute(statement)
    raw.commit()
    raw.close()


@pytest.mark.parametrize(
    ("statements", "seq", "words"),
    [
        (["UPDATE journal_entries SET payload = '{\"number\":999}' WHERE seq = 40"], 40, "altered"),
        (["DELETE FROM journal_entries WHERE seq = 41"], 41, "missing"),
        (
            [
                "UPDATE journal_entries SET seq = -1 WHERE seq = 42",
                "UPDATE journal_entries SET seq = 42 WHERE seq = 43",
                "UPDATE journal_entries SET seq = 43 WHERE seq = -1",
            ],
            42,
            "does not link",
        ),
    ],
    ids=["altered-payload", "deleted-entry", "reordered-pair"],
)
def test_verify_journal_names_the_first_bad_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], statements: list[str], seq: int, words: str
) -> None:
    simulate(tmp_path)
    _tamper(tmp_path / "counter.db", *statements)
    capsys.readouterr()
    assert main(["--profile", str(tmp_path), "verify-journal"]) == 1
    out = capsys.readouterr().out
    assert f"entry {seq}:" in out and words in out
    assert main(["--profile", str(tmp_path), "doctor"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_doctor_reports_health(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    simulate(tmp_path)
    capsys.readouterr()
    assert main(["--profile", str(tmp_path), "doctor"]) == 0
    out = capsys.readouterr().out
    for title in (
        "configuration",
        "schema",
        "quick_check",
        "journal chain",
        "keyring",
        "fonts",
        "receipt printer",
    ):
        assert f"] {title}:" in out
    assert "healthy" in out


def test_doctor_fails_with_advice_on_bad_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    simulate(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("number = 1", "number = 0"), encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["--profile", str(tmp_path), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "window.number" in out and "-> correct config.toml" in out


def test_bad_config_stops_the_counter_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "config.toml").write_text("demo = 3\n", encoding="utf-8")
    assert main(["--profile", str(tmp_path), "simulate"]) == 2
    assert "office" in capsys.readouterr().err


def test_smoke_test_as_the_installer_runs_it(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "counter_app", "--profile", str(tmp_path), "--demo", "smoke-test"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "main window shown" in result.stdout


def test_the_camera_is_tested_with_a_photo_a_person_can_look_at(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = ["--profile", str(tmp_path / "p"), "--demo"]
    assert main([*profile, "devices", "test", "camera"]) == 0  # the demo's simulator
    photo = tmp_path / "p" / "printed" / "camera-test.png"
    assert photo.read_bytes().startswith(b"\x89PNG")
    assert main([*profile, "devices", "set", "camera.backend", "none"]) == 0
    capsys.readouterr()
    assert main([*profile, "devices", "test", "camera"]) == 1
    assert "no camera configured" in capsys.readouterr().out
