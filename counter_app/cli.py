"""The command line: launch the counter, check it, verify its journal, simulate a day.

    counter-app [--profile DIR] [--lang ar|en] [--demo] [COMMAND]

Commands: run (the default: the counter window), smoke-test, doctor, support-bundle,
verify-journal, backup, simulate. Exit codes: 0 success, 1 a check failed, 2 the command
could not run (bad configuration, profile in use, newer database).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from counter_app import __version__, cli_care, cli_day
from counter_app.domain.errors import InputError
from counter_app.services.config import ConfigError, CounterConfig
from counter_app.services.context import AppContext
from counter_app.services.instance import AlreadyRunning
from counter_app.services.profile import Profile
from counter_app.store import StoreError
from peripherals.base import DeviceError
from sync.credentials import CredentialsUnavailable
from sync.protocol import is_behind

EXIT_OK, EXIT_CHECK_FAILED, EXIT_CANNOT_RUN, EXIT_UNCONFIRMED = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="counter-app", description="Egypt Post one-window service counter"
    )
    parser.add_argument("--version", action="version", version=f"counter-app {__version__}")
    parser.add_argument("--profile", type=Path, help="this workstation's data folder")
    parser.add_argument("--lang", choices=("ar", "en"), help="interface language (default ar)")
    parser.add_argument(
        "--demo", action="store_true", help="fill a new profile with the demo office and devices"
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="open the counter window (the default)")
    sub.add_parser("smoke-test", help="start offscreen, show the window, check, exit")
    figures = sub.add_parser("queue-figures", help="the day's queue figures (the office's)")
    figures.add_argument("--day", default="", help="the business day, YYYY-MM-DD (today)")
    figures.add_argument("--json", action="store_true")
    hall = sub.add_parser("display", help="the waiting-room display, full screen")
    hall.add_argument("--screen", type=int, default=1, help="which screen (1 is the first)")
    kiosk = sub.add_parser("kiosk", help="the ticket kiosk, full screen, touch")
    kiosk.add_argument(
        "--display-screen", type=int, default=0, help="also show the hall display on this screen"
    )
    sub.add_parser("doctor", help="print a health report; non-zero exit when something is wrong")
    sub.add_parser("verify-journal", help="recompute the journal's hash chain")
    support = sub.add_parser(
        "support-bundle", help="write a zip for IT: doctor, versions, configuration, logs"
    )
    support.add_argument("--out", type=Path, help="the zip to write (default: in the profile)")
    devices = sub.add_parser("devices", help="list, set or test this window's devices")
    devices.add_argument("action", choices=("list", "set", "test"))
    devices.add_argument("setting", nargs="?", help="set: role.field; test: the role")
    devices.add_argument("value", nargs="?", help="set: the new value")
    enroll = sub.add_parser("enroll", help="enrol this window with HQ using a one-time code")
    enroll.add_argument("--hq", required=True, help="HQ address, https://...")
    enroll.add_argument("--code", required=True, help="the one-time code from HQ")
    sub.add_parser("sync", help="push the journal to HQ and pull its bundles, once")
    sub.add_parser("status", help="enrolment, entries waiting, last sync")
    sub.add_parser("print-test", help="print a test receipt and the calibration page")
    jobs = sub.add_parser("print-jobs", help="list print jobs not yet printed, with the reason")
    jobs.add_argument("--reprint", type=int, metavar="JOB", help="print that job again (a copy)")
    jobs.add_argument(
        "--resume",
        action="store_true",
        help="print every receipt not yet printed (a failed one as a copy); certificates wait "
        "for the window and a supervisor",
    )
    sheets = sub.add_parser("load-sheets", help="record a pack of security paper in the stock")
    sheets.add_argument("--first", type=int, required=True, help="first serial of the pack")
    sheets.add_argument("--last", type=int, required=True, help="last serial of the pack")
    check = sub.add_parser("verify-certificate", help="verify a printed document's QR")
    check.add_argument("path", nargs="?", type=Path, help="a PDF or an image")
    check.add_argument(
        "--text", help="the decoded payload (base64url), or the address the QR opens"
    )
    check.add_argument("--hq-key", help="HQ's public key (default: the one this window trusts)")
    sim = sub.add_parser("simulate", help="drive the services with seeded, realistic activity")
    sim.add_argument("--days", type=int, default=1, help="business days to simulate")
    sim.add_argument("--seed", type=int, default=1, help="random seed (same seed, same days)")
    cli_day.add_parsers(sub)
    cli_care.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 (one return per command)
    args = build_parser().parse_args(argv)
    profile = AppContext.profile_for(args.profile, demo_mode=args.demo)
    command = args.command or "run"
    try:
        if command in ("doctor", "support-bundle"):
            return _doctor(profile) if command == "doctor" else _support_bundle(profile, args.out)
        if command in ("verify-journal", "backup", "restore"):
            return _care(profile, args)
        if command == "devices":
            return _devices(profile, args)
        if command in ("enroll", "sync", "status"):
            return _sync_command(profile, args)
        if command == "verify-certificate":
            return _verify_certificate(profile, args)
        if command in ("print-test", "load-sheets", "print-jobs"):
            return _print_command(profile, args)
        if command == "simulate":
            return _simulate(profile, args.demo, args.days, args.seed)
        if command == "queue-figures":
            return _queue_figures(profile, args)
        if command in ("display", "kiosk"):
            return _hall(profile, args)
        if command in ("close-day", "day-report", "acknowledge-tamper"):
            return _day(profile, args)
        return _gui(profile, args.demo, args.lang, smoke=command == "smoke-test")
    except (ConfigError, AlreadyRunning, StoreError, DeviceError, CredentialsUnavailable) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CANNOT_RUN
    except InputError as exc:
        print(exc.bilingual(), file=sys.stderr)
        return EXIT_CANNOT_RUN


def _care(profile: Profile, args: argparse.Namespace) -> int:
    if args.command == "verify-journal":
        return _verify_journal(profile)
    if args.command == "restore":
        return cli_care.restore(profile, args)
    if args.demo:
        _open(profile, demo=True).close()  # a demo profile is made on first use
    return cli_care.backup(profile, args)


def _day(profile: Profile, args: argparse.Namespace) -> int:
    ctx = _open(profile, args.demo)
    try:
        if args.command == "close-day":
            return cli_day.close_day(ctx, args)
        if args.command == "acknowledge-tamper":
            return cli_day.acknowledge_tamper(ctx, args)
        return cli_day.day_report(ctx, args)
    finally:
        ctx.close()


def _open(profile: Profile, demo: bool, **options: Any) -> AppContext:
    """The workstation of `profile`; with --demo, the demo prepares and seeds it."""
    if demo:
        from counter_app.services.demo import open_demo_workstation

        return open_demo_workstation(profile, **options)
    return AppContext.open(profile, **options)


def _gui(profile: Profile, demo: bool, lang: str | None, *, smoke: bool) -> int:
    if smoke:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Imported here so that doctor, verify-journal and simulate never load Qt.
    from counter_app.ui.app import run_counter_window

    ctx = _open(profile, demo)
    try:
        return run_counter_window(ctx, lang=lang or ctx.config.ui.lang, smoke_test=smoke)
    finally:
        ctx.close()


def _queue_figures(profile: Profile, args: argparse.Namespace) -> int:
    from counter_app.domain.queue import figures_table

    ctx = _open(profile, args.demo, log_to_file=False)
    try:
        report = ctx.queue.figures(args.day)
    finally:
        ctx.close()
    print(json.dumps(report, indent=1) if args.json else figures_table(report))
    return EXIT_OK


def _hall(profile: Profile, args: argparse.Namespace) -> int:
    from counter_app.ui.app import run_hall_display, run_kiosk

    ctx = _open(profile, args.demo)
    lang = args.lang or ctx.config.ui.lang
    try:
        if args.command == "display":
            return run_hall_display(ctx, lang=lang, screen=args.screen)
        return run_kiosk(ctx, lang=lang, display_screen=args.display_screen)
    finally:
        ctx.close()


def _doctor_report(profile: Profile) -> tuple[str, bool]:
    """Doctor's report as printed, and whether it found a problem."""
    from counter_app.services.doctor import run_doctor

    checks = run_doctor(profile)
    lines = [f"Counter App {__version__} health report for {profile.root}"]
    for check in checks:
        lines.append(f"[{check.status:4}] {check.title}: {check.detail}")
        if check.advice:
            lines.append(f"       -> {check.advice}")
    failed = [c for c in checks if c.status == "FAIL"]
    if failed:
        lines.append(f"{len(failed)} problem(s) need attention / توجد مشكلات تحتاج إلى معالجة")
    else:
        lines.append("healthy / سليم")
    return "\n".join(lines) + "\n", bool(failed)


def _doctor(profile: Profile) -> int:
    report, failed = _doctor_report(profile)
    print(report, end="")
    return EXIT_CHECK_FAILED if failed else EXIT_OK


def _support_bundle(profile: Profile, out: Path | None) -> int:
    from counter_app.services.support import default_name, write_bundle

    target = out or profile.root / "support" / default_name()
    report, _failed = _doctor_report(profile)  # a sick window is when support is needed
    names = write_bundle(profile, target, report)
    print(f"wrote {target} ({len(names)} files) / كُتبت حزمة الدعم")
    return EXIT_OK


def _verify_journal(profile: Profile) -> int:
    from counter_app.services.config import load_config
    from counter_app.services.evidence import evidence_findings
    from counter_app.services.journal_check import verify_journal
    from counter_app.store import Database

    config = load_config(profile.config_path)
    db = Database(profile.database_path, readonly=True)
    db.open(config.workstation_id)
    try:
        report = verify_journal(db)
        findings = evidence_findings(profile, db, config.workstation_id)
    finally:
        db.close()
    if report.problem is not None:
        print(f"JOURNAL BROKEN at {report.problem.describe()}")
        return EXIT_CHECK_FAILED
    if findings:
        for finding in findings:
            print(f"TAMPERING ({finding.kind}): {finding.describe()}")
        return EXIT_CHECK_FAILED
    print(
        f"journal OK: {report.entries} entries, last seq {report.last_seq}, "
        f"last hash {report.last_hash[:16]}"
    )
    return EXIT_OK


def _sync_command(profile: Profile, args: argparse.Namespace) -> int:
    from counter_app.services.sync import SyncProblem
    from sync.client import HqRefused, HqUnavailable

    if args.command == "enroll" and not args.demo and not profile.config_path.exists():
        return _enroll_new_window(profile, args.hq, args.code)
    ctx = _open(profile, args.demo)
    try:
        if args.command == "enroll":
            done = ctx.sync.enroll(args.hq, args.code)
            print(f"enrolled as {done.workstation_id} with {done.hq_url}")
            return EXIT_OK
        if args.command == "status":
            snapshot = ctx.status.snapshot()
            enrolment = ctx.sync.enrolment()
            print(f"workstation:  {ctx.config.workstation_id}")
            print(f"enrolled:     {enrolment.hq_url if enrolment else 'no'}")
            print(f"waiting:      {snapshot.waiting_to_sync} journal entries")
            print(f"last sync:    {snapshot.link.last_sync or 'never'}")
            approved = ctx.sync.approved_version()
            print(
                f"version:      {__version__}" + (f" (HQ approves {approved})" if approved else "")
            )
            _warn_if_behind(approved)
            return EXIT_OK
        try:
            report = ctx.sync.sync_once()
        except HqUnavailable as exc:
            print(f"HQ unreachable; nothing is lost, sync again later: {exc}", file=sys.stderr)
            print("المركز الرئيسي غير متاح؛ لم يُفقد شيء", file=sys.stderr)
            return EXIT_CHECK_FAILED
        except (HqRefused, SyncProblem) as exc:
            print(f"sync stopped: {exc}", file=sys.stderr)
            return EXIT_CHECK_FAILED
        offset = ctx.sync.clock_offset_s
        print(f"pushed {report.pushed} entries; HQ holds up to {report.acked_seq}")
        print(f"bundles updated: {', '.join(report.bundles) or 'none'}")
        if offset is not None and abs(offset) > 300:
            print(f"WARNING: this computer's clock differs from HQ by {offset:.0f} s")
        _warn_if_behind(ctx.sync.approved_version())
        return EXIT_OK
    finally:
        ctx.close()


def _warn_if_behind(approved: str) -> None:
    if is_behind(__version__, approved):
        print(
            f"WARNING: HQ approves version {approved}; this window runs {__version__}: install "
            "the approved version (the profile is kept)\n"
            f"تنبيه: المركز يعتمد الإصدار {approved} وهذا الشباك يعمل بالإصدار {__version__}"
        )


def _devices(profile: Profile, args: argparse.Namespace) -> int:
    from counter_app.services import devices
    from counter_app.services.config import load_config
    from counter_app.services.demo import write_demo_config

    if args.demo:
        write_demo_config(profile)
    if args.action == "list":
        for line in devices.describe(load_config(profile.config_path)):
            print(line)
        return EXIT_OK
    if args.action == "set":
        if not args.setting or args.value is None:
            print("usage: counter-app devices set ROLE.FIELD VALUE", file=sys.stderr)
            return EXIT_CANNOT_RUN
        devices.set_device(profile.config_path, args.setting, args.value, profile.printed_dir)
        print(f"{args.setting} = {args.value!r} written to {profile.config_path}")
        print("restart the counter window for the change to take effect")
        return EXIT_OK
    role = args.setting or "receipt_printer"
    if role not in devices.ROLES:
        print(f"no device role {role!r}; roles: {', '.join(devices.ROLES)}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    if role not in ("receipt_printer", "document_printer"):
        return _test_other(profile, role)
    ctx = _open(profile, args.demo)
    try:
        outcome = ctx.printing.print_test()[0 if role == "receipt_printer" else 1]
    finally:
        ctx.close()
    print(f"{role}: {outcome.status}" + (f" - {outcome.error}" if outcome.error else ""))
    return EXIT_OK if outcome.status == "printed" else EXIT_CHECK_FAILED


def _test_speaker(profile: Profile, config: CounterConfig) -> int:
    """Says a sample call through the configured speaker; the clips' call is also kept as
    printed/speaker-test.wav to listen to."""
    from peripherals.speaker import (
        Announcement,
        ClipLibrary,
        VoiceSpeaker,
        make_speaker,
        system_player,
    )

    cfg = config.devices.speaker
    call = Announcement("م", 123, 3)
    try:
        if cfg.backend == "clips":
            library = ClipLibrary(Path(cfg.clips_dir) if cfg.clips_dir else None)
            profile.printed_dir.mkdir(parents=True, exist_ok=True)
            (profile.printed_dir / "speaker-test.wav").write_bytes(library.render(call))
        make_speaker(cfg.backend, cfg.clips_dir, cfg.output).say(call)
    except (OSError, KeyError, ValueError) as exc:
        print(f"speaker: {cfg.backend} - failed: {exc}")
        return EXIT_CHECK_FAILED
    unheard = (cfg.backend == "clips" and not cfg.output and system_player() is None) or (
        cfg.backend == "voice" and not VoiceSpeaker.available()
    )
    if unheard:
        print(
            f"speaker: {cfg.backend} - nothing can play sound here (install alsa-utils or "
            "espeak-ng); the call is in printed/speaker-test.wav"
        )
        return EXIT_CHECK_FAILED
    print(f"speaker: {cfg.backend} - said: {call.text}")
    return EXIT_OK


def _test_other(profile: Profile, role: str) -> int:
    """The camera takes a photo a person can look at; the drawer and the bank's terminal
    are not tested from here."""
    from counter_app.services.config import load_config
    from peripherals.base import DeviceError
    from peripherals.camera import make_camera

    config = load_config(profile.config_path)
    if role == "speaker":
        return _test_speaker(profile, config)
    if role != "camera":
        backend = getattr(config.devices, role).backend
        print(
            f"{role}: {backend} - no test from the command line (the drawer opens with the "
            "first cash receipt; the bank's terminal is tested with the bank)"
        )
        return EXIT_OK
    cfg = config.devices.camera
    try:
        photo = make_camera(cfg.backend, cfg.index).capture()
    except DeviceError as exc:
        print(f"camera: {cfg.backend} - failed: {exc}")
        return EXIT_CHECK_FAILED
    profile.printed_dir.mkdir(parents=True, exist_ok=True)
    target = profile.printed_dir / "camera-test.png"
    target.write_bytes(photo)
    print(f"camera: {cfg.backend} - a photo of {len(photo)} bytes, in {target}")
    return EXIT_OK


def _enroll_new_window(profile: Profile, hq_url: str, code: str) -> int:
    """A window with no configuration yet: HQ's answer says which office and window it is,
    and config.toml is written from it (devices stay the defaults: `counter-app devices`)."""
    from counter_app.services.config import render_config, write_config
    from counter_app.services.enrolment import begin_store, request_enrolment, store_head
    from sync.credentials import os_keyring_usable

    if not os_keyring_usable():  # before the one-time code is spent
        raise CredentialsUnavailable(
            "the OS keyring is not usable: unlock it (Windows Credential Manager, the Secret "
            "Service on Linux) before enrolling\nمخزن كلمات السر في نظام التشغيل غير متاح"
        )
    granted = request_enrolment(hq_url, code, journal_seq=store_head(profile.database_path))
    begin_store(profile.database_path, granted)  # a replacement PC continues the window
    cert = granted.answer.certificate
    write_config(
        profile.config_path,
        render_config(
            office_code=cert.office_code,
            name_ar=granted.answer.office_name_ar or granted.answer.office_name,
            name_en=granted.answer.office_name,
            window=cert.window,
            demo=False,
            hq_url=granted.hq_url,
        ),
    )
    print(f"configuration written to {profile.config_path}")
    ctx = AppContext.open(profile)
    try:
        done = ctx.sync.record_enrolment(granted)
    finally:
        ctx.close()
    print(f"enrolled as {done.workstation_id} with {done.hq_url}")
    return EXIT_OK


def _print_command(profile: Profile, args: argparse.Namespace) -> int:
    ctx = _open(profile, args.demo)
    try:
        if args.command == "load-sheets":
            count = ctx.printing.load_sheets(args.first, args.last, "system")
            stock = ctx.printing.sheet_counts()
            print(f"{count} sheets of security paper added to the stock: {stock}")
            return EXIT_OK
        if args.command == "print-jobs":
            if args.reprint is not None:
                if ctx.printing.is_certificate(args.reprint):
                    raise InputError(
                        "job",
                        "تُطبع الشهادة مرة أخرى من الشباك بموافقة المشرف (Ctrl+P)",
                        "A certificate is printed again at the window, with a supervisor "
                        "(Ctrl+P), never from the command line",
                    )
                outcome = ctx.printing.reprint(args.reprint, "system")
                print(
                    f"job {outcome.job_id}: {outcome.status} (copy {outcome.copy_number})"
                    + (f" - {outcome.error}" if outcome.error else "")
                )
                return EXIT_OK if outcome.status == "printed" else EXIT_CHECK_FAILED
            if args.resume:
                return cli_care.resume_jobs(ctx)
            unfinished = ctx.printing.unfinished_jobs()
            for job_id, kind, status, reason in unfinished:
                print(f"job {job_id}: {kind}, {status}" + (f" - {reason}" if reason else ""))
            print(f"{len(unfinished)} job(s) not printed")
            return EXIT_OK
        outcomes = ctx.printing.print_test()
        names = (
            f"receipt printer ({ctx.receipt_printer.name})",
            f"calibration page, document printer ({ctx.printing.document_printer.name})",
        )
        for name, outcome in zip(names, outcomes, strict=True):
            print(f"{name}: {outcome.status}" + (f" - {outcome.error}" if outcome.error else ""))
        return EXIT_OK if all(o.status == "printed" for o in outcomes) else EXIT_CHECK_FAILED
    finally:
        ctx.close()


def _verify_certificate(profile: Profile, args: argparse.Namespace) -> int:
    """0 valid (revocation checked), 1 not valid, 2 cannot run, 3 genuine but HQ's
    revocation list was not at hand (printing/QR_FORMAT.md, "Verifying")."""
    from counter_app.services import verification
    from counter_app.services.sync import read_trust, revoked_from

    # Read-only: verifying may happen beside a running counter.
    enrolled_key, trust = read_trust(profile.database_path)
    if enrolled_key is not None and not args.hq_key and not _anchored(profile, enrolled_key):
        return EXIT_CANNOT_RUN
    hq_key = _usable_hq_key(args.hq_key or enrolled_key)
    if hq_key is None or not (args.text or args.path):
        if hq_key is not None:
            print("give a PDF or image path, or --text", file=sys.stderr)
        return EXIT_CANNOT_RUN
    revoked = revoked_from(trust, hq_key)
    try:
        if args.text:
            payloads = [verification.payload_from_text(args.text)]
        else:
            payloads = verification.payloads_from_file(args.path)
        for payload in payloads:
            for line in verification.check(payload, hq_key, revoked or frozenset()).lines():
                print(line)
    except verification.UnreadableDocument as exc:
        print(f"INVALID / غير صالحة: {exc}")
        return EXIT_CHECK_FAILED
    except verification.InvalidDocument as exc:
        print(f"INVALID / غير صالحة: {exc.reason_en}\n{exc.reason_ar}")
        return EXIT_CHECK_FAILED
    if revoked is None:
        print(
            "REVOCATION NOT CHECKED: no trust list from HQ signed by this key is at hand\n"
            "لم يُتحقق من الإلغاء: لا توجد قائمة ثقة موقعة من المركز"
        )
        return EXIT_UNCONFIRMED
    return EXIT_OK


def _anchored(profile: Profile, enrolled_key: str) -> bool:
    """The store's copy of HQ's key is the one kept in the keyring at enrolment (a swapped
    key would make a forger's certificates verify); said on stderr when it is not."""
    from counter_app.services.config import load_config
    from sync import credentials

    try:
        anchor = credentials.load_anchor(load_config(profile.config_path).workstation_id)
    except credentials.CredentialsUnavailable:
        anchor = None  # cannot compare here: HQ's key is still checked at the window's start
    if anchor is None or anchor == enrolled_key:
        return True
    print(
        "HQ's key in this window's store is not the one it enrolled with (kept in the "
        "keyring): the store was tampered with; verify with --hq-key from HQ\n"
        "مفتاح المركز في قاعدة بيانات الشباك ليس المفتاح المسجل: تلاعب بالبيانات",
        file=sys.stderr,
    )
    return False


def _usable_hq_key(text: str | None) -> str | None:
    """HQ's public key to verify with, or None (said on stderr) when there is none."""
    from sync.protocol import SignatureError, load_public_key

    if text is None:
        print("no HQ key: enrol this window or pass --hq-key", file=sys.stderr)
        return None
    try:
        load_public_key(text)
    except (SignatureError, ValueError):
        print(
            "--hq-key is not an Ed25519 public key (32 bytes, base64url)\n"
            "المفتاح المعطى ليس مفتاحًا عامًا صالحًا للمركز الرئيسي",
            file=sys.stderr,
        )
        return None
    return text


def _simulate(profile: Profile, demo: bool, days: int, seed: int) -> int:
    from counter_app.services.clock import SimulatedClock
    from counter_app.services.simulate import first_simulated_day, simulate

    if days < 1:
        print("--days must be 1 or more", file=sys.stderr)
        return EXIT_CANNOT_RUN
    clock = SimulatedClock(datetime.now(UTC))
    ctx = _open(profile, demo, clock=clock)
    try:
        start = first_simulated_day(ctx, days)
        print(
            f"simulating {days} day(s) from {start} with seed {seed} at {ctx.config.workstation_id}"
        )
        report = simulate(
            ctx,
            clock,
            days=days,
            seed=seed,
            start=start,
            progress=lambda day: print("  " + day.line(), flush=True),
        )
        print(f"done: {report.entries} journal entries")
    finally:
        ctx.close()
    return EXIT_OK
