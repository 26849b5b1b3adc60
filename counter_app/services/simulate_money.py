"""The money part of a simulated visit: fines paid (cash, card, split; provisional when
HQ is away), clearance certificates, requests of every kind (taken alike offline,
submitted at the next sync), and a few voids approved by the supervisor.

Fines and certificates need HQ's answers: a window that is not enrolled pays the
service's own fee instead, and says so in the day's line."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from counter_app.domain.errors import BilingualError
from counter_app.domain.money import Money
from counter_app.domain.national_id import GOVERNORATES
from counter_app.domain.requests import RELATIONS, RequestForm
from counter_app.domain.visit import Tender, VisitLine
from counter_app.services.context import AppContext
from counter_app.services.demo import DEMO_SUPERVISOR
from peripherals.base import DeviceError

VOID_RATE = 0.02


@dataclass
class MoneyDay:
    payments: int = 0
    provisional: int = 0
    fee_only: int = 0  # not enrolled: no fines to ask about
    certificates: int = 0
    voids: int = 0
    requests: dict[str, int] = field(default_factory=dict)  # by service
    by_tender: dict[str, int] = field(default_factory=lambda: {"cash": 0, "card": 0, "prepaid": 0})

    def line(self) -> str:
        egp = ", ".join(f"{k} {Money(v).format('en')}" for k, v in self.by_tender.items() if v)
        extra = f", {self.fee_only} fee-only (not enrolled)" if self.fee_only else ""
        taken = ", ".join(f"{n} {code}" for code, n in sorted(self.requests.items()))
        return (
            f"{self.payments} payments ({self.provisional} provisional{extra}), "
            f"{self.certificates} certificates, {sum(self.requests.values())} requests"
            f"{f' ({taken})' if taken else ''}, {self.voids} voids; "
            f"collected {egp or 'nothing'}"
        )


def pay_for_visit(ctx: AppContext, rng: random.Random, number: str, day: MoneyDay) -> None:
    """What the citizen came to pay, if anything; refusals are part of a day, not errors."""
    if rng.random() < 0.2:
        _request(ctx, rng, number, day)
        return
    if rng.random() > 0.55:
        return
    catalogue = ctx.catalogue.current()
    fines_service = catalogue.service("traffic_fines")
    try:
        inquiry = ctx.fines.inquire("national_id", number)
    except BilingualError:
        ctx.visit.add(
            [
                VisitLine(fines_service.code, f.name_ar, f.name_en, f.amount)
                for f in fines_service.fixed_fees
            ]
        )
        _pay(ctx, rng, day)
        day.fee_only += 1
        return
    if inquiry.fines:
        chosen = [f.fine_id for f in inquiry.fines if rng.random() < 0.85] or [
            inquiry.fines[0].fine_id
        ]
        try:
            lines, fines = ctx.fines.lines(fines_service, inquiry, chosen)
        except BilingualError:
            return  # the saved answer is too old to pay against offline
        ctx.visit.add(lines, fines=fines, provisional=not inquiry.live)
        _pay(ctx, rng, day)
    elif inquiry.live and rng.random() < 0.5:
        _certificate(ctx, number, day)


_REQUESTS = (
    "fine_appeal",
    "licence_renewal",
    "birth_extract_delivery",
    "death_extract_delivery",
    "marriage_extract_delivery",
    "divorce_extract_delivery",
    "national_id_new",
    "national_id_renewal",
    "national_id_replacement",
)


def _request(ctx: AppContext, rng: random.Random, number: str, day: MoneyDay) -> None:
    """A request of any kind, with a form as a clerk fills it; paid like any visit."""
    service = ctx.catalogue.current().service(rng.choice(_REQUESTS))
    try:
        photo = ctx.camera.capture() if "photo" in service.fields else b""
    except DeviceError:
        return  # no camera at this window: no ID-card requests
    form = RequestForm(
        national_id=number,
        name="مواطن تجريبي",
        mobile=f"010{rng.randrange(10**8):08d}",
        licence=f"{rng.randrange(10**8):08d}",
        relation=rng.choice(sorted(RELATIONS)),
        subject_name="قريب تجريبي",
        deliver=rng.random() < 0.7,
        governorate=rng.choice([g for g in sorted(GOVERNORATES) if g != "88"]),
        district="المركز",
        street=f"{rng.randrange(1, 200)} شارع المحطة",
        grounds="لم أكن أقود السيارة في تاريخ المخالفة",
        fines=[f"SIM-APPEAL-{rng.randrange(10**6)}"],
        photo=photo,
    )
    try:
        lines, order = ctx.payments.requests.order(service, form)
    except BilingualError:
        return
    ctx.visit.add(lines, request=order)
    _pay(ctx, rng, day)
    day.requests[service.code] = day.requests.get(service.code, 0) + 1


def _certificate(ctx: AppContext, number: str, day: MoneyDay) -> None:
    service = ctx.catalogue.current().service("traffic_clearance")
    with ctx.db.read() as tx:
        sheet = tx.printing.next_sheet()
    if sheet is None:
        return
    try:
        clearance = ctx.certificates.check(service, number)
        lines, order = ctx.certificates.order(
            service, clearance, name="مواطن تجريبي", plate="", licence="", sheet=str(sheet)
        )
    except BilingualError:
        return
    ctx.visit.add(lines, certificate=order)
    _pay(ctx, rng=random.Random(sheet), day=day)
    day.certificates += 1


def _pay(ctx: AppContext, rng: random.Random, day: MoneyDay) -> None:
    total = ctx.visit.basket.total
    roll = rng.random()
    if roll < 0.6:
        step = rng.choice((500, 1000, 5000, 10000))  # what people hand over
        tenders = [Tender("cash", Money(-(-total.piastres // step) * step))]
    elif roll < 0.85 or total.piastres < 200:
        tenders = [Tender("card", total)]
    else:
        card = Money(total.piastres // 2)
        tenders = [Tender("card", card), Tender("cash", total - card)]
    outcome = ctx.visit.pay(ctx.visit.request(tenders))
    ctx.visit.clear()
    for printed in outcome.prints:
        printed.result()  # a simulated day ends with its paper out
    outcome.settlement.result()
    done = outcome.done
    day.payments += 1
    day.provisional += int(done.provisional)
    with ctx.db.read() as tx:
        payment = tx.payments.get(done.payment_id)
    assert payment is not None
    for tender in payment.tenders:
        day.by_tender[tender["kind"]] += tender["amount"]
    if rng.random() < VOID_RATE:
        ctx.visit.void(
            done.receipt_number, "خطأ في الإدخال", DEMO_SUPERVISOR[0], DEMO_SUPERVISOR[3]
        )
        day.voids += 1
        for tender in payment.tenders:
            day.by_tender[tender["kind"]] -= tender["amount"]
