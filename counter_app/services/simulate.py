"""A seeded stream of realistic activity at one window, driven through the real services.

A busy rural window serves about 100-150 citizens a day: each visit is a ticket issued,
called, an identity captured (sometimes mistyped first and refused), and finished. The
demo, the benchmarks and the crash tests all use this, and each new capability adds its
operations here, so it always exercises the whole product.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from counter_app.domain.business_time import CAIRO
from counter_app.domain.cash import CashCount
from counter_app.domain.errors import InputError
from counter_app.domain.national_id import GOVERNORATES
from counter_app.services.clock import SimulatedClock
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_CLERK
from counter_app.services.simulate_money import MoneyDay, pay_for_visit

OPENING_TIME = time(8, 30)


@dataclass
class SimulatedDay:
    day: date
    tickets: int = 0
    served: int = 0
    no_show: int = 0
    refused_inputs: int = 0
    first_seq: int = 0
    last_seq: int = 0
    money: MoneyDay = field(default_factory=MoneyDay)

    @property
    def entries(self) -> int:
        return self.last_seq - self.first_seq + 1 if self.last_seq else 0

    def line(self) -> str:
        return (
            f"{self.day.isoformat()}: {self.tickets} tickets, {self.served} served, "
            f"{self.no_show} no-show, {self.refused_inputs} refused inputs, "
            f"{self.entries} journal entries (seq {self.first_seq}-{self.last_seq}); "
            f"{self.money.line()}"
        )


@dataclass
class SimulationReport:
    seed: int
    days: list[SimulatedDay] = field(default_factory=list)

    @property
    def entries(self) -> int:
        return sum(day.entries for day in self.days)


def random_national_id(rng: random.Random) -> str:
    """A plausible national ID number: valid date, known governorate, random serial."""
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    century = "2" if birth.year < 2000 else "3"
    governorate = rng.choice(sorted(GOVERNORATES))
    return f"{century}{birth:%y%m%d}{governorate}{rng.randrange(10_000):04d}{rng.randrange(10)}"


def _mistype(number: str, rng: random.Random) -> str:
    """What a hurried clerk types: a digit dropped, or a month that does not exist."""
    if rng.random() < 0.5:
        cut = rng.randrange(len(number))
        return number[:cut] + number[cut + 1 :]
    return number[:3] + "13" + number[5:]


def first_simulated_day(ctx: AppContext, days: int) -> date:
    """Simulated days end yesterday when the journal allows; they never start before the
    journal's last business day is over, so a profile's days stay in order."""
    with ctx.db.read() as tx:
        seq, _ = tx.journal.head()
        last = tx.journal.get(seq) if seq else None
    start = datetime.now(CAIRO).date() - timedelta(days=days)
    if last is not None:
        start = max(start, date.fromisoformat(last.business_day) + timedelta(days=1))
    return start


def simulate(
    ctx: AppContext,
    clock: SimulatedClock,
    *,
    days: int,
    seed: int,
    start: date,
    progress: Callable[[SimulatedDay], None] | None = None,
) -> SimulationReport:
    """Run `days` business days at this window through the services; deterministic by seed."""
    rng = random.Random(seed)
    report = SimulationReport(seed)
    username, _, _, pin = DEMO_CLERK
    for offset in range(days):
        day = start + timedelta(days=offset)
        clock.set(datetime.combine(day, OPENING_TIME, tzinfo=CAIRO))
        today = SimulatedDay(day, first_seq=_head(ctx) + 1)
        if ctx.session.current is None:
            ctx.session.sign_in(username, pin)
        if not ctx.shifts.is_open():  # a run stopped midway (a full disk) left it open
            ctx.shifts.open_shift(CashCount.of(ctx.shifts.opening().previous_count))
        for _ in range(rng.randint(100, 150)):
            _serve_one(ctx, clock, rng, today)
        # The drawer holds what it should: counted as expected, per tender.
        table = {row.tender: row.expected for row in ctx.shifts.summary().rows}
        ctx.shifts.close_shift(CashCount.making(table["cash"]), table["card"], table["prepaid"])
        ctx.queue.end_of_shift()
        ctx.session.sign_out()
        today.last_seq = _head(ctx)
        report.days.append(today)
        if progress is not None:
            progress(today)
    return report


def _serve_one(
    ctx: AppContext, clock: SimulatedClock, rng: random.Random, today: SimulatedDay
) -> None:
    service = rng.choice([g.code for g in ctx.catalogue.current().queue_groups])
    ctx.queue.issue_ticket(service, kiosk=True)
    today.tickets += 1
    _wait(ctx, clock, rng.uniform(20, 90))
    ctx.queue.call_next()
    _wait(ctx, clock, rng.uniform(15, 60))
    if rng.random() < 0.06:
        ctx.queue.finish_current("no_show")
        today.no_show += 1
        return
    number = random_national_id(rng)
    if rng.random() < 0.05:
        try:
            ctx.identity.capture_national_id(_mistype(number, rng))
        except InputError:
            today.refused_inputs += 1
    ctx.identity.capture_national_id(number)
    _wait(ctx, clock, rng.uniform(30, 120))
    pay_for_visit(ctx, rng, number, today.money)
    _wait(ctx, clock, rng.uniform(30, 180))
    ctx.queue.finish_current("served")
    today.served += 1
    if rng.random() < 0.6:  # most citizens press a rating button on the way out
        ctx.queue.rate(rng.choice((3, 4, 5, 5, 5)))


def _wait(ctx: AppContext, clock: SimulatedClock, seconds: float) -> None:
    """Time passes at the window; its timer beats while the shift is open."""
    clock.advance(seconds)
    ctx.heartbeat.beat_if_due()


def _head(ctx: AppContext) -> int:
    with ctx.db.read() as tx:
        return tx.journal.head()[0]
