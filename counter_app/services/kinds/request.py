"""The `request` kind: captured at the window, paid, submitted to HQ, delivered later.

The clerk fills the form its catalogue entry asks for; `order` checks it and prices it
(the express-delivery fee only when delivery is chosen). The request is recorded inside
the visit's payment transaction (`record`): the next tracking number, a journal entry
holding only a digest of the personal details, the details in their own purgeable
table, and the request slip's print job. HQ receives the details at the next sync
(`services.requests`), online or offline alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from counter_app.domain.catalogue import Service
from counter_app.domain.errors import InputError
from counter_app.domain.money import Money
from counter_app.domain.requests import (
    RequestDetails,
    RequestForm,
    check_form,
    make_tracking_number,
)
from counter_app.domain.visit import VisitLine, total_of
from counter_app.services.config import CounterConfig
from counter_app.services.identity import citizen_digest
from counter_app.services.printing import PrintService
from counter_app.services.recorder import Recorder
from printing.documents import RequestSlip
from sync.protocol import request_digest

EXPRESS = "express_delivery"


@dataclass(frozen=True)
class RequestOrder:
    """A request the citizen pays for in this visit; recorded with the payment."""

    service_code: str
    service_ar: str
    service_en: str
    authority: str
    details: RequestDetails
    deliver: bool
    fee: Money


@dataclass(frozen=True)
class RecordedRequest:
    tracking: str  # as printed: office-window-serial-check
    slip_job: int


def offers_delivery_choice(service: Service) -> bool:
    """Whether the citizen chooses between delivery (its fee) and collection here."""
    return any(fee.code == EXPRESS and fee.optional for fee in service.fees)


class RequestKind:
    kind = "request"

    def __init__(self, printing: PrintService, config: CounterConfig) -> None:
        self._printing = printing
        self._config = config

    def order(self, service: Service, form: RequestForm) -> tuple[list[VisitLine], RequestOrder]:
        if service.kind != "request":
            raise InputError(
                "service", f"«{service.name_ar}» ليست طلبًا", f"'{service.name_en}' is not a request"
            )
        choice = offers_delivery_choice(service)
        details = check_form(form, service.fields, optional_delivery=choice)
        deliver = details.address is not None
        fees = [f for f in service.fees if not f.optional or (f.code == EXPRESS and deliver)]
        lines = [
            VisitLine(
                service.code,
                f"{service.name_ar}: {fee.name_ar}",
                f"{service.name_en}: {fee.name_en}",
                fee.amount,
            )
            for fee in fees
        ]
        order = RequestOrder(
            service.code,
            service.name_ar,
            service.name_en,
            service.authority,
            details,
            deliver,
            total_of(lines),
        )
        return lines, order

    def record(
        self,
        rec: Recorder,
        order: RequestOrder,
        *,
        payment_id: int,
        payment_uuid: str,
        receipt_number: int,
        clerk: str,
        clerk_name: str,
    ) -> RecordedRequest:
        """On the write lane, inside the payment's transaction."""
        office, window = self._config.office, self._config.window.number
        tracking = make_tracking_number(office.code, window, rec.tx.requests.next_serial())
        key = "".join(ch for ch in tracking if ch.isalnum())
        for_hq = order.details.for_hq()
        digest = request_digest(for_hq, order.details.photo)
        entry = rec.record(
            "request.captured",
            {
                "tracking": key,
                "service": order.service_code,
                "service_ar": order.service_ar,
                "authority": order.authority,
                "payment": payment_uuid,
                "deliver": order.deliver,
                "fee": order.fee.piastres,
                "details_digest": digest,
            },
            clerk,
        )
        stages = [{"status": "captured", "at": entry.device_time, "note_ar": "", "note_en": ""}]
        rec.tx.requests.add(
            json.dumps(for_hq, ensure_ascii=False),
            order.details.photo,
            tracking=key,
            service=order.service_code,
            payment_id=payment_id,
            deliver=1 if order.deliver else 0,
            nid_digest=citizen_digest(rec, order.details.national_id),
            status="captured",
            consignment="",
            stages=json.dumps(stages),
            status_as_of=entry.device_time,
            submitted=0,
            business_day=entry.business_day,
            created_seq=entry.seq,
        )
        slip = RequestSlip(
            office.name_ar,
            office.name_en,
            window,
            clerk_name,
            datetime.fromisoformat(entry.device_time),
            tracking,
            order.service_ar,
            order.service_en,
            order.deliver,
            receipt_number,
            entry.seq,
            _tracking_url(rec, tracking),
        )
        job = self._printing.queue(rec, "request_slip", slip, clerk, f"request {tracking}")
        return RecordedRequest(tracking, job)


def _tracking_url(rec: Recorder, tracking: str) -> str:
    enrolment = rec.tx.fact("sync.enrolment")
    if enrolment is None:
        return ""
    return f"{json.loads(enrolment)['hq_url']}/track?n={tracking}"
