"""Recording a visit's payment, its receipt and certificates; voids; HQ's settlement.

`record` is the one place money is taken. It runs on the write lane, in one transaction:
the payment and its journal entry, the fines it pays (awaiting HQ), the receipt with the
next receipt number and a QR chained to the previous receipt, the certificates with
their citizen records and sheets; then the caller prints. The confirmation's UUID is the
payment's: recording the same confirmation again returns the payment already made, so
one confirmation makes exactly one payment however often it is sent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from counter_app.domain.business_time import business_day
from counter_app.domain.caps import CapStanding
from counter_app.domain.errors import InputError
from counter_app.domain.journal import canonical_json
from counter_app.domain.money import Money
from counter_app.domain.visit import (
    TENDER_NAMES,
    Settlement,
    Tender,
    VisitLine,
    check_references,
    settle,
)
from counter_app.services.certificate_issue import CertificateOrder, issue_certificate
from counter_app.services.config import CounterConfig
from counter_app.services.kinds.request import RequestKind, RequestOrder
from counter_app.services.lanes import Lanes
from counter_app.services.printing import PrintService, check_sheet
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.session import Clerk, SessionService
from printing.documents import Receipt, ReceiptLine, ReceiptTender
from printing.qr_payload import (
    DocumentFacts,
    WorkstationSigner,
    chain_value,
    details_digest,
    encode,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
LAST_RECEIPT = "receipt.last_number"
LAST_CHAIN = "receipt.last_chain"
SUPERVISOR_ROLES = ("supervisor", "admin")


@dataclass(frozen=True)
class FineToPay:
    fine_id: str
    amount: Money


@dataclass(frozen=True)
class PaymentRequest:
    """Everything one confirmation pays: built by the visit, recorded once."""

    confirmation: str  # a UUID: the payment's identity
    lines: tuple[VisitLine, ...]
    tenders: tuple[Tender, ...]
    fines: tuple[FineToPay, ...] = ()
    provisional: bool = False  # fines priced from a cached inquiry, taken offline
    certificates: tuple[CertificateOrder, ...] = ()
    ticket: str = ""  # the queue ticket being served (its label), if any
    requests: tuple[RequestOrder, ...] = ()
    # Beyond the unsynced caps: the supervisor who approved, and the figures they saw.
    cap_approval: tuple[str, CapStanding] | None = None


@dataclass(frozen=True)
class PaymentDone:
    payment_id: int
    uuid: str
    seq: int
    receipt_number: int
    total: Money
    cash_tendered: Money
    change: Money
    provisional: bool
    receipt_job: int
    certificate_jobs: tuple[int, ...] = ()
    replayed: bool = False  # the same confirmation again: nothing new was recorded
    fines: tuple[FineToPay, ...] = field(default=())
    voided_receipt: int = 0  # for a void: the receipt it cancels
    slip_jobs: tuple[int, ...] = ()  # request slips, printed after the receipt
    trackings: tuple[str, ...] = ()  # the requests' tracking numbers, as printed


class PaymentService:
    def __init__(
        self,
        uow: UnitOfWork,
        session: SessionService,
        printing: PrintService,
        config: CounterConfig,
        lanes: Lanes,
        requests: RequestKind | None = None,
    ) -> None:
        self.requests = requests or RequestKind(printing, config)
        self._uow = uow
        self._session = session
        self._printing = printing
        self._config = config
        self._lanes = lanes

    def current_clerk(self) -> str:
        return self._session.current_username()

    # ---- taking money ------------------------------------------------------------------

    def record(self, request: PaymentRequest) -> PaymentDone:
        """Commit the payment (on the write lane) or return the one this confirmation made."""
        clerk = self._session.require_clerk()
        settlement = settle(request.lines, list(request.tenders))
        check_references(list(request.tenders))
        signer = self._printing.signer()  # the keyring is read before the transaction
        return self.on_write_lane(lambda rec: self._record(rec, request, clerk, settlement, signer))

    def on_write_lane(self, work: Callable[[Recorder], T]) -> T:
        """Run a transaction on the write lane (at once when already on it)."""
        if threading.current_thread().name.startswith("lane-write"):
            return self._uow.run(work)
        return self._lanes.write.submit(self._uow.run, work).result()

    def _record(
        self,
        rec: Recorder,
        request: PaymentRequest,
        clerk: Clerk,
        settlement: Settlement,
        signer: WorkstationSigner | None,
    ) -> PaymentDone:
        held = rec.tx.payments.by_uuid(request.confirmation)
        if held is not None:
            return _done(held, replayed=True)
        paid_here = rec.tx.payments.fines_paid_here([f.fine_id for f in request.fines])
        if paid_here:
            raise InputError(
                "fines",
                f"سُددت هذه المخالفات في هذا الشباك من قبل: {', '.join(sorted(paid_here))}",
                f"These fines were already paid at this window: {', '.join(sorted(paid_here))}",
            )
        for order in request.certificates:
            check_sheet(rec, order.sheet_serial)
        if request.cap_approval is not None:
            supervisor, standing = request.cap_approval
            rec.record(
                "approval.granted",
                {
                    "action": "unsynced_cap",
                    "payment": request.confirmation,
                    "requested_by": clerk.username,
                    **standing.as_payload(),
                },
                supervisor,
            )
        number = int(rec.tx.fact(LAST_RECEIPT) or 0) + 1
        previous = bytes.fromhex(rec.tx.fact(LAST_CHAIN) or "00" * 8)
        tenders = [
            {"kind": kind, "amount": amount.piastres, "reference": _reference(request, kind)}
            for kind, amount in settlement.applied
        ]
        lines = [
            {
                "service": line.service_code,
                "label_ar": line.label_ar,
                "label_en": line.label_en,
                "amount": line.amount.piastres,
                "reference": line.reference,
            }
            for line in request.lines
        ]
        payload = {
            "payment": request.confirmation,
            "receipt": number,
            "ticket": request.ticket or None,
            "total": settlement.total.piastres,
            "cash_tendered": settlement.cash_tendered.piastres,
            "change": settlement.change.piastres,
            "tenders": tenders,
            "lines": [
                {k: v for k, v in line.items() if k in ("service", "amount", "reference")}
                for line in lines
            ],
            "fines": [
                {"fine_id": f.fine_id, "amount_piastres": f.amount.piastres} for f in request.fines
            ],
            "provisional": request.provisional,
            "previous_chain": previous.hex(),
        }
        entry = rec.record("payment.recorded", payload, clerk.username)
        payment_id = rec.tx.payments.add(
            uuid=request.confirmation,
            business_day=entry.business_day,
            clerk=clerk.username,
            ticket=request.ticket,
            total=settlement.total.piastres,
            cash_tendered=settlement.cash_tendered.piastres,
            change=settlement.change.piastres,
            lines=lines,
            tenders=tenders,
            provisional=request.provisional,
            receipt_number=number,
            status="paid",
            seq=entry.seq,
        )
        for fine in request.fines:
            rec.tx.payments.add_fine(
                payment_id, fine.fine_id, fine.amount.piastres, "provisional", entry.seq
            )
        receipt = self._receipt(
            entry.seq, number, previous, signer, request, settlement, clerk, entry.device_time
        )
        job = self._printing.queue(rec, "receipt", receipt, clerk.username, f"receipt {number}")
        rec.tx.payments.set_receipt_job(payment_id, job)
        if receipt.qr_payload:
            rec.tx.set_fact(LAST_CHAIN, chain_value(receipt.qr_payload).hex())
        rec.tx.set_fact(LAST_RECEIPT, str(number))
        jobs = tuple(
            issue_certificate(rec, self._printing, self._config, order, payment_id, clerk)
            for order in request.certificates
        )
        taken = [
            self.requests.record(
                rec,
                order,
                payment_id=payment_id,
                payment_uuid=request.confirmation,
                receipt_number=number,
                clerk=clerk.username,
                clerk_name=clerk.display_name,
            )
            for order in request.requests
        ]
        return PaymentDone(
            payment_id,
            request.confirmation,
            entry.seq,
            number,
            settlement.total,
            settlement.cash_tendered,
            settlement.change,
            request.provisional,
            job,
            jobs,
            fines=request.fines,
            slip_jobs=tuple(t.slip_job for t in taken),
            trackings=tuple(t.tracking for t in taken),
        )

    def _receipt(
        self,
        seq: int,
        number: int,
        previous: bytes,
        signer: WorkstationSigner | None,
        request: PaymentRequest,
        settlement: Settlement,
        clerk: Clerk,
        device_time: str,
        *,
        voids: int = 0,
    ) -> Receipt:
        issued_at = datetime.fromisoformat(device_time)
        lines = tuple(ReceiptLine(x.label_ar, x.label_en, x.amount) for x in request.lines)
        tenders = tuple(
            ReceiptTender(kind, amount, _reference(request, kind))
            for kind, amount in settlement.applied
        )
        qr = None
        if signer is not None:
            printed = {
                "lines": [[x.label_ar, x.amount.piastres] for x in lines],
                "tenders": [[t.kind, t.amount.piastres, t.reference] for t in tenders],
                "seq": seq,
            }
            facts = DocumentFacts(
                "void_receipt" if voids else "receipt",
                seq,
                number,
                self._config.office.code,
                self._config.window.number,
                business_day(issued_at),
                0,
                "",
                settlement.total.piastres,
                details_digest({"receipt": canonical_json(printed)}),
                previous,
            )
            qr = encode(facts, signer)
        office = self._config.office
        return Receipt(
            office.name_ar,
            office.name_en,
            self._config.window.number,
            clerk.display_name,
            issued_at,
            lines,
            "cash" if settlement.cash_tendered.piastres else tenders[0].kind if tenders else "cash",
            settlement.cash_tendered,
            seq,
            qr,
            tenders=tenders,
            receipt_number=number,
            provisional=request.provisional,
            voids_receipt=voids,
            change_due=settlement.change,
            verify_url=signer.verify_url if signer is not None else "",
        )

    # ---- voids -------------------------------------------------------------------------

    def void(self, receipt_number: int, reason: str, supervisor: Clerk) -> PaymentDone:
        """Void a payment of today, approved by a supervisor who is not the clerk."""
        clerk = self._session.require_clerk()
        reason = " ".join(reason.split())
        if len(reason) < 3:
            raise InputError(
                "reason", "اكتب سبب الإلغاء", "Write the reason for the void (a few words)"
            )
        signer = self._printing.signer()

        def work(rec: Recorder) -> PaymentDone:
            payment = rec.tx.payments.by_receipt(receipt_number)
            if payment is None:
                raise InputError(
                    "receipt",
                    f"لا يوجد إيصال رقم {receipt_number} في هذا الشباك",
                    f"There is no receipt {receipt_number} at this window",
                )
            check_approver(supervisor, clerk.username, payment.clerk)
            if payment.status != "paid":
                raise InputError(
                    "receipt",
                    f"الإيصال رقم {receipt_number} ملغى من قبل",
                    f"Receipt {receipt_number} is already void",
                )
            if payment.business_day != rec.business_day:
                raise InputError(
                    "receipt",
                    "يُلغى السداد في يوم العمل نفسه فقط؛ ما بعده رد يعتمده المركز",
                    "A payment is voided on its own business day only; later, it is a refund "
                    "HQ approves",
                )
            rec.record(
                "approval.granted",
                {"action": "void", "receipt": receipt_number, "requested_by": clerk.username},
                supervisor.username,
            )
            number = int(rec.tx.fact(LAST_RECEIPT) or 0) + 1
            previous = bytes.fromhex(rec.tx.fact(LAST_CHAIN) or "00" * 8)
            entry = rec.record(
                "payment.voided",
                {
                    "payment": payment.uuid,
                    "refers_to": payment.seq,
                    "receipt": receipt_number,
                    "void_receipt": number,
                    "total": payment.total,
                    "approved_by": supervisor.username,
                    "reason": reason,
                },
                clerk.username,
            )
            rec.tx.payments.mark_voided(payment.id, entry.seq)
            for fine_id in rec.tx.payments.fines_of(payment.id):
                rec.tx.payments.set_fine_status(payment.id, fine_id, "released", entry.seq)
            request = PaymentRequest(
                payment.uuid,
                tuple(
                    VisitLine(x["service"], x["label_ar"], x["label_en"], Money(x["amount"]))
                    for x in payment.lines
                ),
                (),
            )
            cash_back = Money(sum(t["amount"] for t in payment.tenders if t["kind"] == "cash"))
            undone = Settlement(  # the drawer opens for the cash handed back
                Money(payment.total),
                tuple((t["kind"], Money(t["amount"])) for t in payment.tenders),
                cash_back,
                cash_back,
            )
            receipt = self._receipt(
                entry.seq,
                number,
                previous,
                signer,
                request,
                undone,
                clerk,
                entry.device_time,
                voids=receipt_number,
            )
            job = self._printing.queue(rec, "receipt", receipt, clerk.username, f"void {number}")
            if receipt.qr_payload:
                rec.tx.set_fact(LAST_CHAIN, chain_value(receipt.qr_payload).hex())
            rec.tx.set_fact(LAST_RECEIPT, str(number))
            return PaymentDone(
                payment.id,
                payment.uuid,
                entry.seq,
                number,
                Money(payment.total),
                Money(0),
                cash_back,  # cash to hand back
                False,
                job,
                voided_receipt=receipt_number,
            )

        return self.on_write_lane(work)

    def receipt_total(self, number: int) -> Money | None:
        """A paid receipt's total (what a supervisor is asked to void), or None."""
        with self._uow.db.read() as tx:
            payment = tx.payments.by_receipt(number)
        return Money(payment.total) if payment and payment.status == "paid" else None

    def purge_citizen_data(self, today: date | None = None) -> int:
        """Forget citizen data held longer than the retention period and already at HQ
        (DESIGN.md rule 11). Returns how many records and saved inquiries went."""
        today = today or self._uow.clock.now().date()
        before = (today - timedelta(days=self._config.retention.citizen_data_days)).isoformat()
        acked = self._uow.acked_seq

        def work(rec: Recorder) -> int:
            count = rec.tx.payments.purge_citizens(before, acked)
            if count:
                rec.record("citizen.purged", {"before": before, "count": count}, "system")
            return count

        return self.on_write_lane(work)

    def last_certificate_number(self) -> int:
        with self._uow.db.read() as tx:
            return tx.payments.last_certificate_number()

    # ---- HQ's settlement ---------------------------------------------------------------

    def record_settlement(
        self, payment_uuid: str, settled: list[str], conflicts: list[tuple[str, str, str]]
    ) -> None:
        """What HQ said about a payment's fines: settled, or in conflict (with the reason)."""

        def work(rec: Recorder) -> None:
            payment = rec.tx.payments.by_uuid(payment_uuid)
            if payment is None:
                return
            held = rec.tx.payments.fines_of(payment.id)
            fresh = [f for f in settled if held.get(f, (0, ""))[1] == "provisional"]
            troubled = [c for c in conflicts if held.get(c[0], (0, ""))[1] == "provisional"]
            if not fresh and not troubled:
                return
            entry = rec.record(
                "payment.settled",
                {
                    "payment": payment_uuid,
                    "settled": fresh,
                    "conflicts": [{"fine_id": c[0], "reason": c[1]} for c in troubled],
                },
                "system",
            )
            for fine_id in fresh:
                rec.tx.payments.set_fine_status(payment.id, fine_id, "settled", entry.seq)
            for fine_id, _reason, _message in troubled:
                rec.tx.payments.set_fine_status(payment.id, fine_id, "conflict", entry.seq)

        self.on_write_lane(work)

    def day_summary(self, business_day: str) -> dict[str, Any]:
        """Visits' money for one business day: payments, voids, EGP by tender."""
        with self._uow.db.read() as tx:
            rows = tx.payments.on_day(business_day)
        by_tender: dict[str, int] = {kind: 0 for kind in TENDER_NAMES}
        for row in rows:
            if row.status != "paid":
                continue
            for tender in row.tenders:
                by_tender[tender["kind"]] += tender["amount"]
        return {
            "payments": sum(1 for r in rows if r.status == "paid"),
            "voids": sum(1 for r in rows if r.status == "voided"),
            "provisional": sum(1 for r in rows if r.provisional and r.status == "paid"),
            "by_tender": {k: Money(v) for k, v in by_tender.items()},
        }


def check_approver(supervisor: Clerk, requester: str, original_clerk: str) -> None:
    """A supervisor approves; never the clerk asking, never the clerk whose work it is."""
    if supervisor.role not in SUPERVISOR_ROLES:
        raise InputError(
            "approver",
            f"«{supervisor.display_name}» ليس مشرفًا: الموافقة من المشرف فقط",
            f"{supervisor.display_name} is not a supervisor: only a supervisor approves this",
        )
    if supervisor.username in (requester, original_clerk):
        raise InputError(
            "approver",
            "لا يوافق الموظف على عمله بنفسه: يلزم مشرف آخر",
            "Nobody approves their own work: another supervisor must approve",
        )


def _reference(request: PaymentRequest, kind: str) -> str:
    return next((t.reference for t in request.tenders if t.kind == kind), "")


def _done(row: Any, *, replayed: bool) -> PaymentDone:
    return PaymentDone(
        row.id,
        row.uuid,
        row.seq,
        row.receipt_number,
        Money(row.total),
        Money(row.cash_tendered),
        Money(row.change),
        row.provisional,
        row.receipt_job or 0,
        replayed=replayed,
    )
