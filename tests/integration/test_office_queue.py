"""The queue kept in a window's store: numbering, the Cairo day, counter actions, figures."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from counter_app.domain.errors import InputError
from counter_app.domain.money import Money
from counter_app.domain.queue import figures, figures_by
from counter_app.domain.visit import Tender, VisitLine
from counter_app.services.clock import SimulatedClock
from counter_app.services.context import AppContext
from tests.helpers import open_demo

CAIRO = ZoneInfo("Africa/Cairo")


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(datetime(2026, 11, 30, 9, 0, tzinfo=CAIRO))


@pytest.fixture
def ctx(tmp_path: Path, clock: SimulatedClock) -> AppContext:
    context = open_demo(tmp_path / "w", clock=clock)
    context.shifts.open_shift()
    yield context
    context.close()


def entries(ctx: AppContext, prefix: str = "ticket.") -> list[tuple[str, dict]]:
    with ctx.db.read() as tx:
        return [
            (e.entry_type, e.payload)
            for e in tx.journal.entries()
            if e.entry_type.startswith(prefix)
        ]


def test_tickets_are_numbered_per_group_and_restart_at_cairo_midnight(
    ctx: AppContext, clock: SimulatedClock
) -> None:
    labels = [ctx.queue.issue_ticket(g, kiosk=True).label for g in ("T", "T", "C", "T", "C")]
    assert labels == ["T-1", "T-2", "C-1", "T-3", "C-2"]
    clock.set(datetime(2026, 11, 30, 23, 59, 30, tzinfo=CAIRO))
    assert ctx.queue.issue_ticket("T", kiosk=True).label == "T-4"
    clock.advance(60)  # 00:00:30 in Cairo: 22:00:30 UTC, still "yesterday" in UTC
    assert ctx.queue.issue_ticket("T", kiosk=True).label == "T-1"
    # Yesterday's waiting tickets ended with their day: abandoned, never called today.
    assert [e for e in entries(ctx) if e[0] == "ticket.cancelled"]
    called = ctx.queue.call_next()
    assert called is not None and called.label == "T-1"
    with ctx.db.read() as tx:
        old = tx.tickets.day("2026-11-30")
    assert {t.status for t in old} == {"cancelled"}


def test_call_recall_park_resume_transfer_no_show_and_finish(
    ctx: AppContext, clock: SimulatedClock
) -> None:
    q = ctx.queue
    for group in ("T", "T", "T", "C"):
        q.issue_ticket(group, kiosk=True)
        clock.advance(60)
    first = q.call_next()
    assert first is not None and first.label == "T-1" and first.letter == "م"
    with pytest.raises(InputError):  # one citizen at a time
        q.call_next()
    assert q.recall_current().label == "T-1"
    parked = q.act("park")
    assert parked.status == "parked"
    second = q.call_next()
    assert second is not None and second.label == "T-2"
    assert q.finish_current("no_show").status == "no_show"
    assert q.act("resume", label="T-1").status == "serving"
    moved = q.transfer(group="C")
    assert moved.label == "T-1/1" and moved.service == "C"
    third = q.call_next()
    # T-1/1 keeps its arrival, so it is called before T-3 and C-1 (issued after it).
    assert third is not None and third.label == "T-1/1" and third.letter == "م"
    clock.advance(300)
    assert q.finish_current().status == "served"
    assert q.rate(4).label == "T-1/1"
    with pytest.raises(InputError):
        q.rate(9)
    kinds = [kind for kind, _ in entries(ctx)]
    for kind in (
        "ticket.recalled",
        "ticket.parked",
        "ticket.resumed",
        "ticket.transferred",
        "ticket.no_show",
        "ticket.served",
        "ticket.rated",
    ):
        assert kind in kinds
    day = q.office.day_tickets()
    office = figures(day, 20)
    assert office.issued == 4 and office.served == 1 and office.no_show == 1
    assert office.transferred == 1 and office.rating_mean == 4


def test_priority_is_called_first_but_an_old_ordinary_ticket_is_not_passed(
    ctx: AppContext, clock: SimulatedClock
) -> None:
    q = ctx.queue
    q.issue_ticket("T", kiosk=True)
    clock.advance(5 * 60)
    q.issue_ticket("T", kiosk=True, category="pregnant")
    called = q.call_next()
    assert called is not None and called.label == "T-2"  # 5 minutes behind, 15 ahead
    q.finish_current()
    clock.advance(20 * 60)
    q.issue_ticket("T", kiosk=True, category="elderly")
    called = q.call_next()
    assert called is not None and called.label == "T-1"  # waited 25 minutes: not passed


def test_queue_figures_reconcile_with_the_visits_paid_at_the_window(
    ctx: AppContext, clock: SimulatedClock
) -> None:
    q = ctx.queue
    paid_tickets = []
    for n in range(4):
        q.issue_ticket("P", kiosk=True)
        clock.advance(60)
        called = q.call_next()
        assert called is not None
        ctx.visit.ticket = called.label
        if n != 2:  # one citizen leaves without paying
            service = ctx.catalogue.current().service("traffic_fines")
            ctx.visit.add(
                [
                    VisitLine(service.code, f.name_ar, f.name_en, f.amount)
                    for f in service.fixed_fees
                ]
            )
            outcome = ctx.visit.pay(ctx.visit.request([Tender("cash", Money(100_000))]))
            for printed in outcome.prints:
                printed.result()
            paid_tickets.append(called.label)
            ctx.visit.clear()
        clock.advance(180)
        q.finish_current()
    with ctx.db.read() as tx:
        payments = tx.payments.on_day(ctx.clock.stamp().business_day)
    assert sorted(p.ticket for p in payments) == sorted(paid_tickets)
    served = {t.label for t in q.office.day_tickets() if t.status == "served"}
    assert set(paid_tickets) <= served
    recorded = [json.dumps(p) for k, p in entries(ctx, "payment.recorded")]
    assert all(any(label in r for r in recorded) for label in paid_tickets)
    per_clerk = figures_by(q.office.day_tickets(), "clerk", 20)
    assert sum(f.served for f in per_clerk.values()) == 4
