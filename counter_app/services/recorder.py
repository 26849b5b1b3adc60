"""Running a business change and its journal entries as one transaction.

`UnitOfWork.run(work)` opens a write transaction, lets `work` change business rows and
record journal entries through the same connection, commits, and only then publishes
the events: a crash before the commit leaves neither the change nor its entries.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from counter_app.domain.errors import InputError
from counter_app.domain.journal import EntryDraft, JournalEntry, Stamp
from counter_app.services.clock import Clock
from counter_app.services.events import EventBus, JournalAppended, StoreChanged
from counter_app.store import Database, Transaction

T = TypeVar("T")

LAST_ACKED_SEQ = "sync.last_acked_seq"

# What a closed business day refuses: new operations dated that day. Sign-in, sync,
# bundles, instructions' answers and the close's own entries still go in.
OPERATIONS = (
    "payment.",
    "ticket.issued",
    "ticket.called",
    "identity.captured",
    "request.captured",
    "certificate.issued",
    "mobile.linked",
    "fines.inquired",
    "shift.opened",
    "cash.",
)


class DayClosed(InputError):
    def __init__(self, day: str) -> None:
        super().__init__(
            "day_closed",
            f"أُغلق يوم العمل {day} في هذا الشباك: لا تُسجل عمليات جديدة بتاريخه",
            f"Business day {day} is closed at this window: no new operations are dated it",
        )


class TamperHold(InputError):
    """Operations wait: tampering was found and no supervisor has acknowledged it yet."""

    def __init__(self, seq: int) -> None:
        super().__init__(
            "tamper_hold",
            f"اكتُشف عبث بسجل الشباك (القيد {seq}): العمليات موقوفة حتى يقر المشرف (Ctrl+Shift+A)",
            f"Tampering found at this window (entry {seq}): operations wait for a supervisor "
            "to acknowledge it (Ctrl+Shift+A)",
        )


class Recorder:
    """Records journal entries inside one open transaction."""

    def __init__(self, tx: Transaction, clock: Clock, held_by: int | None = None) -> None:
        self.tx = tx
        self._clock = clock
        self._held_by = held_by
        self.appended: list[JournalEntry] = []

    def record(
        self,
        entry_type: str,
        payload: Mapping[str, Any],
        clerk: str,
        stamp: Stamp | None = None,
    ) -> JournalEntry:
        """Append one entry. `stamp` is given by an entry that signs its own time
        (a heartbeat); otherwise the clock is read now."""
        if entry_type.startswith(OPERATIONS):
            if self._held_by is not None:
                raise TamperHold(self._held_by)
            day = self.business_day
            if self.tx.shifts.is_day_closed(day):
                raise DayClosed(day)
        entry = self.tx.journal.append(
            EntryDraft(entry_type, payload, clerk),
            uuid=str(uuid.uuid4()),
            stamp=stamp or self._clock.stamp(),
        )
        self.appended.append(entry)
        return entry

    @property
    def business_day(self) -> str:
        return self._clock.stamp().business_day

    def stamp(self) -> Stamp:
        return self._clock.stamp()


class UnitOfWork:
    def __init__(self, db: Database, clock: Clock, bus: EventBus) -> None:
        self.db = db
        self.clock = clock
        self.bus = bus
        # The `tamper.detected` entry no supervisor has acknowledged yet, if any: while
        # set, operations are refused (services.evidence sets and clears it).
        self.held_by: int | None = None
        with db.read() as tx:
            self._acked = int(tx.fact(LAST_ACKED_SEQ) or 0)

    def run(self, work: Callable[[Recorder], T]) -> T:
        with self.db.write() as tx:
            recorder = Recorder(tx, self.clock, self.held_by)
            result = work(recorder)
        for entry in recorder.appended:
            waiting = entry.seq - self._acked
            self.bus.publish(JournalAppended(entry.seq, entry.entry_type, waiting))
        if recorder.appended:
            self.bus.publish(StoreChanged(frozenset(e.entry_type for e in recorder.appended)))
        return result

    def record_acknowledged(self, seq: int) -> None:
        """HQ holds every entry up to `seq` (the sync worker calls this after a push)."""
        with self.db.write() as tx:
            tx.set_fact(LAST_ACKED_SEQ, str(seq))
        self._acked = seq

    @property
    def acked_seq(self) -> int:
        """The highest entry HQ is known to hold."""
        return self._acked

    def waiting_to_sync(self) -> int:
        with self.db.read() as tx:
            return tx.journal.count_after(self._acked)
