"""`counter-app support-bundle` after a simulated day, with secrets planted where a bug
could leave them (a log line written past the log filter): the zip holds doctor's report,
versions, configuration and logs, and not one secret or citizen's number."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from counter_app.cli import main
from counter_app.services.config import load_config
from sync import credentials
from sync.protocol import b64e
from tests.conftest import MemoryKeyring
from tests.integration.test_cli import simulate

NATIONAL_ID = "29001012801235"
MOBILE = "01012345678"
CARD = "4111111111111111"
PIN = "482913"
NATIONAL_ID_SHAPE = re.compile(r"(?<![0-9])[23][0-9]{13}(?![0-9])")


def test_the_support_bundle_holds_what_it_for_and_no_secret(
    tmp_path: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "profile"
    simulate(profile)
    workstation = load_config(profile / "config.toml").workstation_id
    key = Ed25519PrivateKey.generate()
    token = "tQ9x-" + "Zk3_" * 10  # the shape of HQ's tokens (token_urlsafe)
    credentials.save(workstation, credentials.Credentials(token, key))
    raw_key = b64e(key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    planted = (
        f"citizen {NATIONAL_ID} mobile {MOBILE} card {CARD}\n"
        f"Authorization: Bearer {token}\nsigning key {raw_key}\n{pem}\n"
        f"PIN: {PIN}\nhq https://it:hunter2@hq.example/v1\n"
    )
    with (profile / "logs" / "counter-app.log").open("a", encoding="utf-8") as log:
        log.write(planted)  # as if a bug had logged them past the redacting filter

    out = tmp_path / "bundle.zip"
    assert main(["--profile", str(profile), "--demo", "support-bundle", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out

    with zipfile.ZipFile(out) as bundle:
        names = bundle.namelist()
        texts = {name: bundle.read(name).decode("utf-8") for name in names}
    assert {"README.txt", "doctor.txt", "versions.txt", "config.toml"} <= set(names)
    assert "logs/counter-app.log" in names
    assert "health report" in texts["doctor.txt"]
    assert "counter-app " in texts["versions.txt"] and "PySide6 " in texts["versions.txt"]
    assert workstation.split("-W")[0] in texts["config.toml"]  # the office, for support
    assert not any(n.endswith((".db", ".db-wal", ".seal", ".pdf")) for n in names)

    everything = "\n".join(texts.values())
    secrets = [token, raw_key, PIN, "hunter2", NATIONAL_ID, MOBILE, CARD]
    secrets += [v for v in memory_keyring._secrets.values() if len(v) >= 8]
    assert len(secrets) > 7  # the profile's own keys (citizen data, PINs) are among them
    for secret in secrets:
        assert secret not in everything, f"a secret reached the bundle: {secret[:6]}…"
    assert "PRIVATE KEY" not in everything and "$argon2" not in everything
    assert not NATIONAL_ID_SHAPE.search(everything)
    # The scrub leaves what support needs: the log's own lines are still there.
    assert "[national-id]" in texts["logs/counter-app.log"]
    assert len(texts["logs/counter-app.log"].splitlines()) > len(planted.splitlines())
