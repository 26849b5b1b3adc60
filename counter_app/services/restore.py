"""Restoring a window's store from a backup, when the store in use is lost or damaged.

A restore must neither fork the window's journal nor lose what HQ holds, so it is done
only where it can do neither:

- the backup is sound (its pages and its whole journal chain) and is this window's;
- the store in use is missing or damaged, or holds less than the backup (a sound store
  that holds as much is never replaced);
- HQ's copy of the window's journal is the backup's, or continues it. When HQ holds
  entries the backup lacks (the usual case when the office was online), they are fetched
  back, checked (services/fetch_back.py) and replayed into the restored copy
  (services/replay.py), with the restore's own `store.restored` entry saying what could
  not come back; a type of entry the replay does not know refuses the restore.

The restored store is made aside and put in place only when whole. The store it
replaces is moved aside, never deleted. The journal's seal (kept outside the store) is
left as it was: when the window's journal ends before it (entries HQ never got), the next
start finds that, journals it, HQ sees it, and operations wait for a supervisor.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from counter_app.domain.catalogue import CatalogueError, parse_catalogue
from counter_app.domain.errors import InputError
from counter_app.domain.journal import EntryDraft
from counter_app.services.clock import Clock, SystemClock
from counter_app.services.fetch_back import Fetched
from counter_app.services.instance import InstanceLock
from counter_app.services.journal_check import JournalReport, verify_journal
from counter_app.services.profile import Profile
from counter_app.services.recorder import LAST_ACKED_SEQ
from counter_app.services.replay import Labels, Replayed, not_replayable, put_aside, replay_entries
from counter_app.store import Database, StoreError, Transaction, fsync_path
from resources import default_catalogue_path


@dataclass(frozen=True)
class Restored:
    entries: int  # in the backup
    last_seq: int  # the restored journal's last entry
    hq_seq: int | None  # None: HQ was not asked (never enrolled, or --offline)
    kept_aside: Path | None
    fetched: int = 0  # entries fetched back from HQ
    replayed: Replayed | None = None
    signed_seq: int = 0  # the last fetched entry the window's own signature vouches for


class HqAsked(Protocol):
    """HQ's copy of this window's journal (restore_hq.HqCopy; tests may stand in)."""

    def head(self) -> tuple[int, str] | None: ...

    def fetch(self, report: JournalReport, acked: int, enrolled_seq: int | None) -> Fetched: ...


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
    profile: Profile,
    workstation_id: str,
    backup: Path,
    hq: HqAsked | None,
    labels: Labels | None = None,
    clock: Clock | None = None,
) -> Restored:
    """Put `backup` in place of the profile's store, brought up to HQ's copy when HQ is
    ahead, when that can neither fork the journal nor lose what HQ holds (the module says
    when). `hq` None: HQ is not asked (the office has been offline since before the backup
    was taken)."""
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
    hq_seq, fetched = _check_hq(hq, backup, workstation_id, report)
    staging = current.with_name(f"{current.name}.restoring")
    with InstanceLock(profile.lock_path):
        for suffix in ("", "-wal", "-shm"):  # what an interrupted restore left
            Path(f"{staging}{suffix}").unlink(missing_ok=True)
        # The store's own copying: SQLite's backup API into a partial file, checked and
        # flushed; then, when HQ is ahead, brought up to HQ's copy there.
        copied = Database(backup, readonly=True).backup_to(staging)
        if copied != "ok":
            raise _refused(
                "backup",
                "تعذر نسخ النسخة الاحتياطية",
                f"The backup's copy did not check out ({copied})",
            )
        replayed = None
        try:
            if fetched is not None:
                replayed = _catch_up(
                    staging, workstation_id, backup, fetched, labels, clock or SystemClock()
                )
            restored = _sound(staging, workstation_id)
            expected = fetched.acked_seq + 1 if fetched is not None else report.last_seq
            if restored is None or restored[0].last_seq != expected:
                raise _refused(
                    "backup",
                    "لم تجتز النسخة المستعادة الفحص؛ لم يتغير شيء",
                    f"The restored copy does not check out (its journal should end at "
                    f"{expected}): nothing changed",
                )
        except BaseException:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{staging}{suffix}").unlink(missing_ok=True)
            raise
        aside = _keep_aside(current)
        fsync_path(staging)
        staging.replace(current)
        fsync_path(current.parent)
    return Restored(
        report.entries,
        expected,
        hq_seq,
        aside,
        len(fetched.entries) if fetched is not None else 0,
        replayed,
        fetched.signed_seq if fetched is not None else 0,
    )


def _check_hq(
    hq: HqAsked | None, backup: Path, workstation_id: str, report: JournalReport
) -> tuple[int | None, Fetched | None]:
    if hq is None:
        return None, None
    head = hq.head()
    if head is None:
        return None, None
    acked, acked_hash = head
    db = Database(backup, readonly=True)
    db.open(workstation_id)
    try:
        with db.read() as tx:
            mine = tx.journal.hash_at(min(acked, report.last_seq)) if acked else None
            enrolled = tx.journal.last_of("workstation.enrolled")
    finally:
        db.close()
    if acked > report.last_seq:
        fetched = hq.fetch(report, acked, enrolled.seq if enrolled is not None else None)
        unknown = not_replayable(fetched.entries)
        if unknown:
            raise _refused(
                "replay",
                "قيود المركز فيها أنواع لا تُعاد بناؤها؛ لم يتغير شيء: استبدل جهاز الشباك",
                f"HQ's entries after the backup include types this version cannot replay "
                f"({', '.join(unknown)}): nothing changed; replace the window's PC instead "
                "(docs/operations.md)",
            )
        return acked, fetched
    if acked and mine != acked_hash:
        raise _refused(
            "fork",
            f"نسخة المركز من القيد {acked} تختلف عن النسخة الاحتياطية",
            f"HQ's entry {acked} differs from the backup's: this backup is not this "
            "window's history as HQ holds it; call HQ",
        )
    return acked, None


def _catch_up(
    staging: Path,
    workstation_id: str,
    backup: Path,
    fetched: Fetched,
    labels: Labels | None,
    clock: Clock,
) -> Replayed:
    """The fetched entries appended to the copy at `staging` and replayed, the restore's
    own entry after them, HQ's head taken as synced; all in one transaction."""
    db = Database(staging)
    try:
        db.open(workstation_id)
        with db.write() as tx:
            replayed = replay_entries(tx, fetched.entries, labels or catalogue_labels(tx))
            payload = {
                "backup": backup.name,
                "fetched_from": fetched.entries[0].seq,
                "fetched_to": fetched.acked_seq,
                "signed_to": fetched.signed_seq,
                **replayed.as_payload(),
            }
            entry = tx.journal.append(
                EntryDraft("store.restored", payload, "system"),
                uuid=str(uuid.uuid4()),
                stamp=clock.stamp(),
            )
            put_aside(tx, replayed.jobs_put_aside, entry.seq)
            tx.set_fact(LAST_ACKED_SEQ, str(fetched.acked_seq))
        if not verify_journal(db).ok:
            raise _refused(
                "replay",
                "تعذر التحقق من السجل بعد الاستعادة؛ لم يتغير شيء",
                "The restored journal does not check out: nothing changed",
            )
    finally:
        db.close()
    # Everything into the file itself (no WAL beside it), before it is renamed into place.
    plain = sqlite3.connect(staging)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        plain.close()
    return replayed


def catalogue_labels(tx: Transaction) -> Labels:
    """A payment line's names from the catalogue the backup holds (HQ's bundle, or the
    shipped default a window uses until HQ sends one), as the window's receipts name it."""
    text = tx.fact("bundle.catalogue")
    try:
        document = json.loads(text)["payload"].get("document") if text else None
        if not document:
            document = json.loads(default_catalogue_path().read_text(encoding="utf-8"))
        catalogue = parse_catalogue(document)
    except (ValueError, KeyError, TypeError, AttributeError, OSError, CatalogueError):
        catalogue = None

    def labels(code: str) -> tuple[str, str]:
        try:
            service = catalogue.service(code) if catalogue is not None else None
        except InputError:
            service = None
        return (service.name_ar, service.name_en) if service is not None else (code, code)

    return labels


def _keep_aside(current: Path) -> Path | None:
    """The store in use (and its WAL files) kept under another name, never deleted, while
    its own name stays taken until the restored copy replaces it in one rename: a window
    started in between (or after a power cut here) never finds no store and starts a new,
    empty journal."""
    if not current.exists():
        return None
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
    aside = current.with_name(f"{current.name}.before-restore-{stamp}")
    taken = 1  # a restore run again within the second (after one was cut short)
    while any(Path(f"{aside}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
        taken += 1
        aside = current.with_name(f"{current.name}.before-restore-{stamp}-{taken}")
    try:
        os.link(current, aside)
    except OSError:  # a file system without hard links
        shutil.copy2(current, aside)
    for suffix in ("-wal", "-shm"):  # never to be read with the restored store
        source = Path(f"{current}{suffix}")
        if source.exists():
            source.rename(Path(f"{aside}{suffix}"))
    return aside
