"""`counter-app doctor`: a health report an IT officer can read and act on.

Each check says OK, WARN or FAIL, what it found, and for anything not OK what to do.
Only FAIL makes the command exit non-zero. The database is opened read-only: doctor
never changes the store, and it can run beside a running counter.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import keyring
from keyring.backends import fail

from counter_app import __version__
from counter_app.domain.evidence import Finding
from counter_app.services.config import ConfigError, CounterConfig, load_config
from counter_app.services.evidence import evidence_findings
from counter_app.services.instance import InstanceLock
from counter_app.services.journal_check import verify_journal
from counter_app.services.profile import Profile
from counter_app.services.sync import approved_from, read_trust
from counter_app.store import Database, StoreError
from peripherals.base import DeviceError
from peripherals.document_printer import make_document_printer
from peripherals.receipt_printer import make_receipt_printer
from sync.protocol import is_behind

REQUIRED_FONTS = (
    "Amiri-Regular.ttf",
    "Amiri-Bold.ttf",
    "NotoSansArabic-Regular.ttf",
    "NotoSansArabic-Bold.ttf",
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
)
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true")
MIN_FREE_BYTES = 500 * 1024 * 1024


@dataclass(frozen=True)
class Check:
    status: str  # "OK", "WARN" or "FAIL"
    title: str
    detail: str
    advice: str = ""


def run_doctor(profile: Profile) -> list[Check]:
    checks: list[Check] = []
    try:
        config: CounterConfig | None = load_config(profile.config_path)
        assert config is not None
        checks.append(Check("OK", "configuration", f"workstation {config.workstation_id}"))
    except ConfigError as exc:
        config = None
        checks.append(Check("FAIL", "configuration", str(exc), "correct config.toml"))
    checks.extend(_database_checks(profile, config))
    checks.append(_keyring_check())
    checks.append(_fonts_check())
    if config is not None:
        checks.append(_printer_check(profile, config))
        checks.append(_document_printer_check(profile, config))
    checks.append(_disk_check(profile))
    checks.extend(_guard("version", lambda: [_version_check(profile)]))
    running = InstanceLock(profile.lock_path).is_held_elsewhere()
    checks.append(Check("OK", "instance", "the counter is running" if running else "not running"))
    return checks


def _guard(title: str, fn: Callable[[], list[Check]]) -> list[Check]:
    try:
        return fn()
    except StoreError as exc:
        return [Check("FAIL", title, str(exc), "restore the profile from a backup")]
    except Exception as exc:
        return [Check("FAIL", title, f"{type(exc).__name__}: {exc}", "see the log file")]


def _database_checks(profile: Profile, config: CounterConfig | None) -> list[Check]:
    if not profile.database_path.exists():
        return [Check("WARN", "database", "no database yet", "start the counter once")]
    db = Database(profile.database_path, readonly=True)
    db.open(config.workstation_id if config else "")

    def run() -> list[Check]:
        checks = []
        version, expected = db.schema_version(), db.expected_schema_version()
        if version == expected:
            checks.append(Check("OK", "schema", f"version {version}"))
        else:
            checks.append(
                Check(
                    "WARN",
                    "schema",
                    f"version {version}, this program expects {expected}",
                    "start the counter to migrate (a newer database is refused)",
                )
            )
        quick = db.quick_check()
        checks.append(
            Check("OK", "quick_check", quick)
            if quick == "ok"
            else Check("FAIL", "quick_check", quick, "restore counter.db from a backup")
        )
        for finding in _evidence(profile, db, config):
            checks.append(
                Check(
                    "FAIL",
                    f"evidence: {finding.kind}",
                    finding.describe(),
                    "do not repair anything: start the counter so that it is journaled, and "
                    "call the supervisor and headquarters",
                )
            )
        report = verify_journal(db)
        if report.ok:
            checks.append(Check("OK", "journal chain", f"{report.entries} entries verify"))
        else:
            assert report.problem is not None
            checks.append(
                Check(
                    "FAIL",
                    "journal chain",
                    report.problem.describe(),
                    "do not use this window; report the entry number to headquarters",
                )
            )
        return checks

    try:
        return _guard("database", run)
    finally:
        db.close()


def _evidence(profile: Profile, db: Database, config: CounterConfig | None) -> list[Finding]:
    """The seal, triggers, business rows and HQ's key, compared read-only."""
    if config is None:
        return []
    return evidence_findings(profile, db, config.workstation_id)


def _keyring_check() -> Check:
    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring):
        return Check(
            "WARN",
            "keyring",
            "no usable OS keyring",
            "enrolment with HQ needs one: Windows Credential Manager, or Secret Service "
            "(gnome-keyring/KWallet) unlocked in the clerk's session",
        )
    return Check("OK", "keyring", name)


def _fonts_check() -> Check:
    folder = resources.files("resources") / "fonts"
    missing = []
    for font in REQUIRED_FONTS:
        item = folder / font
        if not item.is_file() or item.read_bytes()[:4] not in _FONT_MAGIC:
            missing.append(font)
    if missing:
        return Check(
            "FAIL",
            "fonts",
            "missing or damaged: " + ", ".join(missing),
            "reinstall the application",
        )
    return Check("OK", "fonts", f"{len(REQUIRED_FONTS)} fonts found")


def _printer_check(profile: Profile, config: CounterConfig) -> Check:
    cfg = config.devices.receipt_printer
    try:
        printer = make_receipt_printer(cfg.backend, cfg.width_px, cfg.target, profile.printed_dir)
    except DeviceError as exc:
        return Check("FAIL", "receipt printer", str(exc), "correct [devices.receipt_printer]")
    state = printer.state()
    status = "OK" if state.value == "ready" else "WARN"
    return Check(status, "receipt printer", f"{cfg.backend}, {cfg.width_px} px: {state.value}")


def _document_printer_check(profile: Profile, config: CounterConfig) -> Check:
    cfg = config.devices.document_printer
    try:
        printer = make_document_printer(cfg.backend, cfg.target, profile.printed_dir)
    except DeviceError as exc:
        return Check("FAIL", "document printer", str(exc), "correct [devices.document_printer]")
    return Check(
        "OK",
        "document printer",
        f"{printer.name}; registration offsets x {cfg.offset_x_mm:+.1f} mm, "
        f"y {cfg.offset_y_mm:+.1f} mm",
    )


def _version_check(profile: Profile) -> Check:
    """This program's version against the one HQ approves (its signed trust bundle)."""
    hq_key, trust = read_trust(profile.database_path)
    approved = approved_from(trust, hq_key) if hq_key else ""
    if not approved:
        return Check("OK", "version", f"{__version__} (HQ has named no version)")
    if is_behind(__version__, approved):
        return Check(
            "WARN",
            "version",
            f"this program is {__version__}; HQ approves {approved}",
            "install the approved version over this one: the profile is kept (docs/install.md)",
        )
    return Check("OK", "version", f"{__version__} (HQ approves {approved})")


def _disk_check(profile: Profile) -> Check:
    free = shutil.disk_usage(profile.root).free
    text = f"{free / 1024**3:.1f} GiB free"
    if free < MIN_FREE_BYTES:
        return Check("WARN", "disk", text, "free space: the journal must always be writable")
    return Check("OK", "disk", text)
