"""`hq-server` administration as an HQ officer runs it, in a fresh folder."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
from pathlib import Path


def hq(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hq.cli", *args],
        cwd=folder,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_init_office_codes_users_and_refusals(tmp_path: Path) -> None:
    init = hq(tmp_path, "init")
    assert init.returncode == 0 and "HQ public key:" in init.stdout
    key = tmp_path / "hq-signing-key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600  # only HQ's account reads the root key
    assert (tmp_path / "hq.sqlite3").exists()
    assert hq(tmp_path, "init").returncode == 0  # idempotent: the key is kept, not replaced
    assert (
        hq(
            tmp_path, "office", "add", "ASW-0101", "--name", "Aswan", "--governorate", "Aswan"
        ).returncode
        == 0
    )
    code = hq(tmp_path, "enroll-code", "ASW-0101", "--window", "1")
    assert code.returncode == 0 and re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}\n", code.stdout)
    assert (
        hq(
            tmp_path,
            "user",
            "add",
            "sara",
            "--role",
            "clerk",
            "--office",
            "ASW-0101",
            stdin="4321\n",
        ).returncode
        == 0
    )
    bad_pin = hq(
        tmp_path, "user", "add", "omar", "--role", "clerk", "--office", "ASW-0101", stdin="12\n"
    )
    assert bad_pin.returncode == 2 and "4 to 8 digits" in bad_pin.stderr
    twice = hq(
        tmp_path, "user", "add", "sara", "--role", "clerk", "--office", "ASW-0101", stdin="4321\n"
    )
    assert twice.returncode == 2 and "already exists" in twice.stderr
    unknown = hq(tmp_path, "enroll-code", "NOPE", "--window", "1")
    assert unknown.returncode == 2 and "not registered" in unknown.stderr
    assert hq(tmp_path, "alarms").stdout == ""
    no_key = hq(tmp_path, "--key-file", "missing.pem", "alarms")
    assert no_key.returncode == 2 and "hq-server init" in no_key.stderr


def test_catalogue_import_names_every_bad_field_and_versions_a_good_one(tmp_path: Path) -> None:
    import json

    from resources import default_catalogue_path

    assert hq(tmp_path, "init").returncode == 0
    shown = hq(tmp_path, "catalogue", "show")
    assert shown.returncode == 0 and "catalogue version 1" in shown.stdout
    assert "traffic_clearance" in shown.stdout and "EGP 30.00" in shown.stdout

    document = json.loads(default_catalogue_path().read_text(encoding="utf-8"))
    document["services"][1]["fees"][0]["piastres"] = -5
    document["services"][2]["group"] = "Z"
    del document["services"][3]["kind"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    refused = hq(tmp_path, "catalogue", "import", str(bad))
    assert refused.returncode == 2
    for field in ("services[1].fees[0].piastres", "services[3].kind"):
        assert field in refused.stderr
    assert "catalogue version 1" in hq(tmp_path, "catalogue", "show").stdout  # unchanged

    document = json.loads(default_catalogue_path().read_text(encoding="utf-8"))
    document["version_label"] = "Aswan fees 2027"
    document["services"][0]["fees"][0]["piastres"] = 750
    good = tmp_path / "good.json"
    good.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    imported = hq(tmp_path, "catalogue", "import", str(good))
    assert imported.returncode == 0 and "catalogue version 2 imported" in imported.stdout
    shown = hq(tmp_path, "catalogue", "show").stdout
    assert "Aswan fees 2027" in shown and "service_fee EGP 7.50" in shown
    assert hq(tmp_path, "catalogue", "import", str(tmp_path / "missing.json")).returncode == 2


def test_a_database_older_than_the_program_is_refused_until_init_upgrades_it(
    tmp_path: Path,
) -> None:
    """HQ upgraded but its database not yet: every command says to run init and changes
    nothing (no SQL error); init adds the missing revisions and keeps every row."""
    from hq.db import make_engine, migrate
    from hq.keys import create_key_file

    engine = make_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    migrate(engine, "h0005")  # an HQ installed before the dashboard's revision
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO offices (code, name, governorate, created_at, name_ar) "
            "VALUES ('ASW-0101', 'Aswan', 'Aswan', '2026-11-01T08:00:00+00:00', '')"
        )
    engine.dispose()
    create_key_file(tmp_path / "hq-signing-key.pem")
    for args in (("alarms",), ("report", "--day", "2026-11-30"), ("serve", "--port", "1")):
        refused = hq(tmp_path, *args)
        assert refused.returncode == 2
        assert "hq-server init" in refused.stderr and "Traceback" not in refused.stderr
    assert hq(tmp_path, "init").returncode == 0
    assert hq(tmp_path, "alarms").returncode == 0
    added = hq(tmp_path, "enroll-code", "ASW-0101", "--window", "1")  # the office is kept
    assert added.returncode == 0, added.stderr
