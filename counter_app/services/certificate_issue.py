"""Issuing a certificate inside the visit's payment transaction: its citizen record (the
only place the names it prints are kept), its number, its print job on the scanned
security sheet, and its journal entry. Printed after the commit (`services.printing`).

Two documents share this path: the traffic clearance certificate and a civil-registry
extract printed at the window; they differ in title, statement, the record's facts and
the QR's document type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from counter_app.domain.money import Money
from counter_app.services.config import CounterConfig
from counter_app.services.printing import PrintService
from counter_app.services.recorder import Recorder
from counter_app.services.session import Clerk
from printing.documents import ClearanceCertificate


@dataclass(frozen=True)
class CertificateOrder:
    """A certificate the citizen pays for in this visit; printed after the commit."""

    service_code: str
    national_id: str
    name: str
    plate: str
    licence: str
    sheet_serial: int
    valid_days: int
    fee: Money
    document_type: str = "clearance_certificate"  # or "civil_extract"
    title_ar: str = ""  # "" is the clearance certificate's own
    statement_ar: str = ""
    record: tuple[tuple[str, str], ...] = ()  # a civil record's facts, in print order


def issue_certificate(
    rec: Recorder,
    printing: PrintService,
    config: CounterConfig,
    order: CertificateOrder,
    payment_id: int,
    clerk: Clerk,
) -> int:
    entry = rec.record(
        "citizen.recorded", {"purpose": order.service_code, "payment_id": payment_id}, ""
    )
    citizen = rec.tx.payments.add_citizen(
        name=order.name,
        national_id=order.national_id,
        plate=order.plate,
        licence=order.licence,
        record=json.dumps([list(f) for f in order.record], ensure_ascii=False),
        created_seq=entry.seq,
        business_day=entry.business_day,
    )
    number = rec.tx.payments.next_certificate_number()
    issued = date.fromisoformat(entry.business_day)  # the day in Cairo, as QR_FORMAT.md says
    valid_until = issued + timedelta(days=order.valid_days)
    document = ClearanceCertificate(
        sheet_serial=order.sheet_serial,
        document_number=number,
        citizen_name="",  # printed from citizen_records, never kept in the job
        national_id="",
        plate="",
        licence="",
        issued=issued,
        valid_until=valid_until,
        fee=order.fee,
        office_ar=config.office.name_ar,
        window=config.window.number,
        qr_payload=b"",
        document_type=order.document_type,
        title_ar=order.title_ar,
        statement_ar=order.statement_ar,
    )
    job = printing.queue(
        rec,
        "clearance_certificate",
        document,
        clerk.username,
        f"certificate {number}",
        sheet=order.sheet_serial,
    )
    issued_entry = rec.record(
        "certificate.issued",
        {
            "number": number,
            "service": order.service_code,
            "document_type": order.document_type,
            "sheet": order.sheet_serial,
            "payment_id": payment_id,
            "job": job,
            "valid_until": valid_until.isoformat(),
        },
        clerk.username,
    )
    rec.tx.payments.add_certificate(
        number=number,
        service=order.service_code,
        payment_id=payment_id,
        citizen_id=citizen,
        job_id=job,
        issued_day=issued.isoformat(),
        valid_until=valid_until.isoformat(),
        seq=issued_entry.seq,
    )
    return job
