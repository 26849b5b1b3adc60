"""`counter-app support-bundle`: one zip an IT officer can send to support.

In it: doctor's report, the versions of the program and what it runs on, the configuration
and the logs. Never in it: the database (citizens' data, the journal), the keyring's
entries (token, keys, PIN hashes), printed documents. What goes in is text, and every
line passes a scrub on the way: national-ID and mobile shapes (as the log filter does),
bearer tokens, PEM blocks, a password in a URL, and long base64 runs that could be a key
or a token. Hex runs stay (hashes are what support needs to follow a chain).
"""

from __future__ import annotations

import platform
import re
import sys
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from counter_app import __version__
from counter_app.services.logs import redact
from counter_app.services.profile import Profile

_LONG_DIGITS = re.compile(r"(?<![0-9])[0-9]{10,}(?![0-9])")  # card numbers, other ids
_BEARER = re.compile(r"(?i)(bearer\s+)\S+")
_PEM = re.compile(r"-----BEGIN [A-Z ]+-----.*?-----END [A-Z ]+-----", re.S)
_URL_PASSWORD = re.compile(r"(://[^/\s:@]+:)[^@\s/]+@")
_SECRET_WORD = re.compile(r"(?i)\b(pin|password|token|secret|key)(\s*[=:]\s*)\S+")
_BASE64_RUN = re.compile(r"[A-Za-z0-9_-]{32,}=*")  # base64url, as keys and tokens are
_HEX = re.compile(r"[0-9a-f]+")

LIBRARIES = (
    "PySide6",
    "SQLAlchemy",
    "requests",
    "cryptography",
    "reportlab",
    "segno",
    "python-escpos",
    "keyring",
    "pydantic",
)


def scrub(text: str) -> str:
    """The text with anything that could be a citizen's number or a secret masked."""
    text = _PEM.sub("[pem block]", text)
    text = _BEARER.sub(r"\1[token]", text)
    text = _URL_PASSWORD.sub(r"\1[password]@", text)
    text = _SECRET_WORD.sub(r"\1\2[hidden]", text)
    text = redact(text)
    text = _LONG_DIGITS.sub("[number]", text)
    return _BASE64_RUN.sub(_unless_hex, text)


def _unless_hex(match: re.Match[str]) -> str:
    run = match.group(0)
    return run if _HEX.fullmatch(run) else "[base64]"


def versions_text() -> str:
    lines = [
        f"counter-app {__version__}",
        f"Python {sys.version.split()[0]} ({platform.python_implementation()})",
        f"platform {platform.platform()}",
        f"frozen {getattr(sys, 'frozen', False)}",
    ]
    for name in LIBRARIES:
        try:
            lines.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{name} (not installed)")
    return "\n".join(lines) + "\n"


def _log_files(profile: Profile) -> Iterable[Path]:
    if profile.logs_dir.is_dir():
        yield from sorted(p for p in profile.logs_dir.iterdir() if p.is_file())


def write_bundle(profile: Profile, out: Path, doctor_report: str) -> list[str]:
    """Write the zip to `out`; the names it holds, in order."""
    members: list[tuple[str, str]] = [
        ("README.txt", _readme(profile)),
        ("doctor.txt", doctor_report),
        ("versions.txt", versions_text()),
    ]
    if profile.config_path.is_file():
        members.append(("config.toml", profile.config_path.read_text("utf-8", "replace")))
    for path in _log_files(profile):
        members.append((f"logs/{path.name}", path.read_text("utf-8", "replace")))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, text in members:
            bundle.writestr(name, scrub(text))
    partial.replace(out)
    return [name for name, _ in members]


def default_name(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return f"counter-support-{stamp}.zip"


def _readme(profile: Profile) -> str:
    return (
        "Counter App support bundle / حزمة الدعم الفني\n"
        f"profile: {profile.root}\n"
        f"written: {datetime.now(UTC).isoformat(timespec='seconds')}\n\n"
        "Holds: doctor.txt, versions.txt, config.toml, logs/.\n"
        "Does not hold: the database, the keyring's secrets, printed documents.\n"
        "Numbers shaped like national IDs, mobiles or cards, tokens and keys are masked.\n"
    )
