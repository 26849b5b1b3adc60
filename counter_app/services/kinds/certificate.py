"""The `certificate` kind: an authority's live answer, printed on security paper.

The traffic clearance certificate ("شهادة براءة ذمة") is issued only when HQ confirms,
online and moments ago, that the person has no outstanding fine. The clerk scans or
types the serial of the security sheet in the printer, which must be in this window's
stock and unused. The certificate's fees join the visit; after the payment commits the
certificate prints with its signed QR; a printer failure spoils that sheet, and the
retry takes a new one. Offline it is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from counter_app.domain import national_id
from counter_app.domain.catalogue import Service
from counter_app.domain.errors import InputError
from counter_app.domain.text import clean_name, normalize_digits
from counter_app.domain.visit import VisitLine, total_of
from counter_app.services.certificate_issue import CertificateOrder
from counter_app.services.kinds.fines import clean_query
from counter_app.services.recorder import UnitOfWork
from counter_app.services.sync import Offline, SyncService
from sync.client import HqRefused
from sync.protocol import CivilRecord

CLEARANCE_FRESH_FOR = timedelta(minutes=15)  # HQ's "nothing outstanding" is that recent


@dataclass(frozen=True)
class Clearance:
    """HQ said, live: this person owes nothing (traffic), or here is their civil record."""

    service_code: str
    national_id: str
    checked_at: datetime
    source: str
    record: CivilRecord | None = None  # a civil extract's record

    @property
    def name(self) -> str:
        """The name on the record (a civil extract), else ""."""
        if self.record is None:
            return ""
        return next((value for label, value in self.record.facts if label == "الاسم"), "")


CIVIL_TITLES = {
    "birth": "مستخرج رسمي من قيد ميلاد",
    "death": "مستخرج رسمي من قيد وفاة",
    "marriage": "مستخرج رسمي من وثيقة زواج",
    "divorce": "مستخرج رسمي من إشهاد طلاق",
}


def civil_kind(service: Service) -> str:
    """The record a civil extract prints: the first word of its code (birth_extract_print)."""
    kind = service.code.split("_", 1)[0]
    if service.authority != "civil_registry" or kind not in CIVIL_TITLES:
        raise InputError(
            "service",
            f"«{service.name_ar}» لا تُطبع في الشباك: اطلبها للتوصيل",
            f"'{service.name_en}' is not printed at the window: request delivery",
        )
    return kind


class CertificateKind:
    kind = "certificate"

    def __init__(
        self,
        uow: UnitOfWork,
        sync: SyncService,
        settled: Callable[[], None] = lambda: None,
    ) -> None:
        self._uow = uow
        self._sync = sync
        self._settled = settled  # waits for HQ to settle what this window just took

    def check(self, service: Service, number: str) -> Clearance:
        """Ask the authority through HQ (blocking: the online lane)."""
        nid = national_id.parse(normalize_digits(number)).number
        if service.authority != "traffic_prosecution":
            return self._civil_record(service, nid)
        self._settled()
        try:
            answer = self._sync.inquire_fines(national_id=nid)
        except Offline as exc:
            raise InputError(
                "offline",
                f"لا تصدر «{service.name_ar}» دون اتصال بالمركز الرئيسي: يلزم تأكيد مباشر بعدم "
                "وجود مخالفات. حاول عند عودة الاتصال.",
                f"'{service.name_en}' is not issued offline: HQ must confirm live that nothing "
                "is outstanding. Try again when the link is back.",
            ) from exc
        with self._uow.db.read() as tx:
            paid_here = tx.payments.fines_paid_here([f.fine_id for f in answer.fines])
        if paid_here:
            raise InputError(
                "outstanding",
                f"سُدد {len(paid_here)} من المخالفات في هذا الشباك ولم يُسوَّ بعد لدى المركز: "
                "زامن الآن (F9) ثم أعد التحقق",
                f"{len(paid_here)} fine(s) were paid at this window and HQ has not settled them "
                "yet: sync now (F9), then check again",
            )
        if answer.fines:
            total = sum(f.amount_piastres for f in answer.fines) / 100
            raise InputError(
                "outstanding",
                f"على المواطن {len(answer.fines)} مخالفة غير مسددة ({total:.2f} جنيه): "
                "تُسدد أولًا ثم تصدر الشهادة",
                f"The citizen has {len(answer.fines)} unpaid fine(s) (EGP {total:.2f}): pay them "
                "first, then issue the certificate",
            )
        return Clearance(service.code, nid, self._uow.clock.now(), answer.source)

    def _civil_record(self, service: Service, nid: str) -> Clearance:
        kind = civil_kind(service)
        try:
            record = self._sync.live(lambda c: c.civil_record(kind, nid))
        except Offline as exc:
            raise InputError(
                "offline",
                f"لا تُطبع «{service.name_ar}» دون اتصال بالمركز الرئيسي: يلزم القيد من السجل "
                "المدني مباشرة. يمكن طلبها للتوصيل الآن.",
                f"'{service.name_en}' is not printed offline: the record must come live from "
                "the civil registry. It can be requested for delivery now.",
            ) from exc
        except HqRefused as exc:
            raise InputError("record", exc.message_ar, exc.message_en) from exc
        return Clearance(service.code, nid, self._uow.clock.now(), record.source, record)

    def order(
        self,
        service: Service,
        clearance: Clearance,
        *,
        name: str,
        plate: str,
        licence: str,
        sheet: str,
    ) -> tuple[list[VisitLine], CertificateOrder]:
        if self._uow.clock.now() - clearance.checked_at > CLEARANCE_FRESH_FOR:
            raise InputError(
                "clearance",
                "مضى وقت طويل على تأكيد المركز: أعد الاستعلام",
                "HQ's confirmation is too old: check again",
            )
        full_name = clearance.name or clean_name(name, field="name")
        plate = clean_query("plate", plate) if plate.strip() else ""
        licence = clean_query("licence", licence) if licence.strip() else ""
        serial_text = normalize_digits(sheet.strip())
        if not serial_text.isdigit() or not 0 < int(serial_text) < 2**32:
            raise InputError(
                "sheet_serial",
                "امسح أو اكتب الرقم المسلسل للورقة المؤمنة (أرقام فقط)",
                "Scan or type the security sheet's serial (digits only)",
            )
        lines = [
            VisitLine(
                service.code,
                f"{service.name_ar}: {fee.name_ar}",
                f"{service.name_en}: {fee.name_en}",
                fee.amount,
            )
            for fee in service.fixed_fees
        ]
        order = CertificateOrder(
            service.code,
            clearance.national_id,
            full_name,
            plate,
            licence,
            int(serial_text),
            service.certificate_valid_days,
            total_of(lines),
        )
        record = clearance.record
        if record is not None:
            order = replace(
                order,
                document_type="civil_extract",
                title_ar=CIVIL_TITLES[record.kind],
                statement_ar="هذا المستخرج مطابق لما هو مقيد بسجلات قطاع الأحوال المدنية "
                "في تاريخ إصداره.",
                record=(
                    *((label, value) for label, value in record.facts),
                    ("رقم القيد", record.registry_number),
                ),
            )
        return lines, order
