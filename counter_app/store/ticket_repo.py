"""Queue tickets and the actions waiting for the office's queue host."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from counter_app.domain.queue import OPEN, Ticket
from counter_app.store.schema import queue_outbox, queue_tickets

_T = queue_tickets.c


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _parse(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _ticket(row: Row[Any]) -> Ticket:
    arrived = _parse(row.arrived_at)
    assert arrived is not None
    return Ticket(
        label=row.label,
        group=row.queue_group,
        number=row.number,
        arrived=arrived,
        status=row.status,
        category=row.category,
        appointment=_parse(row.appointment_at),
        called=_parse(row.called_at),
        started=_parse(row.started_at),
        ended=_parse(row.ended_at),
        window=row.window,
        clerk=row.clerk,
        transferred_from=row.transferred_from,
        for_window=row.for_window,
        outcome=row.outcome,
        rating=row.rating,
    )


def _values(ticket: Ticket) -> dict[str, Any]:
    return {
        "label": ticket.label,
        "queue_group": ticket.group,
        "number": ticket.number,
        "status": ticket.status,
        "category": ticket.category,
        "appointment_at": _time(ticket.appointment),
        "arrived_at": _time(ticket.arrived),
        "called_at": _time(ticket.called),
        "started_at": _time(ticket.started),
        "ended_at": _time(ticket.ended),
        "window": ticket.window,
        "clerk": ticket.clerk,
        "transferred_from": ticket.transferred_from,
        "for_window": ticket.for_window,
        "outcome": ticket.outcome,
        "rating": ticket.rating,
    }


class TicketRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def next_number(self, business_day: str, group: str, origin: str = "office") -> int:
        """The next serial of `group` today among tickets of this origin."""
        current = self._conn.execute(
            select(func.count()).where(
                _T.business_day == business_day,
                _T.queue_group == group,
                _T.origin == origin,
                _T.transferred_from == "",
            )
        ).scalar()
        return int(current or 0) + 1

    def add(self, business_day: str, ticket: Ticket, seq: int, origin: str = "office") -> None:
        self._conn.execute(
            insert(queue_tickets).values(
                business_day=business_day,
                origin=origin,
                issued_seq=seq,
                last_seq=seq,
                **_values(ticket),
            )
        )

    def save(self, business_day: str, ticket: Ticket, seq: int) -> None:
        """Write the ticket's state as `ticket` says (its label names the row)."""
        self._conn.execute(
            update(queue_tickets)
            .where(_T.business_day == business_day, _T.label == ticket.label)
            .values(last_seq=seq, **_values(ticket))
        )

    def get(self, business_day: str, label: str) -> Ticket | None:
        row = self._conn.execute(
            select(queue_tickets).where(_T.business_day == business_day, _T.label == label)
        ).first()
        return None if row is None else _ticket(row)

    def last_seq(self, business_day: str, label: str) -> int:
        """The entry that last changed the ticket (a correction names it)."""
        return int(
            self._conn.execute(
                select(_T.last_seq).where(_T.business_day == business_day, _T.label == label)
            ).scalar_one()
        )

    def origin(self, business_day: str, label: str) -> str | None:
        row = self._conn.execute(
            select(_T.origin).where(_T.business_day == business_day, _T.label == label)
        ).first()
        return None if row is None else str(row[0])

    def day(self, business_day: str, *, origin: str | None = None) -> list[Ticket]:
        query = select(queue_tickets).where(_T.business_day == business_day)
        if origin is not None:
            query = query.where(_T.origin == origin)
        return [_ticket(r) for r in self._conn.execute(query.order_by(_T.id))]

    def open(self, business_day: str, *, origin: str | None = None) -> list[Ticket]:
        query = select(queue_tickets).where(_T.business_day == business_day, _T.status.in_(OPEN))
        if origin is not None:
            query = query.where(_T.origin == origin)
        return [_ticket(r) for r in self._conn.execute(query.order_by(_T.id))]

    def at_window(
        self, business_day: str, window: int, *, origin: str | None = None
    ) -> Ticket | None:
        """The ticket called or being served at `window`, if any."""
        query = select(queue_tickets).where(
            _T.business_day == business_day,
            _T.window == window,
            _T.status.in_(("called", "serving")),
        )
        if origin is not None:
            query = query.where(_T.origin == origin)
        row = self._conn.execute(query.order_by(_T.id).limit(1)).first()
        return None if row is None else _ticket(row)

    def recent_served(self, business_day: str, origin: str, limit: int = 100) -> list[Ticket]:
        """The last tickets served today (for the kiosk's estimate of the wait)."""
        rows = self._conn.execute(
            select(queue_tickets)
            .where(_T.business_day == business_day, _T.origin == origin, _T.status == "served")
            .order_by(_T.id.desc())
            .limit(limit)
        )
        return [_ticket(r) for r in rows]

    def stale_open(self, before_day: str) -> list[tuple[str, Ticket]]:
        """Tickets of earlier days still open: the day rolled over under them."""
        rows = self._conn.execute(
            select(queue_tickets).where(_T.business_day < before_day, _T.status.in_(OPEN))
        )
        return [(r.business_day, _ticket(r)) for r in rows]

    def not_handed_over(self) -> list[tuple[str, Ticket]]:
        """A window's own tickets, finished, that the queue host has not been given."""
        rows = self._conn.execute(
            select(queue_tickets).where(
                _T.origin == "own", _T.handed_over == 0, _T.status.not_in(OPEN)
            )
        )
        return [(r.business_day, _ticket(r)) for r in rows]

    def mark_handed_over(self, business_day: str, label: str) -> None:
        self._conn.execute(
            update(queue_tickets)
            .where(_T.business_day == business_day, _T.label == label)
            .values(handed_over=1)
        )


class QueueOutbox:
    """Actions on the host's tickets taken while it was away, in the order taken."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, action_id: str, body: dict[str, Any], seq: int) -> None:
        self._conn.execute(
            insert(queue_outbox).values(
                action_id=action_id, body=json.dumps(body, ensure_ascii=False), created_seq=seq
            )
        )

    def waiting(self) -> list[tuple[str, dict[str, Any]]]:
        rows = self._conn.execute(
            select(queue_outbox.c.action_id, queue_outbox.c.body)
            .where(queue_outbox.c.delivered == 0)
            .order_by(queue_outbox.c.id)
        )
        return [(str(r[0]), json.loads(r[1])) for r in rows]

    def delivered(self, action_id: str) -> None:
        self._conn.execute(
            update(queue_outbox).where(queue_outbox.c.action_id == action_id).values(delivered=1)
        )
