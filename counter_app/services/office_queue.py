"""The office's queue kept in this workstation's store: tickets issued, called, served.

A standalone window and the office's queue host keep the office's queue here (origin
"office"); a window whose host cannot be reached keeps its own tickets here (origin "own",
numbered from window x 10,000). Every action is one transaction with its journal entry, and
takes the window and clerk it is for, so the host serves other windows with the same code.
An action may carry the moment it really happened (`at`): a window that acted while the
host was away hands its actions over later, and the figures keep the real times.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from counter_app.domain import queue as rules
from counter_app.domain.errors import InputError
from counter_app.domain.journal import JournalEntry
from counter_app.domain.queue import Ticket
from counter_app.services.catalogue import CatalogueService
from counter_app.services.events import EventBus, TicketCalled
from counter_app.services.printing import PrintService
from counter_app.services.recorder import Recorder, UnitOfWork
from printing.documents import QueueTicket


@dataclass(frozen=True)
class QueueSettings:
    office_code: str = ""
    office_ar: str = ""
    priority_minutes: int = rules.PRIORITY_MINUTES
    target_wait_min: int = 20


@dataclass(frozen=True)
class Issued:
    ticket: Ticket
    ahead: int
    estimated_wait_min: int
    print_job: int | None = None  # the paper ticket, queued; the caller prints it


@dataclass(frozen=True)
class Board:
    """What the waiting-room display shows: who is called where, and how many wait."""

    calls: tuple[Ticket, ...]  # most recent first
    waiting: dict[str, int] = field(default_factory=dict)  # per queue group


class OfficeQueue:
    def __init__(
        self,
        uow: UnitOfWork,
        bus: EventBus,
        settings: QueueSettings,
        *,
        catalogue: CatalogueService | None = None,
        printing: PrintService | None = None,
        origin: str = "office",
        own_window: int = 0,
    ) -> None:
        self._uow = uow
        self._bus = bus
        self.settings = settings
        self._catalogue = catalogue
        self._printing = printing
        self.origin = origin
        self._own_window = own_window  # for origin "own": whose numbers these are
        # Every call and recall since this process started, for the display to say aloud:
        # (serial, label, letter, number, window). `epoch` changes when the process does.
        self.epoch = uuid.uuid4().hex[:12]
        self._calls: deque[tuple[int, str, str, int, int]] = deque(maxlen=64)
        self._call_serial = 0
        self._calls_lock = threading.Lock()

    @property
    def printing(self) -> PrintService | None:
        return self._printing

    # ---- issuing ---------------------------------------------------------------------

    def groups(self) -> list[tuple[str, str, str, str]]:
        """(code, letter, Arabic name, English name) of each queue group."""
        if self._catalogue is None:
            return [("T", "T", "T", "T")]
        return [
            (g.code, g.letter_ar, g.name_ar, g.name_en)
            for g in self._catalogue.current().queue_groups
        ]

    def letter(self, group: str) -> str:
        for code, letter, _ar, _en in self.groups():
            if code == group:
                return letter
        return group

    def issue(
        self,
        group: str,
        by: str,
        *,
        category: str = "normal",
        appointment: datetime | None = None,
        print_ticket: bool = False,
    ) -> Issued:
        rules.check_category(category)
        names = {code: (ar, en) for code, _l, ar, en in self.groups()}
        if group not in names:
            raise InputError(
                "queue_group",
                f"لا توجد مجموعة انتظار «{group}»",
                f"There is no queue group '{group}'",
            )
        now = self._uow.clock.now()

        def work(rec: Recorder) -> Issued:
            day = self._roll_over(rec)
            serial = rec.tx.tickets.next_number(day, group, self.origin)
            if self.origin == "own":
                number = rules.local_number(self._own_window, serial)
            else:
                rules.check_number(serial)
                number = serial
            ticket = Ticket(
                label=rules.ticket_label(group, number),
                group=group,
                number=number,
                arrived=now,
                category=category,
                appointment=appointment,
            )
            payload = {
                "label": ticket.label,
                "group": group,
                "number": number,
                "category": category,
                "origin": self.origin,
            }
            if appointment is not None:
                payload["appointment"] = appointment.isoformat()
            entry = rec.record("ticket.issued", payload, by)
            rec.tx.tickets.add(day, ticket, entry.seq, self.origin)
            open_tickets = rec.tx.tickets.open(day, origin=self.origin)
            ahead = sum(
                1
                for t in open_tickets
                if t.status == "waiting" and t.group == group and t.label != ticket.label
            )
            served = [
                minutes
                for t in rec.tx.tickets.recent_served(day, self.origin)
                if (minutes := rules.service_minutes(t)) is not None
            ]
            windows = len({t.window for t in open_tickets if t.status in rules.AT_WINDOW})
            estimate = rules.estimated_wait_minutes(ahead, served, windows)
            job = None
            if print_ticket and self._printing is not None:
                paper = QueueTicket(
                    self.settings.office_ar,
                    number,
                    names[group][0],
                    now,
                    ahead,
                    letter_ar=self.letter(group),
                    estimated_wait_min=estimate,
                    category_ar="" if category == "normal" else rules.CATEGORY_NAMES[category][0],
                    qr_text=f"CQ1|{self.settings.office_code}|{day}|{ticket.label}",
                )
                job = self._printing.queue(rec, "ticket", paper, by, f"ticket {ticket.label}")
            return Issued(ticket, ahead, estimate, job)

        return self._uow.run(work)

    # ---- counter actions ---------------------------------------------------------------

    def current(self, window: int) -> Ticket | None:
        with self._uow.db.read() as tx:
            day = self._uow.clock.stamp().business_day
            return tx.tickets.at_window(day, window, origin=self.origin)

    def parked(self, window: int) -> list[Ticket]:
        with self._uow.db.read() as tx:
            day = self._uow.clock.stamp().business_day
            return [
                t
                for t in tx.tickets.open(day, origin=self.origin)
                if t.status == "parked" and t.window == window
            ]

    def waiting_count(self, groups: Sequence[str] = (), window: int | None = None) -> int:
        with self._uow.db.read() as tx:
            day = self._uow.clock.stamp().business_day
            return sum(
                1
                for t in tx.tickets.open(day, origin=self.origin)
                if t.status == "waiting"
                and (
                    not groups
                    or (t.for_window is None and t.group in groups)
                    or (window is not None and t.for_window == window)
                )
            )

    def call_next(
        self, window: int, groups: Sequence[str], clerk: str, at: datetime | None = None
    ) -> Ticket | None:
        """Call the next ticket for this window by the rule; None when nobody waits."""

        def work(rec: Recorder) -> Ticket | None:
            day = self._roll_over(rec)
            self._refuse_if_busy(rec, day, window)
            now = at or self._uow.clock.now()
            choice = rules.next_ticket(
                rec.tx.tickets.open(day, origin=self.origin),
                groups,
                window,
                now,
                self.settings.priority_minutes,
            )
            if choice is None:
                return None
            ticket = replace(choice, status="called", called=now, window=window, clerk=clerk)
            extra = {"at": now.isoformat()} if at is not None else {}
            self._save(rec, day, ticket, "ticket.called", clerk, **extra)
            return ticket

        return self._announce(self._uow.run(work))

    def call_label(self, window: int, label: str, clerk: str) -> Ticket:
        """Call one waiting ticket by its label (a citizen who came back, a scanned ticket)."""

        def work(rec: Recorder) -> Ticket:
            day = self._roll_over(rec)
            self._refuse_if_busy(rec, day, window)
            ticket = self._get(rec, day, label)
            rules.check_action(ticket, "call")
            now = self._uow.clock.now()
            called = replace(ticket, status="called", called=now, window=window, clerk=clerk)
            self._save(rec, day, called, "ticket.called", clerk)
            return called

        called = self._announce(self._uow.run(work))
        assert called is not None
        return called

    def recall(self, window: int, clerk: str) -> Ticket:
        def work(rec: Recorder) -> Ticket:
            day = rec.business_day
            ticket = self._at_window(rec, day, window)
            rules.check_action(ticket, "recall")
            rec.record("ticket.recalled", {"label": ticket.label, "window": window}, clerk)
            return ticket

        recalled = self._announce(self._uow.run(work))
        assert recalled is not None
        return recalled

    def act(
        self,
        window: int,
        action: str,
        clerk: str,
        *,
        label: str = "",
        outcome: str = "done",
        at: datetime | None = None,
    ) -> Ticket:
        """start, park, no_show or finish the ticket at `window` (`label`, when given, must
        be that ticket: a window acting on what it saw); resume a parked one by label."""

        def work(rec: Recorder) -> Ticket:
            day = rec.business_day
            now = at or self._uow.clock.now()
            if action == "resume":
                self._refuse_if_busy(rec, day, window)
                ticket = self._get(rec, day, label)
            else:
                ticket = self._at_window(rec, day, window, label)
            if label and ticket.status == _ACTION_RESULT.get(action):
                return ticket  # the same action handed over twice: already done
            status = rules.check_action(ticket, action)
            assert status is not None
            changes: dict[str, object] = {}
            if action in ("start", "resume") and ticket.started is None:
                changes["started"] = now
            if action in ("finish", "no_show"):
                changes["ended"] = now
            if action == "reopen":
                changes.update(ended=None, outcome="")
            if action == "finish":
                if outcome not in rules.OUTCOMES:
                    raise ValueError(f"outcome must be one of {rules.OUTCOMES}")
                changes["outcome"] = outcome
            updated = replace(ticket, status=status, window=window, clerk=clerk, **changes)  # type: ignore[arg-type]
            extra: dict[str, object] = {"outcome": outcome} if action == "finish" else {}
            if action == "reopen":  # a correction names the entry it corrects
                extra["undoes"] = rec.tx.tickets.last_seq(day, ticket.label)
            if at is not None:  # handed over later: when it really happened
                extra["at"] = at.isoformat()
            self._save(rec, day, updated, f"ticket.{_ENTRY[action]}", clerk, **extra)
            return updated

        return self._uow.run(work)

    def transfer(
        self,
        window: int,
        clerk: str,
        *,
        group: str = "",
        to_window: int | None = None,
        label: str = "",
    ) -> Ticket:
        """Send the ticket at this window (or a parked one, by label) to another queue
        group or window: it waits there with its place by age."""
        if not group and to_window is None:
            raise InputError(
                "transfer",
                "اختر مجموعة أو شباكًا للتحويل",
                "Choose a group or a window to transfer to",
            )
        if to_window == window:
            raise InputError(
                "transfer",
                "لا يمكن التحويل إلى الشباك نفسه",
                "A ticket cannot be sent to its own window",
            )
        if group and group not in {code for code, *_ in self.groups()}:
            raise InputError(
                "queue_group",
                f"لا توجد مجموعة انتظار «{group}»",
                f"There is no queue group '{group}'",
            )

        def work(rec: Recorder) -> Ticket:
            day = rec.business_day
            ticket = self._get(rec, day, label) if label else self._at_window(rec, day, window)
            rules.check_action(ticket, "transfer")
            now = self._uow.clock.now()
            root = ticket.transferred_from or ticket.label
            hops = sum(1 for t in rec.tx.tickets.day(day) if t.transferred_from == root)
            copy = rules.transferred_copy(
                ticket, group or ticket.group, to_window, f"{root}/{hops + 1}", ticket.number
            )
            copy = replace(copy, transferred_from=ticket.label)
            done = replace(ticket, status="transferred", ended=now, window=window, clerk=clerk)
            entry = self._save(
                rec,
                day,
                done,
                "ticket.transferred",
                clerk,
                to=copy.label,
                group=copy.group,
                for_window=to_window,
            )
            rec.tx.tickets.add(day, copy, entry.seq, self.origin)
            return copy

        return self._uow.run(work)

    def rate(self, label: str, rating: int, clerk: str, *, by: str = "clerk") -> Ticket:
        """The citizen's rating of a finished ticket, journaled with it."""
        rules.check_rating(rating)

        def work(rec: Recorder) -> Ticket:
            day = rec.business_day
            ticket = self._get(rec, day, label)
            if ticket.status != "served":
                raise InputError(
                    "rating",
                    f"يُقيَّم بعد انتهاء الخدمة فقط (التذكرة {ticket.label})",
                    f"A rating is taken after service only (ticket {ticket.label})",
                )
            rated = replace(ticket, rating=rating)
            self._save(rec, day, rated, "ticket.rated", clerk, rating=rating, by=by)
            return rated

        return self._uow.run(work)

    # ---- what others read -------------------------------------------------------------

    def board(self, last: int = 8) -> Board:
        with self._uow.db.read() as tx:
            day = self._uow.clock.stamp().business_day
            tickets = tx.tickets.day(day)
        calls = sorted(
            (t for t in tickets if t.called is not None and t.status in ("called", "serving")),
            key=lambda t: t.called or t.arrived,
            reverse=True,
        )
        earlier = sorted(
            (t for t in tickets if t.called is not None and t.status not in ("called", "serving")),
            key=lambda t: t.called or t.arrived,
            reverse=True,
        )
        waiting: dict[str, int] = {code: 0 for code, *_ in self.groups()}
        for t in tickets:
            if t.status == "waiting":
                waiting[t.group] = waiting.get(t.group, 0) + 1
        return Board(tuple((calls + earlier)[:last]), waiting)

    def calls_since(self, serial: int) -> list[list[object]]:
        """The calls made after `serial` (oldest first), for a display to announce."""
        with self._calls_lock:
            return [list(call) for call in self._calls if call[0] > serial]

    def day_tickets(self, day: str | None = None) -> list[Ticket]:
        with self._uow.db.read() as tx:
            return tx.tickets.day(day or self._uow.clock.stamp().business_day)

    # ---- a window's own tickets handed to the host -------------------------------------

    def take_over(self, day: str, ticket: Ticket, window: int, by: str) -> bool:
        """Keep a window's own (finished) ticket in the office's figures; False when held."""

        def work(rec: Recorder) -> bool:
            if rec.tx.tickets.get(day, ticket.label) is not None:
                return False
            payload = {"label": ticket.label, "window": window, "status": ticket.status}
            entry = rec.record("ticket.merged", payload, by)
            rec.tx.tickets.add(day, ticket, entry.seq, "merged")
            return True

        return self._uow.run(work)

    # ---- helpers -----------------------------------------------------------------------

    def _roll_over(self, rec: Recorder) -> str:
        """Today's business day; tickets of earlier days still open end with their day."""
        day = rec.business_day
        for old_day, ticket in rec.tx.tickets.stale_open(day):
            ended = replace(ticket, status="cancelled", ended=ticket.ended or self._uow.clock.now())
            entry = rec.record(
                "ticket.cancelled", {"label": ticket.label, "reason": "day_ended"}, "system"
            )
            rec.tx.tickets.save(old_day, ended, entry.seq)
        return day

    def _get(self, rec: Recorder, day: str, label: str) -> Ticket:
        ticket = rec.tx.tickets.get(day, label)
        if ticket is None:
            raise InputError(
                "ticket", f"لا توجد تذكرة {label} اليوم", f"There is no ticket {label} today"
            )
        return ticket

    def _at_window(self, rec: Recorder, day: str, window: int, label: str = "") -> Ticket:
        if label:
            ticket = self._get(rec, day, label)
            if ticket.window == window:
                return ticket
        ticket_here = rec.tx.tickets.at_window(day, window, origin=self.origin)
        if ticket_here is None:
            raise InputError("ticket", "لا توجد تذكرة منادى عليها", "No ticket has been called")
        return ticket_here

    def _refuse_if_busy(self, rec: Recorder, day: str, window: int) -> None:
        current = rec.tx.tickets.at_window(day, window, origin=self.origin)
        if current is not None:
            raise InputError(
                "ticket",
                f"أنهِ التذكرة {current.label} قبل نداء غيرها",
                f"Finish ticket {current.label} before calling another",
            )

    def _save(
        self, rec: Recorder, day: str, ticket: Ticket, entry_type: str, clerk: str, **extra: object
    ) -> JournalEntry:
        payload = {"label": ticket.label, "window": ticket.window, **extra}
        entry = rec.record(entry_type, payload, clerk)
        rec.tx.tickets.save(day, ticket, entry.seq)
        return entry

    def _announce(self, ticket: Ticket | None) -> Ticket | None:
        if ticket is not None and ticket.window is not None:
            root = (
                ticket.transferred_from.split("/")[0] if ticket.transferred_from else ticket.label
            )
            group = root.split("-")[0]
            letter = self.letter(group)
            with self._calls_lock:
                self._call_serial += 1
                self._calls.append(
                    (self._call_serial, ticket.label, letter, ticket.number, ticket.window)
                )
            self._bus.publish(TicketCalled(ticket.label, letter, ticket.number, ticket.window))
        return ticket


_ENTRY = {
    "start": "started",
    "park": "parked",
    "resume": "resumed",
    "no_show": "no_show",
    "finish": "served",
    "reopen": "reopened",
}
_ACTION_RESULT = {
    "start": "serving",
    "park": "parked",
    "resume": "serving",
    "no_show": "no_show",
    "finish": "served",
}
