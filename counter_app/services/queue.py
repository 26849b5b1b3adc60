"""The queue at the window: issue tickets, call the next one, finish it; open and close shifts."""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.domain.errors import InputError
from counter_app.services.events import EventBus, TicketCalled
from counter_app.services.printing import PrintService
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.session import SessionService
from printing.documents import QueueTicket

OUTCOMES = ("served", "no_show")


SERVICE_NAMES = {
    "fines": "المخالفات المرورية",
    "certificate": "شهادة براءة الذمة",
    "licence": "تجديد الرخصة",
    "civil": "مستخرجات الأحوال المدنية",
    "general": "خدمات عامة",
}


@dataclass(frozen=True)
class TicketView:
    number: int
    service: str
    status: str
    print_status: str | None = None
    print_error: str | None = None


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
    ) -> None:
        self._uow = uow
        self._bus = bus
        self._session = session
        self._window = window
        self._printing = printing
        self._office_ar = office_ar

    def issue_ticket(self, service: str = "general", *, print_ticket: bool = False) -> TicketView:
        """A ticket from the window or the kiosk; numbers restart each business day.

        With `print_ticket`, the paper ticket is queued in the same transaction and printed
        after the commit; a printer fault leaves the ticket issued and the job pending.
        """
        clerk = self._session.current.username if self._session.current else "kiosk"
        printing = self._printing if print_ticket else None

        def work(rec: Recorder) -> tuple[TicketView, int | None]:
            day = rec.business_day
            number = rec.tx.tickets.next_number(day)
            entry = rec.record("ticket.issued", {"number": number, "service": service}, clerk)
            rec.tx.tickets.add(day, number, service, entry.seq)
            job = None
            if printing is not None:
                paper = QueueTicket(
                    self._office_ar,
                    number,
                    SERVICE_NAMES.get(service, service),
                    self._uow.clock.now(),
                    rec.tx.tickets.count_waiting(day) - 1,
                )
                job = printing.queue(rec, "ticket", paper, clerk, f"ticket {number}")
            return TicketView(number, service, "waiting"), job

        ticket, job = self._uow.run(work)
        if printing is not None and job is not None:
            outcome = printing.run(job, clerk)
            return TicketView(
                ticket.number, ticket.service, ticket.status, outcome.status, outcome.error
            )
        return ticket

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

        def work(rec: Recorder) -> TicketView:
            ticket = rec.tx.tickets.current_called(rec.business_day)
            if ticket is None:
                raise InputError("ticket", "لا توجد تذكرة منادى عليها", "No ticket has been called")
            entry = rec.record(f"ticket.{outcome}", {"number": ticket.number}, clerk.username)
            rec.tx.tickets.set_status(ticket.id, outcome, entry.seq)
            return TicketView(ticket.number, ticket.service, outcome)

        return self._uow.run(work)

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

    def snapshot(self) -> QueueSnapshot:
        clerk = self._session.current
        with self._uow.db.read() as tx:
            day = self._uow.clock.stamp().business_day
            current = tx.tickets.current_called(day)
            waiting = tx.tickets.count_waiting(day)
            shift_open = clerk is not None and tx.shifts.open_shift_id(clerk.username) is not None
        view = None if current is None else TicketView(current.number, current.service, "called")
        return QueueSnapshot(view, waiting, shift_open)
