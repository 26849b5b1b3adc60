"""The queue as this window sees it: call, serve and finish tickets; open and close shifts.

Where the office's queue lives depends on `queue.role`: a standalone window and the
office's queue host keep it in their own store (`OfficeQueue`); a window of a larger office
uses the host over the office network (`OfficeLink`). When the host cannot be reached such
a window keeps working: it issues and calls its own tickets (numbered from window x 10,000),
and actions it takes on a host ticket wait in its store (`queue_outbox`) until the host is
back. Nothing is lost and nothing is issued twice: the host never issues a number from a
window's block, and each waiting action is handed over once, in order, by its id.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from counter_app.domain.errors import InputError
from counter_app.domain.queue import Ticket, figures_report
from counter_app.services.office_queue import Board, OfficeQueue
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.session import SessionService
from printing.documents import QueueTicket
from sync.office import HostRefused, HostUnavailable, OfficeLink, ticket_from_wire, ticket_to_wire

log = logging.getLogger(__name__)

OUTCOMES = ("served", "no_show")
UNDO_GRACE_S = 60  # a ticket marked served or no-show by mistake can be reopened this long


@dataclass(frozen=True)
class TicketView:
    number: int
    service: str  # the queue group
    status: str
    print_job: int | None = None  # the queued paper ticket, to be printed by the caller
    label: str = ""
    letter: str = ""
    ahead: int = 0
    estimated_wait_min: int = 0
    category: str = "normal"
    window: int = 0  # the window it was called to

    @classmethod
    def of(cls, ticket: Ticket, letter: str, **more: Any) -> TicketView:
        return cls(
            ticket.number,
            ticket.group,
            ticket.status,
            label=ticket.label,
            letter=letter,
            category=ticket.category,
            window=ticket.window or 0,
            **more,
        )


@dataclass(frozen=True)
class QueueSnapshot:
    current: TicketView | None
    waiting: int
    shift_open: bool
    parked: tuple[TicketView, ...] = ()
    host: str = "local"  # local, host (reached), away (a window working on its own)


@dataclass(frozen=True)
class BoardView:
    """The display's view: calls (most recent first), waiting per group, new calls."""

    calls: tuple[TicketView, ...]
    waiting: dict[str, int]
    called: list[list[Any]] = field(default_factory=list)  # (serial, label, letter, number, window)
    epoch: str = ""
    host: str = "local"
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # group: (ar, en)


def _refusal(exc: HostRefused) -> InputError:
    return InputError(exc.code, exc.message_ar, exc.message_en)


class QueueService:
    def __init__(
        self,
        uow: UnitOfWork,
        session: SessionService,
        window: int,
        office: OfficeQueue,
        *,
        groups: tuple[str, ...] = (),
        link: Callable[[], OfficeLink | None] | None = None,
    ) -> None:
        self._uow = uow
        self._session = session
        self._window = window
        self.office = office  # the office's queue here, or this window's own tickets
        self._groups = groups
        self._link_factory = link
        self._link: OfficeLink | None = None
        self.host = "local" if link is None else "host"
        self.retry_s = 10.0  # how long a window works alone before asking the host again
        self._retry_at = 0.0
        self._lock = threading.RLock()
        # The last ticket finished here, for undo: (label, when, clerk, remote).
        self._last_finished: tuple[str, datetime, str, bool] | None = None

    @property
    def remote(self) -> bool:
        return self._link_factory is not None

    # ---- the host -----------------------------------------------------------------------

    def _host(self, name: str, body: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """Ask the host; None when it cannot be reached (this window works on its own)."""
        if self._link_factory is None:
            return None
        with self._lock:
            if self._link is None:
                self._link = self._link_factory()
            link = self._link
        if link is None:
            self.host = "away"
            return None
        if self.host == "away" and time.monotonic() < self._retry_at:
            return None  # not asked again for a while: every action would wait otherwise
        try:
            answer = link.call(name, body)
        except HostUnavailable as exc:
            if self.host != "away":
                log.warning("queue host away: %s", exc)
            self.host = "away"
            self._retry_at = time.monotonic() + self.retry_s
            return None
        except HostRefused as exc:
            self.host = "host"
            raise _refusal(exc) from exc
        if self.host == "away":
            log.info("queue host is back")
        self.host = "host"
        return answer

    def hand_over(self) -> int:
        """Give the host what this window did while it was away; the number handed over."""
        if not self.remote:
            return 0
        with self._uow.db.read() as tx:
            waiting = tx.queue_outbox.waiting()
            own = tx.tickets.not_handed_over()
        done = 0
        for action_id, body in waiting:
            try:
                answer = self._host(body.pop("call"), body)
            except InputError as exc:
                log.warning("queue host refused a waiting action (%s): %s", action_id, exc)
                answer = {}
            if answer is None:
                return done
            self._uow.run(partial(_delivered, action_id=action_id))
            done += 1
        for day, ticket in own:
            if self._host("merge", {"day": day, "ticket": _wire(ticket)}) is None:
                return done
            self._uow.run(partial(_handed_over, day=day, label=ticket.label))
            done += 1
        return done

    def _defer(self, call: str, body: dict[str, Any], clerk: str) -> None:
        """Keep an action on a host ticket until the host is back (journaled now)."""
        action_id = str(uuid.uuid4())
        body = {**body, "call": call, "at": self._uow.clock.now().isoformat()}

        def work(rec: Recorder) -> None:
            entry = rec.record(
                "ticket.deferred",
                {"action": action_id, "call": call, "label": body.get("label", "")},
                clerk,
            )
            rec.tx.queue_outbox.add(action_id, body, entry.seq)

        self._uow.run(work)

    def _view(
        self, ticket: Ticket | None, letters: dict[str, str] | None = None, **more: Any
    ) -> TicketView | None:
        """The ticket as shown, with its group's letter (`letters`: the groups' letters when
        the caller shows several tickets, read once)."""
        if ticket is None:
            return None
        root = ticket.transferred_from.split("/")[0] if ticket.transferred_from else ticket.label
        group = root.split("-")[0]
        letter = letters.get(group, group) if letters is not None else self.office.letter(group)
        return TicketView.of(ticket, letter, **more)

    def _letters(self) -> dict[str, str]:
        return {code: letter for code, letter, _ar, _en in self.office.groups()}

    def _remote_ticket(self, answer: dict[str, Any], **more: Any) -> TicketView | None:
        wire = answer.get("ticket")
        return None if wire is None else self._view(ticket_from_wire(wire), **more)

    # ---- issuing (window and kiosk) -----------------------------------------------------

    def issue_ticket(
        self,
        service: str = "",
        *,
        print_ticket: bool = False,
        kiosk: bool = False,
        category: str = "normal",
    ) -> TicketView:
        """A ticket of queue group `service` (the first group when empty) from the window
        (a clerk must be signed in) or the kiosk. With `print_ticket` the paper ticket is
        queued with it; the caller prints it (`PrintService.submit(view.print_job)`)."""
        clerk = "kiosk" if kiosk else self._session.require_clerk().username
        group = service or self.office.groups()[0][0]
        if self.remote:
            answer = self._host("issue", {"group": group, "category": category, "clerk": clerk})
            if answer is not None:
                ticket = ticket_from_wire(answer["ticket"])
                job = (
                    self._print_here(ticket, answer["ahead"], answer["estimate"], clerk)
                    if print_ticket
                    else None
                )
                view = self._view(
                    ticket,
                    ahead=answer["ahead"],
                    estimated_wait_min=answer["estimate"],
                    print_job=job,
                )
                assert view is not None
                return view
        issued = self.office.issue(group, clerk, category=category, print_ticket=print_ticket)
        view = self._view(
            issued.ticket,
            ahead=issued.ahead,
            estimated_wait_min=issued.estimated_wait_min,
            print_job=issued.print_job,
        )
        assert view is not None
        return view

    def _print_here(self, ticket: Ticket, ahead: int, estimate: int, clerk: str) -> int | None:
        printing = self.office.printing
        if printing is None:
            return None
        names = {code: ar for code, _l, ar, _en in self.office.groups()}
        paper = QueueTicket(
            self.office.settings.office_ar,
            ticket.number,
            names.get(ticket.group, ticket.group),
            ticket.arrived,
            ahead,
            letter_ar=self.office.letter(ticket.group),
            estimated_wait_min=estimate,
            qr_text=f"CQ1|{self.office.settings.office_code}|{self._uow.clock.stamp().business_day}|{ticket.label}",
        )
        return self._uow.run(
            lambda rec: printing.queue(rec, "ticket", paper, clerk, f"ticket {ticket.label}")
        )

    # ---- counter actions ------------------------------------------------------------------

    def call_next(self) -> TicketView | None:
        """Call the next ticket for this window; None when nobody is waiting."""
        clerk = self._session.require_clerk().username
        self._refuse_if_serving()
        if self.remote:
            self.hand_over()
            if self.office.waiting_count() == 0:  # this window's own tickets go first
                answer = self._host("call_next", {"groups": list(self._groups), "clerk": clerk})
                if answer is not None:
                    self._away_current = self._remote_ticket(answer)
                    return self._away_current
        return self._view(self.office.call_next(self._window, self._groups, clerk))

    def call_ticket(self, label: str) -> TicketView:
        clerk = self._session.require_clerk().username
        self._refuse_if_serving()
        if self.remote and self.office.day_tickets() and self._is_own(label):
            return self._must(self._view(self.office.call_label(self._window, label, clerk)))
        if self.remote:
            answer = self._host("call_label", {"label": label, "clerk": clerk})
            if answer is not None:
                self._away_current = self._must(self._remote_ticket(answer))
                return self._away_current
        return self._must(self._view(self.office.call_label(self._window, label, clerk)))

    def recall_current(self) -> TicketView:
        """Call the ticket being served again (the citizen did not hear it)."""
        clerk = self._session.require_clerk().username
        current, remote = self._current()
        if current is None:
            raise InputError("ticket", "لا توجد تذكرة منادى عليها", "No ticket has been called")
        if remote:
            answer = self._host("recall", {"clerk": clerk})
            if answer is None:
                raise InputError(
                    "queue_host",
                    "تعذر الوصول إلى مضيف الطابور: نادِ المواطن بصوتك",
                    "The queue host cannot be reached: call the citizen by voice",
                )
            return self._must(self._remote_ticket(answer))
        return self._must(self._view(self.office.recall(self._window, clerk)))

    def act(self, action: str, *, label: str = "", outcome: str = "done") -> TicketView:
        """start, park, no_show or finish the ticket here; resume a parked one (`label`)."""
        clerk = self._session.require_clerk().username
        current, remote = self._current()
        if action == "resume":
            self._refuse_if_serving()
            remote = self.remote and not self._is_own(label)
        elif current is None:
            raise InputError("ticket", "لا توجد تذكرة منادى عليها", "No ticket has been called")
        else:
            label = current.label
        if remote:
            body = {"action": action, "label": label, "outcome": outcome, "clerk": clerk}
            answer = self._host("act", body)
            if answer is None:
                if action == "resume":
                    raise InputError(
                        "queue_host",
                        "مضيف الطابور غير متاح الآن",
                        "The queue host cannot be reached now",
                    )
                self._defer("act", body, clerk)
                self._away_current = None if action in ("finish", "no_show", "park") else current
                return TicketView(
                    current.number if current else 0,
                    current.service if current else "",
                    _RESULT[action],
                    label=label,
                    letter=current.letter if current else "",
                )
            view = self._must(self._remote_ticket(answer))
            self._away_current = view if view.status in ("called", "serving") else None
        else:
            view = self._must(
                self._view(
                    self.office.act(self._window, action, clerk, label=label, outcome=outcome)
                )
            )
        if action in ("finish", "no_show"):
            self._last_finished = (label, self._uow.clock.now(), clerk, remote)
        return view

    def finish_current(self, outcome: str = "served") -> TicketView:
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        return self.act("finish" if outcome == "served" else "no_show")

    def transfer(self, *, group: str = "", to_window: int | None = None) -> TicketView:
        clerk = self._session.require_clerk().username
        current, remote = self._current()
        if current is None:
            raise InputError("ticket", "لا توجد تذكرة منادى عليها", "No ticket has been called")
        if remote:
            answer = self._host(
                "transfer", {"group": group, "to_window": to_window, "clerk": clerk}
            )
            if answer is None:
                raise InputError(
                    "queue_host",
                    "لا يمكن التحويل ومضيف الطابور غير متاح",
                    "A ticket cannot be transferred while the queue host is away",
                )
            self._away_current = None
            return self._must(self._remote_ticket(answer))
        return self._must(
            self._view(self.office.transfer(self._window, clerk, group=group, to_window=to_window))
        )

    def rate(self, rating: int, label: str = "") -> TicketView:
        """The citizen's rating of the ticket just finished here (or of `label`)."""
        clerk = self._session.require_clerk().username
        last = self._last_finished
        label = label or (last[0] if last else "")
        if not label:
            raise InputError(
                "rating", "لا توجد خدمة منتهية لتقييمها", "There is no finished service to rate"
            )
        if self.remote and not self._is_own(label):
            answer = self._host("rate", {"label": label, "rating": rating, "clerk": clerk})
            if answer is None:
                self._defer("rate", {"label": label, "rating": rating, "clerk": clerk}, clerk)
                return TicketView(0, "", "served", label=label)
            return self._must(self._remote_ticket(answer))
        return self._must(self._view(self.office.rate(label, rating, clerk)))

    def undo_finish(self) -> TicketView:
        """Reopen the ticket just marked served or no-show (within UNDO_GRACE_S)."""
        clerk = self._session.require_clerk()
        last = self._last_finished
        if (
            last is None
            or last[2] != clerk.username
            or last[3]
            or (self._uow.clock.now() - last[1]).total_seconds() > UNDO_GRACE_S
        ):
            raise InputError(
                "undo",
                f"لا يوجد ما يمكن التراجع عنه (المهلة {UNDO_GRACE_S} ثانية)",
                f"There is nothing to undo (undo is possible for {UNDO_GRACE_S} s)",
            )
        self._refuse_if_serving()
        view = self._must(
            self._view(self.office.act(self._window, "reopen", clerk.username, label=last[0]))
        )
        self._last_finished = None
        return view

    # ---- what the window shows ----------------------------------------------------------

    _away_current: TicketView | None = None  # a host ticket being served while it is away

    def _current(self) -> tuple[TicketView | None, bool]:
        """The ticket at this window and whether the host holds it."""
        own = self._view(self.office.current(self._window))
        if own is not None or not self.remote:
            return own, False
        self.hand_over()  # what was done while the host was away comes first
        answer = self._host("current", {"groups": list(self._groups)})
        if answer is None:
            return self._away_current, True
        self._away_current = self._remote_ticket(answer)
        return self._away_current, True

    def _refuse_if_serving(self) -> None:
        current, _remote = self._current()
        if current is not None:
            raise InputError(
                "ticket",
                f"أنهِ التذكرة {current.label} قبل نداء غيرها",
                f"Finish ticket {current.label} before calling another",
            )

    def _is_own(self, label: str) -> bool:
        with self._uow.db.read() as tx:
            return tx.tickets.origin(self._uow.clock.stamp().business_day, label) is not None

    @staticmethod
    def _must(view: TicketView | None) -> TicketView:
        assert view is not None
        return view

    def snapshot(self) -> QueueSnapshot:
        clerk = self._session.current
        with self._uow.db.read() as tx:
            shift_open = clerk is not None and tx.shifts.open_shift_id(clerk.username) is not None
        current, _remote = self._current()
        waiting = self.office.waiting_count(self._groups, self._window)
        letters = self._letters()
        parked = [self._view(t, letters) for t in self.office.parked(self._window)]
        if self.remote and self.host == "host":
            answer = self._host("current", {"groups": list(self._groups)}) or {}
            waiting += int(answer.get("waiting", 0))
            parked += [self._view(ticket_from_wire(w), letters) for w in answer.get("parked", [])]
        return QueueSnapshot(
            current, waiting, shift_open, tuple(p for p in parked if p is not None), self.host
        )

    def board(self, since: int = 0) -> BoardView:
        """What the waiting-room display shows (from the host when there is one)."""
        groups = self.office.groups()
        letters = {code: letter for code, letter, _ar, _en in groups}
        names = {code: (ar, en) for code, _letter, ar, en in groups}
        if self.remote:
            answer = self._host("board", {"since": since})
            if answer is not None:
                wires = answer["calls"]
                calls = tuple(
                    v for w in wires if (v := self._view(ticket_from_wire(w), letters)) is not None
                )
                return BoardView(
                    calls, answer["waiting"], answer["called"], answer["epoch"], "host", names
                )
        board: Board = self.office.board()
        calls = tuple(v for t in board.calls if (v := self._view(t, letters)) is not None)
        return BoardView(
            calls,
            board.waiting,
            self.office.calls_since(since),
            self.office.epoch,
            self.host,
            names,
        )

    def groups(self) -> list[tuple[str, str, str, str]]:
        return self.office.groups()

    def figures(self, day: str = "") -> dict[str, Any]:
        """The office's queue figures for a day (today): from the host when there is one."""
        if self.remote:
            answer = self._host("figures", {"day": day})
            if answer is not None:
                return answer
        target = self.office.settings.target_wait_min
        return figures_report(self.office.day_tickets(day or None), target)

    def end_of_shift(self) -> None:
        """The shift closed: a finished ticket can no longer be undone."""
        self._last_finished = None

    def close(self) -> None:
        if self._link is not None:
            self._link.close()


_RESULT = {"start": "serving", "park": "parked", "no_show": "no_show", "finish": "served"}

_wire = ticket_to_wire


def _delivered(rec: Recorder, *, action_id: str) -> None:
    rec.tx.queue_outbox.delivered(action_id)


def _handed_over(rec: Recorder, *, day: str, label: str) -> None:
    rec.tx.tickets.mark_handed_over(day, label)
