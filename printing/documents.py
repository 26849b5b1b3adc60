"""What the counter prints, independent of any device: ticket, receipt, certificate, day report.

Documents hold facts only; `raster` draws tickets and receipts for thermal printers and
`certificate_pdf` lays certificates onto A4 security paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from counter_app.domain.money import Money


@dataclass(frozen=True)
class QueueTicket:
    office_ar: str
    number: int
    service_ar: str  # the queue group's name
    issued_at: datetime
    waiting_ahead: int
    letter_ar: str = ""  # the group's ticket letter, printed before the number
    estimated_wait_min: int | None = None
    category_ar: str = ""  # a priority ticket says so
    qr_text: str = ""  # the ticket's key, for a scanner at the window


@dataclass(frozen=True)
class ReceiptLine:
    label_ar: str
    label_en: str
    amount: Money


@dataclass(frozen=True)
class ReceiptTender:
    kind: str  # "cash", "card" or "prepaid"
    amount: Money  # what it paid of the total
    reference: str = ""  # approval code or authorisation


@dataclass(frozen=True)
class Receipt:
    office_ar: str
    office_en: str
    window: int
    clerk: str
    issued_at: datetime
    lines: tuple[ReceiptLine, ...]
    tender: str  # "cash", "card" or "service_card"
    tendered: Money
    journal_seq: int
    qr_payload: bytes | None = None
    copy_number: int = 0  # 0 for the original; a reprint is "نسخة / COPY n"
    tenders: tuple[ReceiptTender, ...] = ()  # split tenders; empty: `tender` paid it all
    receipt_number: int = 0  # consecutive at the window; 0 for a test print
    provisional: bool = False  # fines taken offline, to be settled by HQ
    voids_receipt: int = 0  # a void receipt names the receipt it cancels
    change_due: Money | None = None
    verify_url: str = ""  # the public verification page the QR opens ("" : raw payload)

    @property
    def total(self) -> Money:
        return sum((line.amount for line in self.lines), Money(0))

    @property
    def change(self) -> Money:
        return self.change_due if self.change_due is not None else self.tendered - self.total

    @property
    def opens_drawer(self) -> bool:
        """Cash changed hands: the drawer opens for the original, never for a copy."""
        cash = self.tendered.piastres > 0 if self.tenders else self.tender == "cash"
        return cash and self.copy_number == 0 and self.total.piastres > 0


@dataclass(frozen=True)
class ClearanceCertificate:
    """The traffic clearance certificate ("شهادة براءة ذمة مرورية")."""

    sheet_serial: int
    document_number: int
    citizen_name: str
    national_id: str
    plate: str
    licence: str
    issued: date
    valid_until: date
    fee: Money
    office_ar: str
    window: int
    qr_payload: bytes
    copy_number: int = 0
    # A civil-registry extract printed at the window shares the layout: its own title,
    # statement and the record's facts (personal: filled in at print time, never kept).
    document_type: str = "clearance_certificate"  # or "civil_extract"
    title_ar: str = ""
    statement_ar: str = ""
    record: tuple[tuple[str, str], ...] = ()
    verify_url: str = ""  # the public verification page the QR opens ("" : raw payload)

    def printed_details(self) -> dict[str, str]:
        """The details the QR's digest binds (what a forger would want to change)."""
        details = {"name": self.citizen_name, "plate": self.plate, "licence": self.licence}
        if self.record:
            details["record"] = "\n".join(f"{label}: {value}" for label, value in self.record)
        return details


@dataclass(frozen=True)
class RequestSlip:
    """What the citizen takes home for a request delivered later: its tracking number,
    how it arrives, and a QR that opens HQ's tracking page. No personal data."""

    office_ar: str
    office_en: str
    window: int
    clerk: str
    issued_at: datetime
    tracking: str
    service_ar: str
    service_en: str
    deliver: bool  # by express mail; otherwise collected at this office
    receipt_number: int
    journal_seq: int
    tracking_url: str  # HQ's public page for this number ("" when not enrolled)
    copy_number: int = 0


@dataclass(frozen=True)
class DayReport:
    office_ar: str
    window: int
    business_day: date
    clerk: str
    totals: dict[str, Money] = field(default_factory=dict)
    synced: bool = False
