"""Printing as journaled jobs: pending, printed or failed, never in the way of the business.

A job is queued in the same transaction as the operation it belongs to (the ticket, the
payment), so the operation and the fact that its paper is owed commit together. The
device is driven afterwards, on that device's own lane, with a deadline: a printer that
runs out of paper, opens its cover, stalls or drops the connection leaves the operation
committed and the job failed with the reason, to be printed again; a job given up at its
deadline never prints later (`peripherals.device_lane`). The outcome is recorded on the
write lane, so the store keeps one writer. A reprint is marked "نسخة / COPY
n" and journaled. A certificate's sheet of security paper is recorded as used, or as
spoiled when the printer failed on it; a reprint takes a new sheet and a new signature.
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.domain.errors import InputError
from counter_app.domain.money import Money
from counter_app.services.config import CounterConfig
from counter_app.services.events import EventBus, PrinterStateChanged
from counter_app.services.lanes import Lanes, then
from counter_app.services.recorder import Recorder, UnitOfWork
from counter_app.services.sync import SyncService
from counter_app.store.print_repo import PURGED, RESTORED
from peripherals.base import DeviceError
from peripherals.device_lane import DeviceLane
from peripherals.document_printer import DocumentPrinter
from peripherals.receipt_printer import ReceiptPrinter
from printing.documents import ClearanceCertificate, Receipt, ReceiptLine
from printing.qr_payload import DocumentFacts, WorkstationSigner, details_digest, encode
from printing.serialize import from_json, to_json
from sync import credentials
from sync.protocol import b64d

if TYPE_CHECKING:
    from printing.certificate_pdf import Registration

log = logging.getLogger(__name__)
# The renderers (ReportLab, Pillow, python-escpos) are imported when a job is printed,
# not when the counter starts: together they cost a third of a second of start-up.


@dataclass(frozen=True)
class PrintOutcome:
    job_id: int
    status: str  # "printed" or "failed"
    error: str | None
    copy_number: int
    sheet_serial: int | None = None


class PrintService:
    def __init__(
        self,
        uow: UnitOfWork,
        bus: EventBus,
        config: CounterConfig,
        receipt_printer: ReceiptPrinter,
        document_printer: DocumentPrinter,
        sync: SyncService,
        lanes: Lanes,
    ) -> None:
        self._uow = uow
        self._bus = bus
        self._config = config
        self.receipt_printer = receipt_printer
        self.document_printer = document_printer
        self._sync = sync
        self._lanes = lanes
        self.receipt_lane = DeviceLane("receipt printer")
        # The cash drawer hangs off the receipt printer (ESC/POS kick inside the job) unless
        # configured as its own device (the window then opens it after the commit).
        self.drawer_kick = config.devices.cash_drawer.backend == "escpos"
        self.document_lane = DeviceLane("document printer")
        # Where the simulated devices write what they print (purged with the documents).
        self.printed_dir: Path | None = None

    def close(self) -> None:
        self.receipt_lane.close()
        self.document_lane.close()

    # ---- retention ---------------------------------------------------------------------

    def purge_documents(self, today: date | None = None) -> int:
        """Forget what was printed before the retention period and is already at HQ: the
        documents kept for reprints (holders' names, national IDs, plates) and the files
        the simulated devices wrote to `printed/`. The jobs and sheets stay accounted."""
        today = today or self._uow.clock.now().date()
        days = self._config.retention.citizen_data_days
        before = (today - timedelta(days=days)).isoformat()

        def work(rec: Recorder) -> tuple[int, float]:
            up_to = min(rec.tx.journal.last_seq_before_day(before), self._uow.acked_seq)
            count = rec.tx.printing.purge_documents(up_to)
            if count:
                rec.record("print.purged", {"before": before, "jobs": count}, "system")
            entry = rec.tx.journal.get(up_to) if up_to else None
            # Files go by the same rule: written before the last entry both older than
            # the retention and held by HQ.
            return count, datetime.fromisoformat(entry.device_time).timestamp() if entry else 0.0

        count, cutoff = self._uow.run(work)
        if self.printed_dir is not None and self.printed_dir.is_dir() and cutoff:
            for path in self.printed_dir.rglob("*"):
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
        return count

    # ---- queueing, inside the business transaction ------------------------------------

    def queue(
        self,
        rec: Recorder,
        kind: str,
        document: Any,
        clerk: str,
        reference: str = "",
        *,
        sheet: int | None = None,
    ) -> int:
        """Queue a job; a certificate takes the sheet the clerk scanned (or the lowest)."""
        entry = rec.record("print.queued", {"kind": kind, "reference": reference}, clerk)
        if kind == "clearance_certificate":
            sheet = check_sheet(rec, sheet) if sheet is not None else _next_sheet(rec)
        job_id = rec.tx.printing.add_job(kind, to_json(kind, document), entry.seq, sheet)
        if sheet is not None:
            # Reserved for this job: no other job may be given the same sheet.
            rec.tx.printing.mark_sheet(sheet, "assigned", job_id, entry.seq)
        return job_id

    # ---- running jobs, after the commit ------------------------------------------------

    def submit(
        self, job_id: int, clerk: str = "system", *, certificate: bool | None = None
    ) -> Future[PrintOutcome]:
        """Print a queued job on its device's lane; the future gives the recorded outcome.

        Returns at once. A caller that knows which printer the job is for (`certificate`)
        saves the store read that would otherwise tell, and may call from the GUI thread.
        """
        if certificate is None:
            certificate = self._is_certificate(job_id)
        lane = self.document_lane if certificate else self.receipt_lane
        limits = self._config.devices
        timeout = (
            limits.document_printer.timeout_s if certificate else limits.receipt_printer.timeout_s
        )
        device = lane.submit(lambda cancel: self._drive(job_id, cancel), timeout, f"job {job_id}")
        return then(device, self._lanes.write, lambda done: self._record(job_id, done, clerk))

    def ask_printer_state(self) -> None:
        """Ask the receipt printer how it is, on its lane; the answer is published."""

        def ask(_cancel: threading.Event) -> None:
            self._bus.publish(PrinterStateChanged("receipt", self.receipt_printer.state()))

        self.receipt_lane.submit(ask, self._config.devices.receipt_printer.timeout_s, "status")

    def run(self, job_id: int, clerk: str = "system") -> PrintOutcome:
        """`submit` and wait: for the command line and other callers without a loop."""
        if threading.current_thread().name.startswith("lane-write"):
            # The outcome is recorded on the write lane: waiting for it there never ends.
            raise RuntimeError("PrintService.run() on the write lane: use submit()")
        return self.submit(job_id, clerk).result()

    def is_certificate(self, job_id: int) -> bool:
        return self._is_certificate(job_id)

    def _is_certificate(self, job_id: int) -> bool:
        return bool(self._job(job_id).kind == "clearance_certificate")

    def _job(self, job_id: int) -> Any:
        with self._uow.db.read() as tx:
            job = tx.printing.job(job_id)
        if job is None:
            raise InputError("job", "مهمة الطباعة غير موجودة", f"Print job {job_id} does not exist")
        return job

    def _drive(self, job_id: int, cancel: threading.Event) -> None:
        """On the device lane: render the job and send it, unless given up meanwhile."""
        job = self._job(job_id)
        kind, document = from_json(job.document)
        if kind == "clearance_certificate":
            document = self._with_citizen(job_id, document)
        try:
            if kind == "clearance_certificate":
                self._print_certificate(document, job.sheet_serial, job.copies, cancel)
            else:
                self._print_receipt_kind(kind, document, job.copies, cancel)
        finally:
            if kind != "clearance_certificate":  # asking a network printer costs a round trip
                self._bus.publish(PrinterStateChanged("receipt", self.receipt_printer.state()))

    def _record(self, job_id: int, done: Future[None], clerk: str) -> PrintOutcome:
        """On the write lane: the job printed or failed, and (certificates) its sheet."""
        job = self._job(job_id)
        error = done.exception()
        if error is None:
            return self._finish(
                job_id, job.kind, "printed", None, job.copies, job.sheet_serial, clerk
            )
        if not isinstance(error, (DeviceError, OSError)):
            log.error("print job %s failed unexpectedly", job_id, exc_info=error)
        reason = str(error) or type(error).__name__
        log.warning("print job %s (%s) failed: %s", job_id, job.kind, reason)
        if job.kind != "clearance_certificate" and self.receipt_lane.state_hint is not None:
            self._bus.publish(PrinterStateChanged("receipt", self.receipt_lane.state_hint))
        return self._finish(job_id, job.kind, "failed", reason, job.copies, job.sheet_serial, clerk)

    def reprint(self, job_id: int, clerk: str) -> PrintOutcome:
        """Print a job again and wait for the outcome (see `submit_reprint`)."""
        return self.submit_reprint(job_id, clerk).result()

    def submit_reprint(
        self, job_id: int, clerk: str, *, sheet: int | None = None
    ) -> Future[PrintOutcome]:
        """Print a job again: marked as a copy; a certificate takes a new sheet (the one
        the clerk scanned). A certificate's reprint is approved by a supervisor first
        (`services.payment`); this only prints."""

        def work(rec: Recorder) -> int:
            job = rec.tx.printing.job(job_id)
            if job is None:
                raise InputError(
                    "job", "مهمة الطباعة غير موجودة", f"Print job {job_id} does not exist"
                )
            if job.document == PURGED:
                raise InputError(
                    "job",
                    "حُذفت بيانات هذا المستند بعد انقضاء مدة الاحتفاظ: "
                    "لا يُعاد طبعه، بل يُصدر من جديد",
                    f"Print job {job_id} was purged after the retention period: it cannot be "
                    "printed again; issue the document anew",
                )
            if job.document == RESTORED:
                raise InputError(
                    "job",
                    "أُعيدت هذه المهمة من نسخة المركز بدون المستند: لا يُعاد طبعه، بل يُصدر من جديد",
                    f"Print job {job_id} was restored from HQ's copy, which never holds the "
                    "document: it cannot be printed again; issue the document anew",
                )
            # Every reprint of a receipt is a copy: a failed job may have put half a receipt
            # on paper. A certificate whose sheet failed was never handed out (that sheet
            # is recorded spoiled): printing it on a new sheet is the original, not a copy.
            certificate = job.kind == "clearance_certificate"
            copies = job.copies if certificate and job.status == "failed" else job.copies + 1
            new_sheet = job.sheet_serial
            if certificate:
                new_sheet = check_sheet(rec, sheet) if sheet is not None else _next_sheet(rec)
            entry = rec.record(
                "print.reprint", {"job": job_id, "copy": copies, "sheet": new_sheet}, clerk
            )
            rec.tx.printing.set_status(
                job_id, "pending", entry.seq, copies=copies, sheet_serial=new_sheet
            )
            if certificate and new_sheet is not None:
                rec.tx.printing.mark_sheet(new_sheet, "assigned", job_id, entry.seq)
            return copies

        self._uow.run(work)
        return self.submit(job_id, clerk)

    def unfinished_jobs(self) -> list[tuple[int, str, str, str | None]]:
        with self._uow.db.read() as tx:
            return [(j.id, j.kind, j.status, j.last_error) for j in tx.printing.unfinished()]

    # ---- security paper ----------------------------------------------------------------

    def load_sheets(self, first: int, last: int, clerk: str) -> int:
        if not 0 < first <= last or last - first >= 10_000:
            raise InputError(
                "sheets",
                "نطاق الأرقام المسلسلة غير صحيح",
                "The serial range is not valid (at most 10,000 sheets at once)",
            )

        def work(rec: Recorder) -> int:
            entry = rec.record("sheets.loaded", {"first": first, "last": last}, clerk)
            try:
                return rec.tx.printing.load_sheets(first, last, entry.seq)
            except ValueError as exc:
                raise InputError(
                    "sheets",
                    "بعض هذه الأوراق في المخزون بالفعل",
                    "Some of these sheets are already in the stock",
                ) from exc

        return self._uow.run(work)

    def sheet_counts(self) -> dict[str, int]:
        with self._uow.db.read() as tx:
            return tx.printing.sheet_counts()

    # ---- the test print ----------------------------------------------------------------

    def print_test(self, clerk: str = "system") -> list[PrintOutcome]:
        """A test receipt on the receipt printer and the calibration page on the A4 printer."""
        now = datetime.now(UTC)
        office = self._config.office

        def work(rec: Recorder) -> int:
            receipt = Receipt(
                office.name_ar,
                office.name_en,
                self._config.window.number,
                "اختبار",
                now,
                (ReceiptLine("طباعة تجريبية - ليست إيصالًا", "Test print", Money(0)),),
                "cash",
                Money(0),
                0,
                None,
            )
            return self.queue(rec, "receipt", receipt, clerk, "test")

        job_id = self._uow.run(work)
        outcomes = [self.run(job_id, clerk)]
        from printing.certificate_pdf import calibration_page_pdf

        pdf = calibration_page_pdf(self._registration())
        page = self.document_lane.submit(
            lambda cancel: self.document_printer.print_pdf(pdf, "Calibration page", cancel),
            self._config.devices.document_printer.timeout_s,
            "calibration page",
        )
        try:
            page.result()
        except (DeviceError, OSError) as exc:
            log.warning("calibration page failed: %s", exc)
            outcomes.append(PrintOutcome(0, "failed", str(exc), 0))
        else:
            self._uow.run(lambda rec: rec.record("print.calibration", {}, clerk))
            outcomes.append(PrintOutcome(0, "printed", None, 0))
        return outcomes

    def print_day_summary(self, report: dict[str, Any], clerk: str = "system") -> PrintOutcome:
        """The day report's thermal summary, straight to the receipt printer (journaled)."""
        from printing.day_report import render_day_summary
        from printing.escpos_bytes import raster_job

        image = render_day_summary(report, self.receipt_printer.width_px)
        data = raster_job(image)
        sent = self.receipt_lane.submit(
            lambda cancel: self.receipt_printer.send(data, image, cancel),
            self._config.devices.receipt_printer.timeout_s,
            "day report",
        )
        try:
            sent.result()
        except (DeviceError, OSError, TimeoutError) as exc:
            reason = str(exc) or type(exc).__name__
            self._uow.run(
                lambda rec: rec.record(
                    "print.failed", {"document": "day_report", "reason": reason[:200]}, clerk
                )
            )
            return PrintOutcome(0, "failed", reason, 0)
        self._uow.run(
            lambda rec: rec.record(
                "print.printed",
                {"document": "day_report", "business_day": report["business_day"]},
                clerk,
            )
        )
        return PrintOutcome(0, "printed", None, 0)

    # ---- helpers -----------------------------------------------------------------------

    def signer(self) -> WorkstationSigner | None:
        enrolment = self._sync.enrolment()
        if enrolment is None or not enrolment.compact_signature:
            return None
        creds = credentials.load(enrolment.workstation_id)
        if creds is None:
            return None
        return WorkstationSigner(
            creds.signing_key,
            enrolment.compact_expires_day,
            b64d(enrolment.compact_signature),
            self._config.hq.verify_url or f"{enrolment.hq_url.rstrip('/')}/v/",
        )

    def _with_citizen(self, job_id: int, certificate: ClearanceCertificate) -> ClearanceCertificate:
        """The certificate with the names it prints, read from the citizen records: a print
        job never holds them, and once purged a certificate cannot be printed again."""
        with self._uow.db.read() as tx:
            issued = tx.payments.certificate_by_job(job_id)
            citizen = tx.payments.citizen(issued["citizen_id"]) if issued else None
        if issued is None:
            return certificate  # a certificate queued outside a payment (tests, bench)
        if citizen is None or not citizen["national_id"]:
            raise DeviceError(
                "the citizen's data for this certificate has been purged: it cannot be printed"
            )
        return replace(
            certificate,
            citizen_name=citizen["name"],
            national_id=citizen["national_id"],
            plate=citizen["plate"],
            licence=citizen["licence"],
            record=tuple(tuple(f) for f in json.loads(citizen["record"] or "[]")),
        )

    def _registration(self) -> Registration:
        from printing.certificate_pdf import Registration

        cfg = self._config.devices.document_printer
        return Registration(cfg.offset_x_mm, cfg.offset_y_mm)

    def _print_receipt_kind(
        self, kind: str, document: Any, copy_number: int, cancel: threading.Event
    ) -> None:
        from printing.escpos_bytes import raster_job
        from printing.raster import render_receipt, render_request_slip, render_ticket

        width = self.receipt_printer.width_px
        if kind == "ticket":
            image = render_ticket(document, width)
            cash = False
        elif kind == "request_slip":
            image = render_request_slip(replace(document, copy_number=copy_number), width)
            cash = False
        else:
            receipt = replace(document, copy_number=copy_number)
            image = render_receipt(receipt, width)
            # The drawer opens for the original cash receipt only, never for a copy.
            cash = receipt.opens_drawer and self.drawer_kick
        self.receipt_printer.send(raster_job(image, open_drawer=cash), image, cancel)

    def _print_certificate(
        self,
        certificate: ClearanceCertificate,
        sheet: int | None,
        copy_number: int,
        cancel: threading.Event,
    ) -> None:
        from printing.certificate_pdf import clearance_certificate_pdf

        signer = self.signer()
        if signer is None or sheet is None:
            raise DeviceError("certificates need an enrolled window and security paper")
        facts = DocumentFacts(
            certificate.document_type,
            certificate.document_number,
            sheet,
            self._config.office.code,
            self._config.window.number,
            certificate.issued,
            (certificate.valid_until - certificate.issued).days,
            certificate.national_id,
            certificate.fee.piastres,
            details_digest(certificate.printed_details()),
        )
        printed = replace(
            certificate,
            sheet_serial=sheet,
            qr_payload=encode(facts, signer),
            verify_url=signer.verify_url,
            copy_number=copy_number,
        )
        pdf = clearance_certificate_pdf(printed, self._registration(), with_form=True)
        self.document_printer.print_pdf(pdf, f"Certificate {certificate.document_number}", cancel)

    def _finish(
        self,
        job_id: int,
        kind: str,
        status: str,
        error: str | None,
        copy_number: int,
        sheet: int | None,
        clerk: str,
    ) -> PrintOutcome:
        def work(rec: Recorder) -> None:
            payload: dict[str, Any] = {"job": job_id, "copy": copy_number}
            if error:
                payload["reason"] = error[:200]
            entry = rec.record(f"print.{status}", payload, clerk)
            rec.tx.printing.set_status(job_id, status, entry.seq, error=error)
            if kind == "clearance_certificate" and sheet is not None:
                # A sheet the printer failed on is spoiled: it is never fed again.
                sheet_status = "used" if status == "printed" else "spoiled"
                rec.tx.printing.mark_sheet(sheet, sheet_status, job_id, entry.seq)
                rec.record(f"sheet.{sheet_status}", {"serial": sheet, "job": job_id}, clerk)

        self._uow.run(work)
        return PrintOutcome(job_id, status, error, copy_number, sheet)


def check_sheet(rec: Recorder, serial: int) -> int:
    """The sheet the clerk scanned, if it is in this window's stock and unused."""
    status = rec.tx.printing.sheet_status(serial)
    if status is None:
        raise InputError(
            "sheet_serial",
            f"الورقة المؤمنة رقم {serial} ليست في مخزون هذا الشباك",
            f"Security sheet {serial} is not in this window's stock",
        )
    if status != "loaded":
        raise InputError(
            "sheet_serial",
            f"الورقة المؤمنة رقم {serial} مستخدمة أو تالفة ({status}): امسح ورقة جديدة",
            f"Security sheet {serial} is already {status}: scan a fresh sheet",
        )
    return serial


def _next_sheet(rec: Recorder) -> int:
    """The lowest sheet still in the stock, or a refusal the clerk can act on."""
    sheet = rec.tx.printing.next_sheet()
    if sheet is None:
        raise InputError(
            "security_paper",
            "لا توجد أوراق مؤمنة في المخزون",
            "There is no security paper left in the stock: load a new pack",
        )
    return sheet
