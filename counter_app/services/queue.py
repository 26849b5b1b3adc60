"""The queue at the window: issue tickets, call the next one, finish it; open and close shifts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from counter_app.domain.errors import InputError
from counter_app.services.catalogue import CatalogueService
from counter_app.services.events import EventBus, TicketCalled
from counter_app.services.printing import PrintService
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.session import SessionService
from printing.documents import QueueTicket

OUTCOMES = ("served", "no_show")
UNDO_GRACE_S = 60  # a ticket marked served or no-show by mistake can be reopened this long


@dataclass(frozen=True)
class TicketView:
    number: int
    service: str
    status: str
    print_job: int | None = None  # the queued paper ticket, to be printed by the caller


@dataclass(frozen=True)
class QueueSnapshot:
    current: TicketView | None
    waiting: int
    shift_open: bool


class QueueService:
    def __init__(
        self,
        uow: UnitOfWork,
        bus: EventBus,
        session: SessionService,
        window: int,
        printing: PrintService | None = None,
        office_ar: str = "",
        catalogue: CatalogueService | None = None,
    ) -> None:
        self._uow = uow
        self._bus = bus
        self._session = session
        self._window = window
        self._printing = printing
        self._office_ar = office_ar
        self._catalogue = catalogue
        # The last ticket finished here, for undo: (ticket id, number, entry, when, clerk).
        self._last_finished: tuple[int, int, int, datetime, str] | None = None

    def issue_ticket(
        self, service: str = "", *, print_ticket: bool = False, kiosk: bool = False
    ) -> TicketView:
        """A ticket from the window (a clerk must be signed in) or the kiosk (`kiosk=True`);
        numbers restart each business day.

        With `print_ticket`, the paper ticket is queued in the same transaction; the caller
        prints it (`PrintService.submit(view.print_job)`), so issuing never waits on paper.
        """
        clerk = "kiosk" if kiosk else self._session.require_clerk().username
        printing = self._printing if print_ticket else None
        group_name = service
        if self._catalogue is not None:
            # `service` is a queue group of the catalogue (its ticket letter).
            catalogue = self._catalogue.current()
            service = service or catalogue.queue_groups[0].code
            group_name = catalogue.group(service).name_ar

        def work(rec: Recorder) -> TicketView:
            day = rec.business_day
            number = rec.tx.tickets.next_number(day)
            entry = rec.record("ticket.issued", {"number": number, "service": service}, clerk)
            rec.tx.tickets.add(day, number, service, entry.seq)
            job = None
            if printing is not None:
                paper = QueueTicket(
                    self._office_ar,
                    number,
                    group_name,
                    self._uow.clock.now(),
                    rec.tx.tickets.count_waiting(day) - 1,
                )
                job = printing.queue(rec, "ticket", paper, clerk, f"ticket {number}")
            return TicketView(number, service, "waiting", job)

        return self._uow.run(work)

    def call_next(self) -> TicketView | None:
        """Call the first waiting ticket; None when nobody is waiting."""
        clerk = self._session.require_clerk()

        def work(rec: Recorder) -> TicketView | None:
            day = rec.business_day
            current = rec.tx.tickets.current_called(day)
            if current is not None:
                raise InputError(
                    "ticket",
                    f"أنهِ التذكرة رقم {current.number} قبل نداء التالية",
                    f"Finish ticket {current.number} before calling the next one",
                )
            ticket = rec.tx.tickets.first_waiting(day)
            if ticket is None:
                return None
            payload = {"number": ticket.number, "window": self._window}
            entry = rec.record("ticket.called", payload, clerk.username)
            rec.tx.tickets.set_status(ticket.id, "called", entry.seq)
            return TicketView(ticket.number, ticket.service, "called")

        called = self._uow.run(work)
        if called is not None:
            self._bus.publish(TicketCalled(called.number, called.service, self._window))
        return called

    def finish_current(self, outcome: str = "served") -> TicketView:
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        clerk = self._session.require_clerk()

        def work(rec: Recorder) -> tuple[TicketView, int, int]:
            ticket = rec.tx.tickets.current_called(rec.business_day)
            if ticket is None:
                raise InputError("ticket", "لا توجد تذكرة منادى عليها", "No ticket has been called")
            entry = rec.record(f"ticket.{outcome}", {"number": ticket.number}, clerk.username)
            rec.tx.tickets.set_status(ticket.id, outcome, entry.seq)
            return TicketView(ticket.number, ticket.service, outcome), ticket.id, entry.seq

        view, ticket_id, seq = self._uow.run(work)
        self._last_finished = (ticket_id, view.number, seq, self._uow.clock.now(), clerk.username)
        return view

    def undo_finish(self) -> TicketView:
        """Reopen the ticket just marked served or no-show (within UNDO_GRACE_S): a new
        entry that names the one it corrects; the ticket is the called one again."""
        clerk = self._session.require_clerk()
        last = self._last_finished
        if (
            last is None
            or last[4] != clerk.username
            or (self._uow.clock.now() - last[3]).total_seconds() > UNDO_GRACE_S
        ):
            raise InputError(
                "undo",
                f"لا يوجد ما يمكن التراجع عنه (المهلة {UNDO_GRACE_S} ثانية)",
                f"There is nothing to undo (undo is possible for {UNDO_GRACE_S} s)",
            )
        ticket_id, number, seq, _, _ = last

        def work(rec: Recorder) -> TicketView:
            current = rec.tx.tickets.current_called(rec.business_day)
            if current is not None:
                raise InputError(
                    "undo",
                    f"التذكرة رقم {current.number} منادى عليها الآن؛ أنهِها أولًا",
                    f"Ticket {current.number} is being served now; finish it first",
                )
            entry = rec.record("ticket.reopened", {"number": number, "undoes": seq}, clerk.username)
            rec.tx.tickets.set_status(ticket_id, "called", entry.seq)
            row = rec.tx.tickets.current_called(rec.business_day)
            return TicketView(number, row.service if row else "", "called")

        view = self._uow.run(work)
        self._last_finished = None
        return view

    def recall_current(self) -> TicketView:
        """Call the ticket being served again (the citizen did not hear it)."""
        clerk = self._session.require_clerk()

        def work(rec: Recorder) -> TicketView:
            ticket = rec.tx.tickets.current_called(rec.business_day)
            if ticket is None:
                raise InputError("ticket", "لا توجد تذكرة منادى عليها", "No ticket has been called")
            payload = {"number": ticket.number, "window": self._window}
            rec.record("ticket.recalled", payload, clerk.username)
            return TicketView(ticket.number, ticket.service, "called")

        view = self._uow.run(work)
        self._bus.publish(TicketCalled(view.number, view.service, self._window))
        return view

    def open_shift(self) -> None:
        clerk = self._session.require_clerk()

        def work(rec: Recorder) -> None:
            if rec.tx.shifts.open_shift_id(clerk.username) is not None:
                raise InputError("shift", "الوردية مفتوحة بالفعل", "The shift is already open")
            entry = rec.record("shift.opened", {"window": self._window}, clerk.username)
            rec.tx.shifts.open(clerk.username, rec.business_day, entry.seq)

        self._uow.run(work)

    def close_shift(self) -> None:
        clerk = self._session.require_clerk()

        def work(rec: Recorder) -> None:
            shift_id = rec.tx.shifts.open_shift_id(clerk.username)
            if shift_id is None:
                raise InputError("shift", "لا توجد وردية مفتوحة", "There is no open shift")
            entry = rec.record("shift.closed", {"window": self._window}, clerk.username)
            rec.tx.shifts.close(shift_id, entry.seq)

        self._uow.run(work)
        self._last_finished = None

    def snapshot(self) -> QueueSnapshot:
        clerk = self._session.current
        with self._uow.db.read() as tx:
            day = self._uow.clock.stamp().business_day
            current = tx.tickets.current_called(day)
            waiting = tx.tickets.count_waiting(day)
            shift_open = clerk is not None and tx.shifts.open_shift_id(clerk.username) is not None
        view = None if current is None else TicketView(current.number, current.service, "called")
        return QueueSnapshot(view, waiting, shift_open)
