"""Closing the business day at this window.

The steps, each stopping the close with its reason when it fails (the close is then shown
as failed, with a retry, never as done):

1. every shift of the window is closed;
2. the day is marked closed: from here new operations dated that day are refused;
3. `PRAGMA integrity_check`;
4. the journal verified from the previous close's checkpoint (entries before it were
   verified then, and HQ holds them);
5. a backup through SQLite's backup API into the configured folder, checked, rotated;
6. the end-of-day sync, with progress; the day is "closed and confirmed" only when HQ
   acknowledges every entry up to the close.

Offline, steps 1-5 complete and the day is "closed": waiting for HQ. Running the close
again syncs and confirms it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from counter_app.domain.errors import BilingualError
from counter_app.domain.evidence import Finding
from counter_app.domain.text import to_arabic_indic
from counter_app.services.clock import Clock
from counter_app.services.config import CounterConfig
from counter_app.services.journal_check import verify_journal
from counter_app.services.profile import Profile
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.session import SessionService
from counter_app.services.sync import SyncService
from counter_app.store import Database
from sync.client import HqUnavailable

log = logging.getLogger(__name__)

VERIFIED_THROUGH = "journal.verified_through"  # "seq:hash" of the last verified entry
STEPS = ("shifts", "mark_closed", "integrity", "journal", "backup", "sync", "confirmed")
STEP_NAMES = {
    "shifts": ("الورديات مغلقة", "Every shift closed"),
    "mark_closed": ("إيقاف العمليات بتاريخ اليوم", "New operations for the day stopped"),
    "integrity": ("فحص سلامة قاعدة البيانات", "Database integrity check"),
    "journal": ("التحقق من سلسلة القيود", "Journal chain verified"),
    "backup": ("نسخة احتياطية", "Backup written and checked"),
    "sync": ("مزامنة نهاية اليوم", "End-of-day sync"),
    "confirmed": ("المركز يحمل كل القيود", "HQ holds every entry"),
}


class CloseFailed(BilingualError):
    def __init__(self, step: str, message_ar: str, message_en: str) -> None:
        super().__init__(f"close_{step}", message_ar, message_en)
        self.step = step


@dataclass(frozen=True)
class DayCloseState:
    business_day: str
    status: str  # open, closing, failed, closed, confirmed
    step: str
    reason_ar: str
    reason_en: str
    last_seq: int
    acked_seq: int
    backup: str

    @property
    def waiting(self) -> int:
        return max(0, self.last_seq - self.acked_seq)


Progress = Callable[[str, int, int], None]  # (step, done, total)


class BackupFailed(CloseFailed):
    pass


def backup_store(db: Database, folder: Path, stamp: str, keep: int) -> Path:
    """The store copied into `folder` (`counter-<stamp>.db`), checked; older copies
    beyond `keep` removed. Raises BackupFailed with the reason."""
    target = folder / f"counter-{stamp}.db"
    try:
        result = db.backup_to(target)
    except OSError as exc:
        raise BackupFailed(
            "backup",
            f"تعذر كتابة النسخة الاحتياطية في {folder}: {exc.strerror or exc}",
            f"The backup could not be written to {folder}: {exc.strerror or exc}",
        ) from exc
    if result != "ok":
        raise BackupFailed(
            "backup",
            f"النسخة الاحتياطية غير سليمة ({result})",
            f"The backup copy did not check out ({result})",
        )
    copies = sorted(folder.glob("counter-*.db"))
    for old in copies[:-keep]:
        old.unlink(missing_ok=True)
    return target


class DayCloseService:
    def __init__(
        self,
        uow: UnitOfWork,
        session: SessionService,
        sync: SyncService,
        config: CounterConfig,
        profile: Profile,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._session = session
        self._sync = sync
        self._config = config
        self._clock = clock
        # The evidence check (services.evidence), run at the journal step: a finding is
        # journaled and the day does not close until a supervisor acknowledges it.
        self.evidence_check: Callable[[], list[Finding]] | None = None
        folder = config.backup.folder
        self.backup_folder = Path(folder) if folder else profile.root / "backups"

    def today(self) -> str:
        return self._clock.stamp().business_day

    def state(self, day: str = "") -> DayCloseState:
        day = day or self.today()
        with self._uow.db.read() as tx:
            row = tx.shifts.day_close(day)
        acked = self._uow.acked_seq
        if row is None:
            return DayCloseState(day, "open", "", "", "", 0, acked, "")
        status = row.status
        if status == "closed" and row.last_seq is not None and acked >= row.last_seq:
            status = "confirmed"
        return DayCloseState(
            day,
            status,
            row.step,
            row.reason_ar,
            row.reason_en,
            row.last_seq or 0,
            acked,
            row.backup,
        )

    def close_day(self, progress: Progress | None = None, day: str = "") -> DayCloseState:
        """Run the close (or finish one that stopped); the state it reached."""
        say = progress or (lambda _s, _d, _t: None)
        day = day or self.today()
        actor = self._session.current_username()
        state = self.state(day)
        if state.status == "confirmed":
            return state
        try:
            if state.status != "closed":  # open, or failed at a local step: run them again
                self._close_locally(day, actor, say)
            self._end_of_day_sync(day, say)
        except CloseFailed as exc:
            if exc.step != "sync":
                self._failed(day, exc, actor)
            else:
                self._set(day, status="closed", step="sync", reason=exc)
            log.warning("day close of %s stopped at %s: %s", day, exc.step, exc.message_en)
        return self.state(day)

    def _close_locally(self, day: str, actor: str, say: Progress) -> None:
        say("shifts", 0, 1)
        with self._uow.db.read() as tx:
            still_open = tx.shifts.open_shifts()
        if still_open:
            names = ", ".join(sorted({s.clerk for s in still_open}))
            raise CloseFailed(
                "shifts",
                f"ورديات ما زالت مفتوحة ({names}): تُغلق كل وردية بعد عد الدرج أولًا",
                f"Shifts still open ({names}): close each, with the drawer counted, first",
            )

        def mark(rec: Recorder) -> int:
            entry = rec.record("day.closing", {"business_day": day}, actor)
            rec.tx.shifts.set_day_close(
                day,
                status="closed",
                step="mark_closed",
                reason_ar="",
                reason_en="",
                closed_seq=entry.seq,
                last_seq=entry.seq,
                updated_at=entry.device_time,
            )
            return entry.seq

        say("mark_closed", 0, 1)
        self._uow.run(mark)
        # From here the day refuses operations; a failure below re-opens nothing but
        # is shown as failed until a retry gets through.
        say("integrity", 0, 1)
        result = self._uow.db.integrity_check()
        if result != "ok":
            raise CloseFailed(
                "integrity",
                f"فحص سلامة قاعدة البيانات فشل: {result}. اتصل بالدعم الفني",
                f"The database integrity check failed: {result}. Call IT support",
            )
        say("journal", 0, 1)
        self._verify_journal()
        say("backup", 0, 1)
        stamp = f"{day}-{self._clock.now():%H%M%S}"
        target = backup_store(self._uow.db, self.backup_folder, stamp, self._config.backup.keep)

        def closed(rec: Recorder) -> None:
            entry = rec.record(
                "day.closed",
                {"business_day": day, "backup": target.name, "integrity": "ok"},
                actor,
            )
            rec.tx.shifts.set_day_close(
                day,
                status="closed",
                step="sync",
                reason_ar="",
                reason_en="",
                last_seq=entry.seq,
                backup=str(target),
                updated_at=entry.device_time,
            )

        self._uow.run(closed)

    def _verify_journal(self) -> None:
        with self._uow.db.read() as tx:
            mark = tx.fact(VERIFIED_THROUGH) or ""
        after, expected_hash = 0, ""
        if mark:
            seq_text, _, expected_hash = mark.partition(":")
            after = int(seq_text)
        report = verify_journal(self._uow.db, after_seq=after, prev_hash=expected_hash or None)
        if not report.ok:
            problem = report.problem
            detail = problem.describe() if problem else "?"
            raise CloseFailed(
                "journal",
                f"سلسلة القيود لا تتحقق ({detail}): لا يُغلق اليوم. اتصل بالمركز",
                f"The journal chain does not verify ({detail}): the day is not closed. Call HQ",
            )
        found = self.evidence_check() if self.evidence_check is not None else []
        held = self._uow.held_by
        if found or held is not None:
            what = "; ".join(f.detail_en for f in found) or f"entry {held} is not acknowledged"
            raise CloseFailed(
                "journal",
                "اكتُشف عبث بسجل هذا الشباك: لا يُغلق اليوم حتى يقر المشرف بما وُجد",
                f"Tampering was found at this window ({what}): the day is not closed "
                "until a supervisor acknowledges it",
            )
        if report.last_seq:
            with self._uow.db.write() as tx:
                tx.set_fact(VERIFIED_THROUGH, f"{report.last_seq}:{report.last_hash}")

    def _end_of_day_sync(self, day: str, say: Progress) -> None:
        if self._sync.enrolment() is None:
            raise CloseFailed(
                "sync",
                "هذا الشباك غير مسجل لدى المركز: لا يمكن تأكيد اليوم",
                "This window is not enrolled with HQ: the day cannot be confirmed",
            )
        say("sync", 0, max(1, self._uow.waiting_to_sync()))
        try:
            self._sync.sync_once()
        except HqUnavailable as exc:
            raise CloseFailed(
                "sync",
                "المركز الرئيسي غير متاح: لم يُفقد شيء، أعد المحاولة عند عودة الاتصال",
                f"HQ cannot be reached (nothing is lost; retry when it is back): {exc}",
            ) from exc
        except BilingualError as exc:
            raise CloseFailed(
                "sync",
                f"مزامنة نهاية اليوم لم تكتمل: {exc.message_ar}",
                f"The end-of-day sync did not finish: {exc.message_en}",
            ) from exc
        state = self.state(day)
        if state.waiting:
            raise CloseFailed(
                "sync",
                f"{to_arabic_indic(str(state.waiting))} قيدًا لم يصل إلى المركز بعد",
                f"{state.waiting} entries have not reached HQ yet",
            )
        say("confirmed", 1, 1)

    def _failed(self, day: str, exc: CloseFailed, actor: str) -> None:
        def work(rec: Recorder) -> None:
            entry = rec.record(
                "day.close_failed",
                {"business_day": day, "step": exc.step, "reason": exc.message_en[:300]},
                actor,
            )
            if rec.tx.shifts.day_close(day) is None:
                return  # stopped before the day was marked closed: it stays open
            rec.tx.shifts.set_day_close(
                day,
                status="failed",
                step=exc.step,
                reason_ar=exc.message_ar,
                reason_en=exc.message_en,
                updated_at=entry.device_time,
            )

        self._uow.run(work)

    def _set(self, day: str, *, status: str, step: str, reason: BilingualError) -> None:
        with self._uow.db.write() as tx:
            tx.shifts.set_day_close(
                day,
                status=status,
                step=step,
                reason_ar=reason.message_ar,
                reason_en=reason.message_en,
                updated_at=self._clock.stamp().device_time,
            )

    def ranges(self, day: str = "") -> list[dict[str, int | bool]]:
        """The day's journal entries as ranges, each acknowledged by HQ or waiting."""
        day = day or self.today()
        with self._uow.db.read() as tx:
            seqs = [e.seq for e in tx.journal.on_day(day)]
        acked = self._uow.acked_seq
        out: list[dict[str, int | bool]] = []
        for seq in seqs:
            held = seq <= acked
            if out and out[-1]["last"] == seq - 1 and out[-1]["acknowledged"] == held:
                out[-1]["last"] = seq
            else:
                out.append({"first": seq, "last": seq, "acknowledged": held})
        return out


def describe(state: DayCloseState, lang: str) -> str:
    words = {
        "open": ("اليوم مفتوح", "The day is open"),
        "closing": ("جارٍ الإغلاق", "Closing"),
        "failed": ("فشل الإغلاق", "The close failed"),
        "closed": ("أُغلق اليوم؛ في انتظار تأكيد المركز", "Closed; waiting for HQ to confirm"),
        "confirmed": ("أُغلق اليوم وأكده المركز", "Closed and confirmed"),
    }[state.status]
    return words[0] if lang == "ar" else words[1]
