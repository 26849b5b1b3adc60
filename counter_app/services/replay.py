"""A restored store brought up to the entries fetched back from HQ: each entry appended to
the journal as it was written, and the business rows it made written again from it.

Each entry type that changes business rows has a step here that does what the code that
recorded it did, from the entry alone, in the same order (so rows get the ids they had:
later entries name them, and a step that finds a named row missing stops the restore).
Types whose effect is the journal entry itself are listed in JOURNAL_ONLY. A type in
neither is not replayed: the restore is refused before anything is written.

What the journal never holds cannot come back, and the restore says so (`Replayed`):
documents waiting to print (a job still unfinished at HQ's head is put aside as failed,
never printed by itself: it may have printed after the last entry HQ holds), citizens'
details, a request's details HQ was never sent, a PIN of a clerk added locally, and the
receipt chain's last link (the next receipt starts a new chain, as on a replacement PC).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from counter_app.domain.errors import InputError
from counter_app.domain.journal import JournalEntry
from counter_app.domain.queue import Ticket, TicketEvent, replay
from counter_app.services.evidence import SEALING_FACT
from counter_app.services.instructions import ANSWERED
from counter_app.services.payment import LAST_CHAIN, LAST_RECEIPT
from counter_app.store import Transaction
from counter_app.store.print_repo import RESTORED

# The journal entry is the whole of what these did (or what they changed is a cache,
# a keyring entry, or a bundle the next sync fetches again).
JOURNAL_ONLY = frozenset(
    {
        "approval.granted",
        "approval.refused",
        "bundle.applied",
        "clerk.locked_out",
        "clerk.sign_in_refused",
        "clerk.signed_in",
        "clerk.signed_out",
        "fines.inquired",
        "identity.captured",
        "mobile.linked",
        "print.calibration",
        "secrets.moved",
        "secrets.wrapped",
        "session.locked",
        "session.taken_over",
        "session.unlocked",
        "shift.heartbeat",
        "store.restored",
        "tamper.acknowledged",
        "tamper.detected",
        "trust.anchored",
    }
)

RESTORED_JOB = "restored from HQ's copy: the document is not in the journal"


@dataclass
class Replayed:
    """What the replay wrote, and what it could not bring back."""

    entries: int = 0
    payments: int = 0
    last_receipt: int = 0
    chain_restarted: bool = False
    jobs_put_aside: list[int] = field(default_factory=list)
    requests_without_details: list[str] = field(default_factory=list)
    clerks_to_add: list[str] = field(default_factory=list)
    queue_actions_not_kept: int = 0
    ticket_days: set[str] = field(default_factory=set)

    def as_payload(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "payments": self.payments,
            "last_receipt": self.last_receipt,
            "receipt_chain_restarted": self.chain_restarted,
            "jobs_put_aside": self.jobs_put_aside,
            "requests_without_details": self.requests_without_details,
            "clerks_to_add": self.clerks_to_add,
            "queue_actions_not_kept": self.queue_actions_not_kept,
        }


def not_replayable(entries: list[JournalEntry]) -> list[str]:
    """The entry types among `entries` this module cannot replay (sorted)."""
    return sorted(
        {
            e.entry_type
            for e in entries
            if e.entry_type not in JOURNAL_ONLY
            and e.entry_type not in _STEPS
            and not e.entry_type.startswith("ticket.")
        }
    )


class OutOfStep(InputError):
    def __init__(self, entry: JournalEntry, what: str) -> None:
        super().__init__(
            "replay",
            f"تعذرت إعادة بناء القيد {entry.seq} ({entry.entry_type}) من نسخة المركز",
            f"Entry {entry.seq} ({entry.entry_type}) could not be replayed: {what}. "
            "Nothing was restored; replace the window's PC instead (docs/operations.md)",
        )


# Service code -> (Arabic, English) name, for a payment's lines (the journal keeps codes).
Labels = Callable[[str], tuple[str, str]]


class _Replay:
    def __init__(self, tx: Transaction, labels: Labels, done: Replayed) -> None:
        self.tx = tx
        self.labels = labels
        self.done = done
        self.queued_seq: dict[int, int] = {}  # job id -> its print.queued entry
        self.finished_seq: dict[int, int] = {}  # job id -> its print.printed/failed entry
        self.rolled_over: list[JournalEntry] = []

    def run(self, entry: JournalEntry) -> None:
        self.tx.journal.adopt(entry)
        self.done.entries += 1
        if entry.entry_type.startswith("ticket."):
            self.ticket(entry)
        elif entry.entry_type not in JOURNAL_ONLY:
            _STEPS[entry.entry_type](self, entry, _payload(entry))

    # ---- money ---------------------------------------------------------------------

    def payment_recorded(self, e: JournalEntry, p: dict[str, Any]) -> None:
        lines = []
        for line in p["lines"]:
            label_ar, label_en = self.labels(str(line["service"]))
            lines.append({**line, "label_ar": label_ar, "label_en": label_en})
        payment_id = self.tx.payments.add(
            uuid=p["payment"],
            business_day=e.business_day,
            clerk=e.clerk,
            ticket=p.get("ticket") or "",
            total=p["total"],
            cash_tendered=p["cash_tendered"],
            change=p["change"],
            lines=lines,
            tenders=p["tenders"],
            provisional=bool(p["provisional"]),
            receipt_number=p["receipt"],
            status="paid",
            seq=e.seq,
        )
        for fine in p.get("fines", []):
            self.tx.payments.add_fine(
                payment_id, fine["fine_id"], fine["amount_piastres"], "provisional", e.seq
            )
        self._receipt(int(p["receipt"]))
        self.done.payments += 1

    def payment_voided(self, e: JournalEntry, p: dict[str, Any]) -> None:
        payment = self.tx.payments.by_uuid(p["payment"])
        if payment is None:
            raise OutOfStep(e, f"payment {p['payment']} is not in the store")
        self.tx.payments.mark_voided(payment.id, e.seq)
        for fine_id in self.tx.payments.fines_of(payment.id):
            self.tx.payments.set_fine_status(payment.id, fine_id, "released", e.seq)
        self._receipt(int(p["void_receipt"]))

    def payment_settled(self, e: JournalEntry, p: dict[str, Any]) -> None:
        payment = self.tx.payments.by_uuid(p["payment"])
        if payment is None:
            raise OutOfStep(e, f"payment {p['payment']} is not in the store")
        for fine_id in p.get("settled", []):
            self.tx.payments.set_fine_status(payment.id, fine_id, "settled", e.seq)
        for conflict in p.get("conflicts", []):
            self.tx.payments.set_fine_status(payment.id, conflict["fine_id"], "conflict", e.seq)

    def _receipt(self, number: int) -> None:
        self.tx.set_fact(LAST_RECEIPT, str(max(number, int(self.tx.fact(LAST_RECEIPT) or 0))))
        # The receipt's own chain value is in its QR, which the journal does not hold.
        self.tx.set_fact(LAST_CHAIN, "00" * 8)
        self.done.chain_restarted = True
        self.done.last_receipt = int(self.tx.fact(LAST_RECEIPT) or 0)

    def certificate_issued(self, e: JournalEntry, p: dict[str, Any]) -> None:
        job_id, sheet = int(p["job"]), p.get("sheet")
        job = self.tx.printing.job(job_id)
        if job is None or job.kind != "clearance_certificate":
            raise OutOfStep(e, f"print job {job_id} is not this certificate's")
        if self.tx.payments.get(int(p["payment_id"])) is None:
            raise OutOfStep(e, f"payment {p['payment_id']} is not in the store")
        if sheet is not None:  # reserved when the job was queued, as printing.queue does
            self.tx.printing.assign_sheet(job_id, int(sheet))
            self.tx.printing.mark_sheet(int(sheet), "assigned", job_id, self.queued_seq[job_id])
        self.tx.payments.add_certificate(
            number=p["number"],
            service=p["service"],
            payment_id=p["payment_id"],
            citizen_id=None,  # the citizen's details are never in the journal
            job_id=job_id,
            issued_day=e.business_day,
            valid_until=p["valid_until"],
            seq=e.seq,
        )

    def citizen_purged(self, e: JournalEntry, p: dict[str, Any]) -> None:
        if p.get("what") == "requests":
            self.tx.requests.purge(str(p["before"]), e.seq)
        else:
            self.tx.payments.purge_citizens(str(p["before"]), e.seq)

    # ---- printing and security paper ----------------------------------------------

    def print_queued(self, e: JournalEntry, p: dict[str, Any]) -> None:
        job_id = self.tx.printing.add_job(str(p["kind"]), RESTORED, e.seq)
        self.queued_seq[job_id] = e.seq
        reference = str(p.get("reference", ""))
        if p["kind"] == "receipt" and reference.startswith("receipt "):
            payment = self.tx.payments.by_receipt(int(reference.removeprefix("receipt ")))
            if payment is None:
                raise OutOfStep(e, f"no payment has {reference}")
            self.tx.payments.set_receipt_job(payment.id, job_id)

    def print_finished(self, e: JournalEntry, p: dict[str, Any]) -> None:
        self.finished_seq[self._job(e, p)] = e.seq
        status = e.entry_type.removeprefix("print.")
        self.tx.printing.set_status(int(p["job"]), status, e.seq, error=p.get("reason"))

    def print_reprint(self, e: JournalEntry, p: dict[str, Any]) -> None:
        job = self._job(e, p)
        row = self.tx.printing.job(job)
        sheet = p.get("sheet")
        self.tx.printing.set_status(
            job, "pending", e.seq, copies=int(p["copy"]), sheet_serial=sheet
        )
        if sheet is not None and row is not None and row.kind == "clearance_certificate":
            self.tx.printing.mark_sheet(int(sheet), "assigned", job, e.seq)

    def print_purged(self, e: JournalEntry, p: dict[str, Any]) -> None:
        up_to = min(self.tx.journal.last_seq_before_day(str(p["before"])), e.seq)
        self.tx.printing.purge_documents(up_to)

    def sheets_loaded(self, e: JournalEntry, p: dict[str, Any]) -> None:
        try:
            self.tx.printing.load_sheets(int(p["first"]), int(p["last"]), e.seq)
        except ValueError as exc:
            raise OutOfStep(e, "those sheets are already in the stock") from exc

    def sheet_marked(self, e: JournalEntry, p: dict[str, Any]) -> None:
        job = self._job(e, p)
        status = e.entry_type.removeprefix("sheet.")
        # Marked under the job's print.printed/failed entry, which comes just before.
        seq = self.finished_seq.get(job, e.seq)
        self.tx.printing.mark_sheet(int(p["serial"]), status, job, seq)

    def _job(self, e: JournalEntry, p: dict[str, Any]) -> int:
        job_id = int(p["job"])
        if self.tx.printing.job(job_id) is None:
            raise OutOfStep(e, f"print job {job_id} is not in the store")
        return job_id

    # ---- the drawer and the day ---------------------------------------------------

    def shift_opened(self, e: JournalEntry, p: dict[str, Any]) -> None:
        self.tx.shifts.open(e.clerk, e.business_day, e.seq, int(p["float"]), p.get("count", {}))

    def shift_closed(self, e: JournalEntry, p: dict[str, Any]) -> None:
        self.tx.shifts.close(self._open_shift(e), e.seq, {**p, "closed_seq": e.seq})

    def cash_moved(self, e: JournalEntry, p: dict[str, Any]) -> None:
        amount = int(p["amount"])
        signed = amount if e.entry_type == "cash.paid_in" else -amount
        self.tx.shifts.add_movement(
            self._open_shift(e), signed, str(p["reason"]), str(p.get("note", "")), e.clerk, e.seq
        )

    def _open_shift(self, e: JournalEntry) -> int:
        shift_id = self.tx.shifts.open_shift_id(e.clerk)
        if shift_id is None:
            raise OutOfStep(e, f"{e.clerk} has no open shift")
        return shift_id

    def day_step(self, e: JournalEntry, p: dict[str, Any]) -> None:
        day = str(p["business_day"])
        if e.entry_type == "day.closing":
            values: dict[str, Any] = {"status": "closed", "step": "mark_closed"}
            values |= {"reason_ar": "", "reason_en": "", "closed_seq": e.seq}
        elif e.entry_type == "day.closed":
            values = {"status": "closed", "step": "sync", "reason_ar": "", "reason_en": ""}
            values["backup"] = str(p.get("backup", ""))
        else:  # day.close_failed: only a day already marked closed shows it
            if self.tx.shifts.day_close(day) is None:
                return
            reason = str(p.get("reason", ""))
            values = {"status": "failed", "step": str(p.get("step", "")), "reason_en": reason}
            values["reason_ar"] = reason
        self.tx.shifts.set_day_close(day, last_seq=e.seq, updated_at=e.device_time, **values)

    # ---- requests -----------------------------------------------------------------

    def request_captured(self, e: JournalEntry, p: dict[str, Any]) -> None:
        payment = self.tx.payments.by_uuid(str(p["payment"]))
        stages = [{"status": "captured", "at": e.device_time, "note_ar": "", "note_en": ""}]
        self.tx.requests.add(
            None,  # the applicant's details are never in the journal
            b"",
            tracking=p["tracking"],
            service=p["service"],
            payment_id=payment.id if payment is not None else None,
            deliver=1 if p.get("deliver") else 0,
            nid_digest="",  # nor their ID: a collection here is refused (tracking.py)
            status="captured",
            consignment="",
            stages=json.dumps(stages),
            status_as_of=e.device_time,
            submitted=0,
            business_day=e.business_day,
            created_seq=e.seq,
        )
        self.done.requests_without_details.append(str(p["tracking"]))

    def request_submitted(self, e: JournalEntry, p: dict[str, Any]) -> None:
        row = self._request(e, p)
        self.tx.requests.mark_submitted(row["id"])
        if p["tracking"] in self.done.requests_without_details:
            self.done.requests_without_details.remove(p["tracking"])

    def request_moved(self, e: JournalEntry, p: dict[str, Any]) -> None:
        row = self._request(e, p)
        status = "collected" if e.entry_type == "request.collected" else str(p["status"])
        stages = [*json.loads(row["stages"])]
        stages.append({"status": status, "at": e.device_time, "note_ar": "", "note_en": ""})
        self.tx.requests.set_status(row["id"], status, stages, row["consignment"], e.device_time)

    def _request(self, e: JournalEntry, p: dict[str, Any]) -> dict[str, Any]:
        row = self.tx.requests.by_tracking(str(p["tracking"]))
        if row is None:
            raise OutOfStep(e, f"request {p['tracking']} is not in the store")
        return row

    # ---- the rest -----------------------------------------------------------------

    def clerk_added(self, e: JournalEntry, p: dict[str, Any]) -> None:
        # The PIN's hash is never journaled: the supervisor adds the clerk again.
        if self.tx.clerks.get(str(p["username"])) is None:
            self.done.clerks_to_add.append(str(p["username"]))

    def instruction_answered(self, e: JournalEntry, p: dict[str, Any]) -> None:
        answered = json.loads(self.tx.fact(ANSWERED) or "[]")
        if p["id"] not in answered:
            self.tx.set_fact(ANSWERED, json.dumps(sorted([*answered, p["id"]])))

    def evidence_sealing(self, e: JournalEntry, p: dict[str, Any]) -> None:
        self.tx.set_fact(SEALING_FACT, "1")

    def ticket(self, e: JournalEntry) -> None:
        self.done.ticket_days.add(e.business_day)
        if e.entry_type == "ticket.cancelled" and _payload(e).get("reason") == "day_ended":
            self.rolled_over.append(e)  # a ticket of an earlier day, ended with it
        if e.entry_type == "ticket.deferred":
            # The action kept for the queue host is not in the entry: the host may lack it.
            self.done.queue_actions_not_kept += 1


Step = Callable[[_Replay, JournalEntry, dict[str, Any]], None]
_STEPS: dict[str, Step] = {
    "payment.recorded": _Replay.payment_recorded,
    "payment.voided": _Replay.payment_voided,
    "payment.settled": _Replay.payment_settled,
    "certificate.issued": _Replay.certificate_issued,
    "citizen.recorded": lambda *_: None,  # the citizen's details: never journaled
    "citizen.purged": _Replay.citizen_purged,
    "print.queued": _Replay.print_queued,
    "print.printed": _Replay.print_finished,
    "print.failed": _Replay.print_finished,
    "print.reprint": _Replay.print_reprint,
    "print.purged": _Replay.print_purged,
    "sheets.loaded": _Replay.sheets_loaded,
    "sheet.used": _Replay.sheet_marked,
    "sheet.spoiled": _Replay.sheet_marked,
    "shift.opened": _Replay.shift_opened,
    "shift.closed": _Replay.shift_closed,
    "cash.paid_in": _Replay.cash_moved,
    "cash.paid_out": _Replay.cash_moved,
    "day.closing": _Replay.day_step,
    "day.closed": _Replay.day_step,
    "day.close_failed": _Replay.day_step,
    "request.captured": _Replay.request_captured,
    "request.submitted": _Replay.request_submitted,
    "request.status": _Replay.request_moved,
    "request.collected": _Replay.request_moved,
    "clerk.added": _Replay.clerk_added,
    "instruction.accepted": _Replay.instruction_answered,
    "instruction.disputed": _Replay.instruction_answered,
    "evidence.sealing": _Replay.evidence_sealing,
}


def replay_entries(tx: Transaction, entries: list[JournalEntry], labels: Labels) -> Replayed:
    """Append `entries` (checked, continuing the store's head) and write again the rows
    they made, in one transaction. The print jobs left unfinished are named in
    `jobs_put_aside` for `put_aside`, after the restore's own entry."""
    done = Replayed()
    step = _Replay(tx, labels, done)
    for entry in entries:
        try:
            step.run(entry)
        except (KeyError, TypeError, ValueError) as exc:
            raise OutOfStep(entry, f"its payload lacks what was expected ({exc})") from exc
    if entries:
        _tickets(tx, done.ticket_days, entries[0].seq)
    for e in step.rolled_over:  # as office_queue._roll_over did, after the day's own
        label = _payload(e).get("label")
        for day, ticket in tx.tickets.stale_open(e.business_day):
            if ticket.label == label:
                ended = ticket.ended or datetime.fromisoformat(e.device_time)
                tx.tickets.save(day, replace(ticket, status="cancelled", ended=ended), e.seq)
    done.jobs_put_aside = [j.id for j in tx.printing.unfinished() if j.status != "failed"]
    return done


def put_aside(tx: Transaction, jobs: list[int], seq: int) -> None:
    """Unfinished jobs marked failed (never printed by themselves), under entry `seq`."""
    for job in jobs:
        tx.printing.set_status(job, "failed", seq, error=RESTORED_JOB)


# Ticket entries that leave the ticket's row as it was (office_queue.py).
_TICKET_UNSAVED = frozenset({"ticket.recalled", "ticket.deferred"})


def _tickets(tx: Transaction, days: set[str], first_fetched: int) -> None:
    """The queue tickets of each day the fetched entries touched, from the day's ticket
    entries; only those whose last entry is a fetched one are written."""
    for day in sorted(days):
        day_entries = [e for e in tx.journal.on_day(day) if e.entry_type.startswith("ticket.")]
        last_seq: dict[str, int] = {}
        issued: dict[str, tuple[int, str]] = {}
        for e in day_entries:
            p = _payload(e)
            label = str(p.get("label", ""))
            if e.entry_type not in _TICKET_UNSAVED and p.get("reason") != "day_ended":
                last_seq[label] = e.seq
            if e.entry_type == "ticket.issued":
                issued[label] = (e.seq, str(p.get("origin", "office")))
            elif e.entry_type == "ticket.transferred" and label in issued:
                issued[str(p["to"])] = (e.seq, issued[label][1])
                last_seq[str(p["to"])] = e.seq
        events = [TicketEvent(e.entry_type, _payload(e), e.clerk, _when(e)) for e in day_entries]
        for ticket in replay(events):
            _write_ticket(tx, day, ticket, last_seq, issued, first_fetched)


def _write_ticket(
    tx: Transaction,
    day: str,
    ticket: Ticket,
    last_seq: dict[str, int],
    issued: dict[str, tuple[int, str]],
    first_fetched: int,
) -> None:
    seq = last_seq.get(ticket.label, 0)
    if seq < first_fetched or ticket.label not in issued:
        return  # the backup's row is as it was
    if tx.tickets.get(day, ticket.label) is None:
        issued_seq, origin = issued[ticket.label]
        tx.tickets.add(day, ticket, issued_seq, origin)
    tx.tickets.save(day, ticket, seq)


def _when(e: JournalEntry) -> datetime:
    return datetime.fromisoformat(e.device_time)


def _payload(entry: JournalEntry) -> dict[str, Any]:
    value = json.loads(entry.payload)
    return value if isinstance(value, dict) else {}
