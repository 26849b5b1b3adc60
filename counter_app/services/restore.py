"""Restoring a window's store from a backup, when the store in use is lost or damaged.

A restore must neither fork the window's journal nor lose what HQ holds, so it is done
only where it can do neither:

- the backup is sound (its pages and its whole journal chain) and is this window's;
- the store in use is missing or damaged, or holds less than the backup (a sound store
  that holds as much is never replaced);
- HQ holds no entry the backup lacks, and its last entry is the backup's own. (When HQ is
  ahead, HQ already has everything the backup holds: the window's PC is replaced instead,
  docs/operations.md. Fetching entries back from HQ into an older backup is not built.)

The store it replaces is moved aside, never deleted. The journal's seal (kept outside
the store) is left as it was: at the next start the window finds its journal behind the
seal, journals that finding, HQ sees it, and operations wait for a supervisor.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from counter_app.domain.errors import InputError
from counter_app.services.instance import InstanceLock
from counter_app.services.journal_check import JournalReport, verify_journal
from counter_app.services.profile import Profile
from counter_app.services.sync import ENROLMENT
from counter_app.store import Database, StoreError
from sync import credentials
from sync.client import HqClient, HqRefused, HqUnavailable

# Asks HQ for (last seq, its hash) of this window's journal as HQ holds it; None when
# the window was never enrolled. Raises InputError when HQ cannot be asked.
HqHead = Callable[[], tuple[int, str] | None]


@dataclass(frozen=True)
class Restored:
    entries: int
    last_seq: int
    hq_seq: int | None  # None: HQ was not asked (never enrolled, or --offline)
    kept_aside: Path | None


def _refused(reason: str, ar: str, en: str) -> InputError:
    return InputError(reason, ar, en)


def _sound(path: Path, workstation_id: str) -> tuple[JournalReport, str | None] | None:
    """The journal report and the owner of the store at `path`, or None when it cannot be
    read or its pages or chain are damaged."""
    db = Database(path, readonly=True)
    try:
        db.open(workstation_id)
        if db.quick_check() != "ok":
            return None
        report = verify_journal(db)
        with db.read() as tx:
            owner = tx.fact("workstation_id")
    except (StoreError, sqlite3.DatabaseError, SQLAlchemyError):
        return None
    finally:
        db.close()
    return (report, owner) if report.ok else None


def hq_head_of(backup: Path, workstation_id: str, ca_bundle: str) -> HqHead:
    """How to ask HQ for this window's head: with the address the backup's enrolment
    names and the token in the keyring."""

    def ask() -> tuple[int, str] | None:
        db = Database(backup, readonly=True)
        db.open(workstation_id)
        try:
            with db.read() as tx:
                text = tx.fact(ENROLMENT)
        finally:
            db.close()
        if text is None:
            return None  # never enrolled: HQ holds nothing of this window
        creds = credentials.load(workstation_id)
        if creds is None:
            raise _refused(
                "token_missing",
                "رمز الاتصال بالمركز غير موجود في مخزن كلمات السر: استبدل جهاز الشباك",
                "The keyring no longer holds this window's HQ token, so HQ cannot be asked "
                "and the window could not sync: replace the window's PC (docs/operations.md)",
            )
        client = HqClient(str(json.loads(text)["hq_url"]), token=creds.token, ca_bundle=ca_bundle)
        try:
            head = client.head()
        except HqUnavailable as exc:
            raise _refused(
                "hq",
                "تعذر سؤال المركز الرئيسي؛ أعد المحاولة عند عودة الاتصال",
                f"HQ could not be asked ({exc}): restore when it answers, or with --offline "
                "only if the office has been offline since before the backup was taken",
            ) from exc
        except HqRefused as exc:
            raise _refused("hq", exc.message_ar, exc.message_en) from exc
        finally:
            client.close()
        return head.acked_seq, head.acked_hash

    return ask


def check_backup(backup: Path, workstation_id: str) -> JournalReport:
    if not backup.is_file():
        raise _refused("backup", "ملف النسخة الاحتياطية غير موجود", f"There is no file {backup}")
    found = _sound(backup, workstation_id)
    if found is None:
        raise _refused(
            "backup",
            "النسخة الاحتياطية تالفة أو ليست قاعدة بيانات شباك",
            f"{backup} is damaged or is not a window's store: its pages or its journal "
            "do not check out",
        )
    report, owner = found
    if owner != workstation_id:
        raise _refused(
            "backup",
            "النسخة الاحتياطية لشباك آخر",
            f"{backup} is the store of {owner}, not of {workstation_id}",
        )
    return report


def restore_store(
    profile: Profile, workstation_id: str, backup: Path, hq_head: HqHead | None
) -> Restored:
    """Put `backup` in place of the profile's store, when that can neither fork the
    journal nor lose what HQ holds (the module says when). `hq_head` None: HQ is not
    asked (the office has been offline since before the backup was taken)."""
    report = check_backup(backup, workstation_id)
    current = profile.database_path
    if current.exists():
        found = _sound(current, workstation_id)
        if found is not None and found[0].last_seq >= report.last_seq:
            raise _refused(
                "sound_store",
                "قاعدة البيانات الحالية سليمة وفيها كل ما في النسخة الاحتياطية؛ لم يتغير شيء",
                f"The store in use is sound and holds entries to seq {found[0].last_seq}, "
                f"the backup only to {report.last_seq}: nothing to restore, nothing changed",
            )
    hq_seq = _check_hq(hq_head, backup, workstation_id, report)
    with InstanceLock(profile.lock_path):
        aside = _move_aside(current)
        # The store's own copying: SQLite's backup API into a partial file, checked,
        # flushed, then renamed into place.
        copied = Database(backup, readonly=True).backup_to(current)
    if copied != "ok":
        raise _refused(
            "backup",
            "تعذر نسخ النسخة الاحتياطية",
            f"The backup's copy did not check out ({copied})",
        )
    restored = _sound(current, workstation_id)
    assert restored is not None and restored[0].last_seq == report.last_seq
    return Restored(report.entries, report.last_seq, hq_seq, aside)


def _check_hq(
    hq_head: HqHead | None, backup: Path, workstation_id: str, report: JournalReport
) -> int | None:
    if hq_head is None:
        return None
    head = hq_head()
    if head is None:
        return None
    acked, acked_hash = head
    if acked > report.last_seq:
        raise _refused(
            "hq_ahead",
            "المركز لديه قيود أحدث من النسخة الاحتياطية: لا تُستعاد؛ استبدل جهاز الشباك",
            f"HQ holds this window's entries to seq {acked}, the backup only to "
            f"{report.last_seq}: HQ already has everything the backup holds. Restoring it "
            "would fork the journal; replace the window's PC instead (docs/operations.md)",
        )
    db = Database(backup, readonly=True)
    db.open(workstation_id)
    try:
        with db.read() as tx:
            mine = tx.journal.hash_at(acked) if acked else None
    finally:
        db.close()
    if acked and mine != acked_hash:
        raise _refused(
            "fork",
            f"نسخة المركز من القيد {acked} تختلف عن النسخة الاحتياطية",
            f"HQ's entry {acked} differs from the backup's: this backup is not this "
            "window's history as HQ holds it; call HQ",
        )
    return acked


def _move_aside(current: Path) -> Path | None:
    """The store in use (and its WAL files) renamed, never deleted."""
    if not current.exists():
        return None
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
    aside = current.with_name(f"{current.name}.before-restore-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{current}{suffix}")
        if source.exists():
            source.rename(Path(f"{aside}{suffix}"))
    return aside
