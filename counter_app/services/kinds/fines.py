"""The `fines` kind: a live inquiry through HQ, the clerk selects fines, the citizen pays.

Online the answer is live and the payment is settled at HQ the moment it is committed.
Offline the last answer saved for that person is shown with its age, and a payment
against it is provisional, accepted only while the answer is younger than the
catalogue's limit (`offline_age_hours`, default 24 h); HQ settles it at sync and a
conflict comes back as an instruction. The saved answers (which name plates) live in
their own purgeable table, keyed by a digest of the query, never by the number itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from counter_app.domain import national_id
from counter_app.domain.catalogue import Service
from counter_app.domain.errors import InputError
from counter_app.domain.fines import age_text, check_provisional
from counter_app.domain.money import Money
from counter_app.domain.text import normalize_digits
from counter_app.domain.visit import VisitLine
from counter_app.services.identity import digest_key
from counter_app.services.payment import FineToPay, PaymentDone, PaymentService
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.sync import Offline, SyncService
from sync.client import HqClient
from sync.protocol import Fine, FinesAnswer, FineToSettle, SettleAnswer, SettleRequest

QUERY_KINDS = ("national_id", "plate", "licence")
_PLATE = re.compile(r"^[\u0621-\u064A ]{1,9}[0-9]{1,4}$|^[0-9]{1,4}[\u0621-\u064A ]{1,9}$")
_LICENCE = re.compile(r"^[0-9]{6,14}$")


@dataclass(frozen=True)
class FinesInquiry:
    query_kind: str
    query: str
    fines: tuple[Fine, ...]
    live: bool
    asked_at: datetime
    source: str

    @property
    def total(self) -> Money:
        return Money(sum(f.amount_piastres for f in self.fines))

    def age(self, now: datetime) -> tuple[str, str]:
        return age_text(now - self.asked_at)


def clean_query(query_kind: str, text: str) -> str:
    """The query as HQ takes it, or a refusal saying what a valid one looks like."""
    text = normalize_digits(" ".join(text.split()))
    if query_kind == "national_id":
        return national_id.parse(text).number
    if query_kind == "plate":
        if not _PLATE.match(text):
            raise InputError(
                "plate",
                "رقم اللوحة: حروف عربية ثم أرقام، مثل «أ ب ج 123»",
                "A plate is Arabic letters then digits, e.g. 'أ ب ج 123'",
            )
        return text
    if query_kind == "licence":
        if not _LICENCE.match(text):
            raise InputError(
                "licence", "رقم الرخصة من 6 إلى 14 رقمًا", "A licence number is 6 to 14 digits"
            )
        return text
    raise InputError("query", "نوع الاستعلام غير معروف", f"Unknown inquiry by '{query_kind}'")


class FinesKind:
    kind = "fines"

    def __init__(self, uow: UnitOfWork, sync: SyncService, payments: PaymentService) -> None:
        self._uow = uow
        self._sync = sync
        self._payments = payments

    def inquire(self, query_kind: str, text: str) -> FinesInquiry:
        """Ask HQ (blocking: run on the online lane); offline, the saved answer."""
        query = clean_query(query_kind, text)
        try:
            answer = self._sync.inquire_fines(**{query_kind: query})
        except Offline:
            return self._cached(query_kind, query)
        asked_at = self._uow.clock.now().astimezone(UTC)
        self._payments.on_write_lane(
            lambda rec: self._save(rec, query_kind, query, asked_at, answer)
        )
        return FinesInquiry(query_kind, query, tuple(answer.fines), True, asked_at, answer.source)

    def _save(
        self, rec: Recorder, query_kind: str, query: str, asked_at: datetime, answer: FinesAnswer
    ) -> None:
        digest = _query_digest(rec, query_kind, query)
        rec.tx.payments.cache_inquiry(digest, asked_at.isoformat(), answer.model_dump_json())
        rec.record(
            "fines.inquired",
            {"by": query_kind, "query": digest[:16], "count": len(answer.fines)},
            self._clerk(),
        )

    def _cached(self, query_kind: str, query: str) -> FinesInquiry:
        def lookup(rec: Recorder) -> tuple[str, str] | None:
            return rec.tx.payments.cached_inquiry(_query_digest(rec, query_kind, query))

        held = self._payments.on_write_lane(lookup)
        if held is None:
            raise InputError(
                "offline",
                "لا يوجد اتصال بالمركز ولا استعلام محفوظ لهذا المواطن: لا يمكن عرض المخالفات الآن",
                "HQ cannot be reached and no saved inquiry exists for this person: the fines "
                "cannot be shown now",
            )
        asked_at, text = held
        answer = FinesAnswer.model_validate(json.loads(text))
        return FinesInquiry(
            query_kind,
            query,
            tuple(answer.fines),
            False,
            datetime.fromisoformat(asked_at),
            answer.source,
        )

    def lines(
        self, service: Service, inquiry: FinesInquiry, selected: list[str]
    ) -> tuple[list[VisitLine], list[FineToPay]]:
        """The visit's lines for the selected fines, and the service's own fees once."""
        chosen = [f for f in inquiry.fines if f.fine_id in selected]
        if not chosen:
            raise InputError("fines", "اختر مخالفة واحدة على الأقل", "Select at least one fine")
        if not inquiry.live:
            if service.offline != "provisional":
                raise InputError(
                    "offline",
                    f"«{service.name_ar}» لا تُسدد دون اتصال بالمركز",
                    f"'{service.name_en}' cannot be paid offline",
                )
            check_provisional(inquiry.asked_at, self._uow.clock.now(), service.offline_age_hours)
        lines = [
            VisitLine(
                service.code,
                f"مخالفة: {f.violation_ar} ({f.date})",
                f"Fine: {f.violation_en} ({f.date})",
                Money(f.amount_piastres),
                f.fine_id,
            )
            for f in chosen
        ]
        lines += [
            VisitLine(service.code, fee.name_ar, fee.name_en, fee.amount)
            for fee in service.fixed_fees
        ]
        return lines, [FineToPay(f.fine_id, Money(f.amount_piastres)) for f in chosen]

    def settle_online(self, done: PaymentDone) -> list[tuple[str, str, str]]:
        """Right after the commit: HQ settles the fines at once (online lane). Offline they
        stay provisional, settled from the journal at sync. Returns the conflicts."""
        if not done.fines:
            return []
        request = SettleRequest(
            payment_uuid=done.uuid,
            fines=[
                FineToSettle(fine_id=f.fine_id, amount_piastres=f.amount.piastres)
                for f in done.fines
            ],
        )
        try:
            answer = self._sync.live(lambda c: c.settle_fines(request))
        except Offline:
            return []
        conflicts = [(c.fine_id, c.reason, c.message_en) for c in answer.conflicts]
        self._payments.record_settlement(done.uuid, answer.settled, conflicts)
        return conflicts

    def settle_waiting(self) -> int:
        """After a sync: ask HQ about provisional fines (HQ settled them from the journal)."""
        with self._uow.db.read() as tx:
            waiting = tx.payments.provisional_fines()
        by_payment: dict[str, list[str]] = {}
        for _pid, uuid, fine_id in waiting:
            by_payment.setdefault(uuid, []).append(fine_id)
        settled = 0
        for uuid, fine_ids in by_payment.items():
            with self._uow.db.read() as tx:
                payment = tx.payments.by_uuid(uuid)
                fines = tx.payments.fines_of(payment.id) if payment else {}
            request = SettleRequest(
                payment_uuid=uuid,
                fines=[FineToSettle(fine_id=f, amount_piastres=fines[f][0]) for f in fine_ids],
            )
            try:
                answer = self._sync.live(partial(_settle, request=request))
            except Offline:
                break
            self._payments.record_settlement(
                uuid,
                answer.settled,
                [(c.fine_id, c.reason, c.message_en) for c in answer.conflicts],
            )
            settled += len(answer.settled)
        return settled

    def _clerk(self) -> str:
        return self._payments.current_clerk()


def _settle(client: HqClient, request: SettleRequest) -> SettleAnswer:
    return client.settle_fines(request)


def _query_digest(rec: Recorder, query_kind: str, query: str) -> str:
    """The saved answer's key: a keyed digest, never the number (the key is purgeable)."""
    message = f"{query_kind}:{query}".encode()
    return hmac.new(digest_key(rec), message, hashlib.sha256).hexdigest()
