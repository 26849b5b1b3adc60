"""The visit: one citizen's services in a basket, paid by one confirmation.

The basket lives in memory until it is paid (nothing is owed before the payment); each
change gives it a new confirmation UUID, and that UUID becomes the payment's identity.
`pay` runs on the online lane: it authorises the card on the terminal and the prepaid
card at HQ, records the payment on the write lane, sends the receipt and certificates
to their printers, opens a separately wired drawer for cash, and settles the fines at
HQ. A confirmation already paid, or being paid, is never paid twice.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

from counter_app.domain.errors import InputError
from counter_app.domain.money import Money
from counter_app.domain.text import normalize_digits
from counter_app.domain.visit import Tender, VisitLine, settle, total_of
from counter_app.services.certificate_issue import CertificateOrder
from counter_app.services.kinds.fines import FinesKind
from counter_app.services.kinds.request import RequestOrder
from counter_app.services.lanes import Lanes
from counter_app.services.limits import LimitsService
from counter_app.services.payment import (
    FineToPay,
    PaymentDone,
    PaymentRequest,
    PaymentService,
    check_approver,
)
from counter_app.services.printing import PrintOutcome, PrintService
from counter_app.services.recorder import UnitOfWork
from counter_app.services.session import Clerk, SessionService
from counter_app.services.sync import Offline, SyncService
from peripherals.base import DeviceError
from peripherals.card_terminal import CardTerminal
from peripherals.cash_drawer import CashDrawer
from peripherals.device_lane import DeviceLane
from sync.protocol import PrepaidRequest

log = logging.getLogger(__name__)
KEEP_PAID = 200  # older confirmations are found in the store (`PaymentService.record`)


@dataclass
class Basket:
    lines: list[VisitLine] = field(default_factory=list)
    fines: list[FineToPay] = field(default_factory=list)
    provisional: bool = False
    certificates: list[CertificateOrder] = field(default_factory=list)
    requests: list[RequestOrder] = field(default_factory=list)
    confirmation: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def total(self) -> Money:
        return total_of(self.lines)


Conflict = tuple[str, str, str]  # (fine, reason, message) from HQ


@dataclass(frozen=True)
class PaymentOutcome:
    done: PaymentDone
    prints: tuple[Future[PrintOutcome], ...]
    # HQ settles the fines after the clerk has the receipt: the conflicts, when it has.
    settlement: Future[list[Conflict]]


def _settled(conflicts: list[Conflict]) -> Future[list[Conflict]]:
    future: Future[list[Conflict]] = Future()
    future.set_result(conflicts)
    return future


class VisitService:
    def __init__(
        self,
        uow: UnitOfWork,
        session: SessionService,
        payments: PaymentService,
        fines: FinesKind,
        printing: PrintService,
        sync: SyncService,
        card_terminal: CardTerminal,
        drawer: CashDrawer,
        card_timeout_s: float,
        lanes: Lanes,
        limits: LimitsService,
    ) -> None:
        self._uow = uow
        self._session = session
        self._payments = payments
        self._fines = fines
        self._printing = printing
        self._sync = sync
        self.card_terminal = card_terminal
        self.drawer = drawer
        self._card_timeout_s = card_timeout_s
        # The terminal's own lane: a terminal that never answers fails the card payment
        # at its deadline (nothing is recorded) and holds up nothing else.
        self._terminal_lane = DeviceLane("card terminal")
        self._lanes = lanes
        self._limits = limits
        self._lock = threading.Lock()
        self._paying: set[str] = set()
        self._settling: set[Future[list[Conflict]]] = set()
        # Recent confirmations and what they paid (a retry gets the same answer).
        self._paid: OrderedDict[str, PaymentOutcome] = OrderedDict()
        self.basket = Basket()
        self.ticket = ""  # the label of the queue ticket being served here

    # ---- the basket (GUI thread; no I/O) ----------------------------------------------

    def add(
        self,
        lines: list[VisitLine],
        *,
        fines: list[FineToPay] | None = None,
        provisional: bool = False,
        certificate: CertificateOrder | None = None,
        request: RequestOrder | None = None,
    ) -> None:
        fines = fines or []
        held = {f.fine_id for f in self.basket.fines}
        if held & {f.fine_id for f in fines}:
            raise InputError("fines", "المخالفة مضافة بالفعل", "That fine is already in the visit")
        if certificate and any(
            c.sheet_serial == certificate.sheet_serial for c in self.basket.certificates
        ):
            raise InputError(
                "sheet_serial", "هذه الورقة مضافة بالفعل", "That sheet is already in the visit"
            )
        self.basket = replace(
            self.basket,
            lines=[*self.basket.lines, *lines],
            fines=[*self.basket.fines, *fines],
            provisional=self.basket.provisional or provisional,
            certificates=[*self.basket.certificates, *([certificate] if certificate else [])],
            requests=[*self.basket.requests, *([request] if request else [])],
            confirmation=str(uuid.uuid4()),
        )

    def remove_service(self, service_code: str) -> None:
        """Take one service (all its lines) out of the basket."""
        keep = [line for line in self.basket.lines if line.service_code != service_code]
        references = {line.reference for line in self.basket.lines} - {
            line.reference for line in keep
        }
        fines = [f for f in self.basket.fines if f.fine_id not in references]
        self.basket = replace(
            self.basket,
            lines=keep,
            fines=fines,
            certificates=[c for c in self.basket.certificates if c.service_code != service_code],
            requests=[r for r in self.basket.requests if r.service_code != service_code],
            # Provisional only while fines taken against a saved answer remain.
            provisional=self.basket.provisional and bool(fines),
            confirmation=str(uuid.uuid4()),
        )

    def clear(self) -> None:
        self.basket = Basket()

    def preview(self, tenders: list[Tender]) -> Money:
        """The change due for these tenders (refuses as `pay` would)."""
        return settle(self.basket.lines, tenders).change

    def request(self, tenders: list[Tender]) -> PaymentRequest:
        """The basket as it stands, frozen with its confirmation, to hand to `pay`."""
        basket = self.basket
        return PaymentRequest(
            basket.confirmation,
            tuple(basket.lines),
            tuple(tenders),
            tuple(basket.fines),
            basket.provisional,
            tuple(basket.certificates),
            self.ticket,
            tuple(basket.requests),
        )

    # ---- paying (online lane) ----------------------------------------------------------

    def pay(
        self, request: PaymentRequest, supervisor_username: str = "", supervisor_pin: str = ""
    ) -> PaymentOutcome:
        """Take the payment once. Beyond the unsynced caps it needs a supervisor's
        credentials (refused with `unsynced_cap` without them, before any card is charged)."""
        with self._lock:
            if request.confirmation in self._paid:
                return self._paid[request.confirmation]
            if request.confirmation in self._paying:
                raise InputError(
                    "busy", "هذا الدفع قيد التنفيذ بالفعل", "This payment is already under way"
                )
            self._paying.add(request.confirmation)
        try:
            settle(request.lines, list(request.tenders))  # refuse before touching a card
            with self._uow.db.read() as tx:
                recorded = tx.payments.by_uuid(request.confirmation) is not None
            if not recorded:
                request = self._within_caps(request, supervisor_username, supervisor_pin)
                request = self._authorise(request)
            done = self._payments.record(request)
            prints: tuple[Future[PrintOutcome], ...] = ()
            settlement = _settled([])
            if not done.replayed:
                jobs = [(done.receipt_job, False)] + [(j, True) for j in done.certificate_jobs]
                jobs += [(j, False) for j in done.slip_jobs]
                clerk = self._session.current_username()
                prints = tuple(self._printing.submit(j, clerk, certificate=c) for j, c in jobs)
                if done.cash_tendered.piastres:
                    self.drawer.open()
                if done.trackings:
                    self._submit_soon()
                if done.fines and not done.provisional:
                    settlement = self._lanes.online.submit(self._fines.settle_online, done)
                    with self._lock:
                        self._settling.add(settlement)
                    settlement.add_done_callback(self._settled_one)
            outcome = PaymentOutcome(done, prints, settlement)
            with self._lock:
                self._paid[request.confirmation] = outcome
                while len(self._paid) > KEEP_PAID:
                    self._paid.popitem(last=False)
            return outcome
        finally:
            with self._lock:
                self._paying.discard(request.confirmation)

    def close(self) -> None:
        self._terminal_lane.close()

    def _within_caps(self, request: PaymentRequest, username: str, pin: str) -> PaymentRequest:
        applied = settle(request.lines, list(request.tenders)).applied
        cash = sum(amount.piastres for kind, amount in applied if kind == "cash")
        standing = self._limits.standing().after(cash, len(request.certificates))
        if not standing.beyond:
            return request
        if not username:
            raise standing.refusal()
        supervisor = self._session.check_credentials(username, pin, purpose="unsynced_cap")
        clerk = self._session.require_clerk().username
        self._checked_approver(supervisor, clerk, clerk, "unsynced_cap")
        return replace(request, cap_approval=(supervisor.username, standing))

    def _submit_soon(self) -> None:
        """Requests go to HQ at the next sync: online, ask for it now."""
        # Not enrolled: the request waits, captured, like any offline one.
        with contextlib.suppress(InputError):
            self._sync.sync_now()

    def _settled_one(self, future: Future[list[Conflict]]) -> None:
        with self._lock:
            self._settling.discard(future)

    def wait_for_settlements(self, timeout_s: float = 10.0) -> None:
        """Let HQ finish settling what was just paid before asking it about the person."""
        with self._lock:
            pending = list(self._settling)
        for future in pending:
            try:
                future.result(timeout=timeout_s)
            except Exception:
                log.warning("a settlement did not finish before the clearance check")

    def _authorise(self, request: PaymentRequest) -> PaymentRequest:
        tenders = []
        for given in request.tenders:
            reference = given.reference
            if given.kind == "card" and not reference:
                reference = self._charge_card(given, request.confirmation)
            elif given.kind == "prepaid":
                reference = self._charge_prepaid(given, request)
            tenders.append(replace(given, reference=reference))
        return replace(request, tenders=tuple(tenders))

    def _charge_card(self, tender: Tender, confirmation: str) -> str:
        if self.card_terminal.needs_clerk_code:
            raise InputError(
                "approval_code",
                "اكتب رمز الموافقة الذي طبعته ماكينة البنك",
                "Type the approval code the bank's terminal printed",
            )
        amount = tender.amount.piastres
        charge = self._terminal_lane.submit(
            lambda cancel: self.card_terminal.authorise(amount, confirmation, cancel),
            self._card_timeout_s,
            "card payment",
        )
        try:
            return charge.result()
        except DeviceError as exc:
            raise InputError(
                "card", f"لم تتم عملية البطاقة: {exc}", f"The card payment failed: {exc}"
            ) from exc

    def _charge_prepaid(self, tender: Tender, request: PaymentRequest) -> str:
        number = "".join(ch for ch in tender.reference if ch.isdigit())
        if len(number) != 16:
            raise InputError(
                "prepaid", "رقم كارت الخدمات 16 رقمًا", "The prepaid card number is 16 digits"
            )
        ask = PrepaidRequest(
            payment_uuid=request.confirmation,
            card_number=number,
            amount_piastres=tender.amount.piastres,
        )
        try:
            answer = self._sync.live(lambda c: c.authorise_prepaid(ask))
        except Offline as exc:
            raise InputError(
                "offline",
                "كارت الخدمات يحتاج موافقة المركز الرئيسي مباشرة، ولا يوجد اتصال الآن: "
                "ادفع نقدًا أو بالبطاقة البنكية",
                "A prepaid card needs HQ's live authorisation and the window is offline: "
                "pay by cash or bank card",
            ) from exc
        return f"****{number[-4:]} {answer.authorisation}"

    # ---- after the payment -------------------------------------------------------------

    def print_certificate_again(
        self,
        number: int,
        sheet_text: str,
        supervisor_username: str = "",
        supervisor_pin: str = "",
    ) -> Future[PrintOutcome]:
        """A certificate on a new sheet: after a printer failure (that sheet is spoiled) the
        clerk alone; a copy of one already printed only with a supervisor's credentials."""
        clerk = self._session.require_clerk()
        sheet = normalize_digits(sheet_text.strip())
        if not sheet.isdigit():
            raise InputError(
                "sheet_serial",
                "امسح أو اكتب الرقم المسلسل للورقة المؤمنة الجديدة",
                "Scan or type the new security sheet's serial",
            )
        with self._uow.db.read() as tx:
            issued = tx.payments.certificate_by_number(number)
            job = tx.printing.job(issued["job_id"]) if issued else None
            citizen = tx.payments.citizen(issued["citizen_id"]) if issued else None
        if issued is None or job is None:
            raise InputError(
                "certificate",
                f"لا توجد شهادة رقم {number} في هذا الشباك",
                f"There is no certificate {number} at this window",
            )
        if citizen is None or not citizen["national_id"]:
            raise InputError(
                "certificate",
                f"حُذفت بيانات المواطن للشهادة رقم {number} بعد مدة الحفظ: لا تُطبع مرة أخرى",
                f"The citizen's data for certificate {number} was purged after the retention "
                "period: it cannot be printed again",
            )
        if job.status == "printed":
            supervisor = self._session.check_credentials(
                supervisor_username, supervisor_pin, purpose="reprint"
            )
            self._checked_approver(supervisor, clerk.username, clerk.username, "reprint")
            self._payments.on_write_lane(
                lambda rec: rec.record(
                    "approval.granted",
                    {"action": "reprint", "certificate": number, "requested_by": clerk.username},
                    supervisor.username,
                )
            )
        return self._printing.submit_reprint(job.id, clerk.username, sheet=int(sheet))

    def certificate_needs_supervisor(self, number: int) -> bool:
        """Whether printing this certificate again is a copy (a supervisor approves)."""
        with self._uow.db.read() as tx:
            issued = tx.payments.certificate_by_number(number)
            job = tx.printing.job(issued["job_id"]) if issued else None
        return job is not None and job.status == "printed"

    def void(
        self, receipt_number: int, reason: str, supervisor_username: str, supervisor_pin: str
    ) -> PaymentOutcome:
        """A supervisor's credentials, checked; then the void and its receipt."""
        supervisor = self._session.check_credentials(
            supervisor_username, supervisor_pin, purpose="void"
        )
        try:
            done = self._payments.void(receipt_number, reason, supervisor)
        except InputError as exc:
            if exc.field == "approver":
                self._refused_approver(supervisor.username, "void")
            raise
        clerk = self._session.current_username()
        return PaymentOutcome(done, (self._printing.submit(done.receipt_job, clerk),), _settled([]))

    def _checked_approver(self, supervisor: Clerk, requester: str, owner: str, action: str) -> None:
        try:
            check_approver(supervisor, requester, owner)
        except InputError:
            self._refused_approver(supervisor.username, action)
            raise

    def _refused_approver(self, username: str, action: str) -> None:
        """Valid credentials that may not approve this: journaled like a wrong PIN."""
        self._payments.on_write_lane(
            lambda rec: rec.record(
                "approval.refused",
                {"username": username, "reason": "not_allowed", "action": action},
                "",
            )
        )
