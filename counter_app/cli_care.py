"""Looking after a window from the command line, for an IT officer:

    counter-app backup [--to DIR]        a checked copy of the store, while the counter works
    counter-app restore FILE [--offline] the store put back from a backup, where that can
                                         neither fork the journal nor lose what HQ holds
    counter-app print-jobs --resume      (in cli.py) the receipts still waiting, printed

`backup` copies the store with SQLite's online backup API (the counter may be working),
checks the copy (its pages, then its whole journal chain), and keeps the newest
`[backup] keep` copies in the folder, as the day close does. Exit codes: 0 written and
checked, 1 the copy did not check out, 2 the command could not run.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.domain.errors import InputError
from counter_app.services.config import load_config
from counter_app.services.context import AppContext
from counter_app.services.day_close import BackupFailed, backup_store
from counter_app.services.demo import DEMO_SECRETS, DemoProfileKeyring
from counter_app.services.journal_check import verify_journal
from counter_app.services.profile import Profile
from counter_app.services.restore import Restored, restore_store
from counter_app.services.restore_hq import HqCopy
from counter_app.store import Database
from sync import credentials

EXIT_OK, EXIT_CHECK_FAILED = 0, 1


def add_parsers(sub: Any) -> None:
    backup = sub.add_parser(
        "backup", help="a checked copy of the store (the counter may be working meanwhile)"
    )
    backup.add_argument(
        "--to", type=Path, help="the folder (default: [backup] folder, or backups/ in the profile)"
    )

    restore = sub.add_parser(
        "restore", help="put a backup in place of a lost or damaged store (docs/operations.md)"
    )
    restore.add_argument("file", type=Path, help="the backup (counter-*.db)")
    restore.add_argument(
        "--offline",
        action="store_true",
        help="do not ask HQ: only when the office has been offline since before the backup",
    )


def restore(profile: Profile, args: argparse.Namespace) -> int:
    config = load_config(profile.config_path)
    ws = config.workstation_id
    if args.demo:  # the demo keeps its secrets in the profile when there is no keyring
        credentials.use_fallback(DemoProfileKeyring(profile.root / DEMO_SECRETS))
    asking = None if args.offline else HqCopy(args.file, ws, config.hq.ca_bundle)
    done = restore_store(profile, ws, args.file, asking)
    print(f"restored from {args.file}: {done.entries} journal entries, to seq {done.last_seq}")
    if done.replayed is not None:
        _say_caught_up(done)
    elif done.hq_seq is not None:
        print(
            f"  HQ holds this window's entries to seq {done.hq_seq}: the rest go at the next sync"
        )
    if done.kept_aside is not None:
        print(f"  the store that was in use is kept as {done.kept_aside}")
    print(
        "  at the next start the window reports the restore and waits for a supervisor\n"
        "  عند التشغيل التالي يسجل الشباك الاستعادة وينتظر إقرار المشرف"
    )
    return EXIT_OK


def _say_caught_up(done: Restored) -> None:
    """What fetching back from HQ brought, and what the clerk or IT must do about the rest."""
    replayed = done.replayed
    assert replayed is not None
    print(
        f"  HQ held {done.fetched} entries the backup lacked, to seq {done.hq_seq}: fetched, "
        f"checked and replayed ({replayed.payments} payments); the restore is entry "
        f"{done.last_seq}\n  جُلبت {done.fetched} قيود من المركز وتم التحقق منها وإعادة بنائها"
    )
    if done.hq_seq is not None and done.signed_seq < done.hq_seq:
        print(
            f"  entries {done.signed_seq + 1} to {done.hq_seq} came after the last head this "
            "window signed (a push cut short): they were checked by their chain alone\n"
            "  قيود بعد آخر رأس موقع: تم التحقق منها بالسلسلة وحدها"
        )
    if replayed.chain_restarted:
        print(
            f"  receipts go on from number {replayed.last_receipt + 1}; their QR chain starts "
            "anew\n  يستمر ترقيم الإيصالات وتبدأ سلسلة رموز QR من جديد"
        )
    if replayed.jobs_put_aside:
        jobs = ", ".join(str(j) for j in replayed.jobs_put_aside)
        print(
            f"  print jobs {jobs} were not finished at HQ's last entry: put aside, never "
            "printed by themselves; check the printer's output (counter-app print-jobs)\n"
            "  أوامر طباعة لم تكتمل: لا تُطبع تلقائيًا؛ راجع ما خرج من الطابعة"
        )
    if replayed.requests_without_details:
        trackings = ", ".join(replayed.requests_without_details)
        print(
            f"  requests {trackings}: their details never reached HQ and were lost with the "
            "disk; the applicants file them again\n"
            "  طلبات لم تصل بياناتها إلى المركز: يُعاد تقديمها"
        )
    if replayed.queue_actions_not_kept:
        print(
            f"  {replayed.queue_actions_not_kept} queue action(s) kept while the office's "
            "queue host was away are not in the journal: check the host's queue\n"
            "  إجراءات طابور احتُفظ بها أثناء غياب جهاز الطابور لم تُستعد: راجع الطابور"
        )
    if replayed.clerks_to_add:
        print(
            f"  clerks added after the backup ({', '.join(replayed.clerks_to_add)}): the "
            "supervisor adds them again with a new PIN\n  يعيد المشرف إضافة الموظفين الجدد"
        )


def backup(profile: Profile, args: argparse.Namespace) -> int:
    config = load_config(profile.config_path)
    if not profile.database_path.exists():
        raise InputError(
            "store", "لا توجد قاعدة بيانات لنسخها", f"There is no store at {profile.database_path}"
        )
    folder = args.to or (Path(config.backup.folder) if config.backup.folder else None)
    folder = folder or profile.root / "backups"
    if folder.exists() and not folder.is_dir():
        raise InputError(
            "to", f"{folder} ملف وليس مجلدًا", f"{folder} is a file, not a folder: name a folder"
        )
    source = Database(profile.database_path)
    stamp = f"{datetime.now():%Y-%m-%d-%H%M%S%f}"  # two in one second keep both
    try:
        target = backup_store(source, folder, stamp, config.backup.keep)
    except BackupFailed as exc:
        print(exc.bilingual())
        return EXIT_CHECK_FAILED
    copy = Database(target, readonly=True)
    copy.open(config.workstation_id)
    try:
        report = verify_journal(copy)
    finally:
        copy.close()
    if not report.ok:
        target.unlink(missing_ok=True)
        print(f"the copy's journal does not verify ({report.problem}); it was removed")
        return EXIT_CHECK_FAILED
    print(
        f"backup written and checked: {target}\n"
        f"  {report.entries} journal entries, to seq {report.last_seq}; "
        f"the newest {config.backup.keep} copies are kept in {folder}"
    )
    return EXIT_OK


def resume_jobs(ctx: AppContext) -> int:
    """After the printer is mended (or after an upgrade): the receipts still waiting, in
    order. One never tried is printed as it was; one that failed may have put half a
    receipt on paper, so it is printed as a copy. Certificates wait for the window."""
    printed, waiting = 0, 0
    for job_id, kind, status, _reason in ctx.printing.unfinished_jobs():
        if ctx.printing.is_certificate(job_id):
            print(f"job {job_id}: {kind}, {status} - waits for the window (a supervisor)")
            waiting += 1
            continue
        if status == "pending":
            outcome = ctx.printing.run(job_id)
        else:
            outcome = ctx.printing.reprint(job_id, "system")
        error = f" - {outcome.error}" if outcome.error else ""
        print(f"job {job_id}: {kind}, {outcome.status}{error}")
        if outcome.status == "printed":
            printed += 1
        else:
            waiting += 1
    print(f"{printed} job(s) printed, {waiting} still waiting")
    return EXIT_OK if waiting == 0 else EXIT_CHECK_FAILED
