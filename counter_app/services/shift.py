"""A shift at this window's drawer: the float counted at open (against the previous close),
cash paid in and out with a reason, and the close: the drawer counted by denomination, the
table per tender of opening, expected, counted and difference, explained and approved by a
supervisor beyond the office's tolerance. Each step is one transaction with its entry; the
close's record names the sequence range it covers (cut-off by sequence, not by clock)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from counter_app.domain.cash import (
    TENDERS,
    CashCount,
    Movement,
    Payment,
    TenderFigure,
    beyond_tolerance,
    reason_names,
    tender_table,
)
from counter_app.domain.errors import InputError
from counter_app.domain.money import Money
from counter_app.services.limits import LimitsService
from counter_app.services.payment import check_approver
from counter_app.services.recorder import DayClosed, Recorder, UnitOfWork
from counter_app.services.session import Clerk, SessionService
from counter_app.store import Transaction

MIN_EXPLANATION = 10  # characters: a reason someone else can read later


@dataclass(frozen=True)
class Opening:
    """What the clerk sees before counting the float."""

    expected: int  # what the previous close left in the drawer
    previous_count: dict[int, int]  # its count by denomination, to start from
    previous_clerk: str


@dataclass(frozen=True)
class CloseSummary:
    shift_id: int
    clerk: str
    opened_seq: int
    last_seq: int  # the cut-off the summary was computed to
    rows: list[TenderFigure]
    tolerance: int
    needs_approval: bool
    payments: int
    voids: int
    details: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class ShiftService:
    def __init__(
        self, uow: UnitOfWork, session: SessionService, limits: LimitsService, window: int
    ) -> None:
        self._uow = uow
        self._session = session
        self._limits = limits
        self._window = window

    # ---- opening ------------------------------------------------------------------------

    def opening(self) -> Opening:
        with self._uow.db.read() as tx:
            previous = tx.shifts.last_closed()
        record = previous.close_record if previous and previous.close_record else {}
        count = CashCount.from_payload(record.get("count", {}))
        return Opening(
            expected=count.total,
            previous_count=dict(count.pieces),
            previous_clerk=previous.clerk if previous else "",
        )

    def is_open(self) -> bool:
        clerk = self._session.current
        if clerk is None:
            return False
        with self._uow.db.read() as tx:
            return tx.shifts.open_shift_id(clerk.username) is not None

    def open_shift(self, count: CashCount | None = None, explanation: str = "") -> int:
        """Open the clerk's shift with the float counted; a difference from what the
        previous close left in the drawer is shown and must be explained."""
        clerk = self._session.require_clerk()
        count = count or CashCount()
        explanation = " ".join(explanation.split())

        def work(rec: Recorder) -> int:
            if rec.tx.shifts.is_day_closed(rec.business_day):
                raise DayClosed(rec.business_day)  # the reason that matters, before the count
            if rec.tx.shifts.open_shift_id(clerk.username) is not None:
                raise InputError("shift", "الوردية مفتوحة بالفعل", "The shift is already open")
            previous = rec.tx.shifts.last_closed()
            record = previous.close_record if previous and previous.close_record else {}
            expected = CashCount.from_payload(record.get("count", {})).total
            difference = count.total - expected
            if difference and len(explanation) < MIN_EXPLANATION:
                raise InputError(
                    "explanation",
                    f"الفكة المعدودة {Money(count.total).format('ar')} والمتروك في الدرج عند "
                    f"آخر إغلاق {Money(expected).format('ar')}: اكتب سبب الفرق",
                    f"The float counted is {Money(count.total).format('en')} but the last "
                    f"close left {Money(expected).format('en')}: write why they differ",
                )
            entry = rec.record(
                "shift.opened",
                {
                    "window": self._window,
                    "float": count.total,
                    "count": count.as_payload(),
                    "expected": expected,
                    "difference": difference,
                    "explanation": explanation[:500],
                },
                clerk.username,
            )
            return rec.tx.shifts.open(
                clerk.username, rec.business_day, entry.seq, count.total, count.as_payload()
            )

        return self._uow.run(work)

    # ---- cash paid in and out -----------------------------------------------------------

    def move_cash(self, direction: str, amount: Money, reason: str, note: str = "") -> None:
        """Cash paid into (`in`) or out of (`out`) the drawer, with a reason code."""
        clerk = self._session.require_clerk()
        reason_names(direction, reason)  # refuses an unknown reason
        note = " ".join(note.split())
        if amount.piastres <= 0:
            raise InputError("amount", "المبلغ أكبر من صفر", "The amount must be above zero")

        def work(rec: Recorder) -> None:
            shift_id = _open_shift_id(rec.tx, clerk)
            if direction == "out":
                cash = self._summary(rec.tx, shift_id, {}).rows[0]
                if amount.piastres > cash.expected:
                    raise InputError(
                        "amount",
                        f"لا يصرف من الدرج أكثر مما فيه ({Money(cash.expected).format('ar')})",
                        "Not more can be paid out than the drawer should hold "
                        f"({Money(cash.expected).format('en')})",
                    )
            signed = amount.piastres if direction == "in" else -amount.piastres
            entry = rec.record(
                f"cash.paid_{direction}",
                {"amount": amount.piastres, "reason": reason, "note": note[:200]},
                clerk.username,
            )
            rec.tx.shifts.add_movement(
                shift_id, signed, reason, note[:200], clerk.username, entry.seq
            )

        self._uow.run(work)

    # ---- closing ------------------------------------------------------------------------

    def summary(self, counted: dict[str, int] | None = None) -> CloseSummary:
        """The tender table as it stands now, with what has been counted so far."""
        clerk = self._session.require_clerk()
        with self._uow.db.read() as tx:
            return self._summary(tx, _open_shift_id(tx, clerk), counted or {})

    def _summary(self, tx: Transaction, shift_id: int, counted: dict[str, int]) -> CloseSummary:
        shift = tx.shifts.get(shift_id)
        assert shift is not None
        last = tx.shifts.head_seq()
        taken, voids, details = [], [], {t: [] for t in TENDERS}  # type: ignore[var-annotated]
        # Two clerks at one window each answer for their own takings.
        for seq, receipt, tenders, void_seq, total, ticket in tx.shifts.payments_between(
            shift.opened_seq, last, shift.clerk
        ):
            pay = Payment(
                seq, receipt, tuple((t["kind"], int(t["amount"])) for t in json.loads(tenders))
            )
            in_range = shift.opened_seq < seq <= last
            voided_here = void_seq is not None and shift.opened_seq < void_seq <= last
            if in_range:
                taken.append(pay)
            if voided_here:
                voids.append(pay)
            for kind, amount in pay.tenders:
                details.setdefault(kind, []).append(
                    {
                        "receipt": receipt,
                        "seq": seq,
                        "amount": amount,
                        "ticket": ticket,
                        "taken": in_range,
                        "voided_seq": void_seq if voided_here else None,
                        "total": total,
                    }
                )
        held = tx.shifts.movements(shift_id)
        movements = [Movement(s, a, r) for s, a, r, _n in held]
        for s, a, r, n in held:
            details["cash"].append({"movement": r, "seq": s, "amount": a, "note": n})
        rows = tender_table(shift.float_piastres, taken, voids, movements, counted)
        tolerance = self._limits.limits().cash_tolerance
        return CloseSummary(
            shift_id,
            shift.clerk,
            shift.opened_seq,
            last,
            rows,
            tolerance,
            bool(beyond_tolerance(rows, tolerance)),
            len(taken),
            len(voids),
            details,
        )

    def close_shift(
        self,
        count: CashCount,
        counted_card: int = 0,
        counted_prepaid: int = 0,
        *,
        explanation: str = "",
        supervisor: Clerk | None = None,
    ) -> dict[str, Any]:
        """Close the clerk's shift with the drawer counted: one atomic record."""
        clerk = self._session.require_clerk()
        explanation = " ".join(explanation.split())
        counted = {"cash": count.total, "card": counted_card, "prepaid": counted_prepaid}
        if min(counted.values()) < 0:
            raise InputError("counted", "المبالغ المعدودة لا تكون سالبة", "Counts are not negative")

        def work(rec: Recorder) -> dict[str, Any]:
            shift_id = _open_shift_id(rec.tx, clerk)
            summary = self._summary(rec.tx, shift_id, counted)
            differing = [r for r in summary.rows if r.difference]
            approved_by = ""
            if summary.needs_approval:
                if len(explanation) < MIN_EXPLANATION:
                    raise InputError(
                        "explanation",
                        "الفرق أكبر من المسموح: اكتب شرحًا للفرق (10 أحرف على الأقل)",
                        "The difference is beyond the tolerance: write an explanation "
                        "(at least 10 characters)",
                    )
                if supervisor is None:
                    raise InputError(
                        "approver",
                        "الفرق أكبر من المسموح: يلزم اعتماد المشرف باسمه ورقمه السري",
                        "The difference is beyond the tolerance: a supervisor approves with "
                        "their own name and PIN",
                    )
                check_approver(supervisor, clerk.username, clerk.username)
                approved_by = supervisor.username
                rec.record(
                    "approval.granted",
                    {
                        "action": "cash_difference",
                        "requested_by": clerk.username,
                        "differences": {r.tender: r.difference for r in differing},
                    },
                    supervisor.username,
                )
            previous = rec.tx.shifts.last_closed()
            grand = int((previous.close_record or {}).get("grand_total", 0)) if previous else 0
            net = sum(r.taken - r.voided for r in summary.rows)
            record = {
                "window": self._window,
                "tenders": [r.as_payload() for r in summary.rows],
                "count": count.as_payload(),
                "net_collections": net,
                "grand_total": grand + net,
                "first_seq": summary.opened_seq + 1,
                "last_seq": summary.last_seq,
                "payments": summary.payments,
                "voids": summary.voids,
                "tolerance": summary.tolerance,
                "explanation": explanation[:1000],
                "approved_by": approved_by,
            }
            entry = rec.record("shift.closed", record, clerk.username)
            record = {**record, "closed_seq": entry.seq}
            rec.tx.shifts.close(shift_id, entry.seq, record)
            return record

        return self._uow.run(work)


def _open_shift_id(tx: Transaction, clerk: Clerk) -> int:
    shift_id = tx.shifts.open_shift_id(clerk.username)
    if shift_id is None:
        raise InputError("shift", "لا توجد وردية مفتوحة", "There is no open shift")
    return shift_id
