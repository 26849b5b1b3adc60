"""Ingest: a window's journal into HQ's copy of its chain.

HQ never edits a branch's record. A pushed entry is stored once; the same entry again is
a no-op; a different entry under a known sequence number, or a chain that does not
continue, is refused and recorded as a tamper alarm, in its own transaction so the
alarm survives the refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import IntegrityError

from counter_app.domain.journal import compute_hash
from hq import schema as t
from hq.bulk import write_entries
from hq.errors import HqError
from hq.evidence import Alarm, check_head, heartbeat_alarms, record_alarm, window_reports
from hq.records import Workstation, unknown_workstation, workstation_row
from sync.protocol import (
    MAX_BATCH_ENTRIES,
    WIRE_FIELDS,
    JournalHead,
    JournalRange,
    PushBatch,
    SignedHead,
    utc_now_text,
)


def _entry_hash(entry: dict[str, Any]) -> str:
    """The journal hash of an entry, over exactly the fields the workstation hashed."""
    return compute_hash({name: entry[name] for name in _HASHED_FIELDS})


_INTS = frozenset({"seq", "monotonic_ns"})
_HASHED_FIELDS = (*[f for f in WIRE_FIELDS if f != "hash"], "workstation_id", "prev_hash")


class JournalIngest:
    engine: Engine
    # Settles what the entries paid for (hq.settlement), in the ingest's transaction.
    after_ingest: Callable[[Connection, str, list[dict[str, Any]]], None] | None

    def head(self, workstation_id: str, contact: dict[str, object] | None = None) -> JournalHead:
        """What HQ holds of the window's chain; with `contact`, the columns a sync's first
        call sets (hq/window_status.py), written by the same statement."""
        if contact:
            with self.engine.begin() as conn:
                row = conn.execute(
                    update(t.workstations)
                    .where(t.workstations.c.id == workstation_id)
                    .values(**contact)
                    .returning(t.workstations.c.acked_seq, t.workstations.c.acked_hash)
                ).first()
        else:
            with self.engine.connect() as conn:
                row = workstation_row(conn, workstation_id)
        if row is None:
            unknown_workstation(workstation_id)
        return JournalHead(
            workstation_id=workstation_id, acked_seq=row.acked_seq, acked_hash=row.acked_hash
        )

    def entries(self, workstation_id: str, after_seq: int, limit: int) -> JournalRange:
        """The window's own entries after `after_seq`, as HQ holds them, with the last head
        it signed (for a window restored from an older backup, which checks both)."""
        limit = max(1, min(limit, MAX_BATCH_ENTRIES))
        je = t.journal_entries
        with self.engine.connect() as conn:
            ws = conn.execute(
                select(t.workstations).where(t.workstations.c.id == workstation_id)
            ).first()
            if ws is None:
                unknown_workstation(workstation_id)
            found = conn.execute(
                select(je.c.prev_hash, *(je.c[name] for name in WIRE_FIELDS))
                .where(je.c.workstation_id == workstation_id, je.c.seq > after_seq)
                .order_by(je.c.seq)
                .limit(limit)
            ).all()
        signed = None
        if ws.signed_head_seq is not None:
            signed = SignedHead(
                seq=ws.signed_head_seq,
                hash=ws.signed_head_hash,
                signature=ws.signed_head_signature,
            )
        return JournalRange(
            workstation_id=workstation_id,
            prev_hash=found[0].prev_hash if found else str(ws.acked_hash),
            rows=[list(r)[1:] for r in found],
            acked_seq=int(ws.acked_seq),
            signed_head=signed,
        )

    def ingest(self, ws: Workstation, batch: PushBatch) -> JournalHead:
        if batch.workstation_id != ws.id:
            raise HqError(  # a token opens its own window's journal, no other
                "other_workstation",
                "الدفعة تخص محطة أخرى.",
                "The batch is for another workstation.",
                status=403,
            )
        for attempt in range(5):
            # Each try from clean entries: a try marks them (prev_hash, received_at).
            entries = [self._entry_from_row(ws.id, row) for row in batch.rows]
            try:
                return self._ingest_once(ws, batch.prev_hash, entries, batch.head)
            except IntegrityError:
                # A concurrent push of the same entries won the race: look again.
                if attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def _ingest_once(
        self,
        ws: Workstation,
        prev_hash: str,
        entries: list[dict[str, Any]],
        head: SignedHead | None = None,
    ) -> JournalHead:
        alarm: Alarm | None = None
        # The head the window reported: its entries waiting, for the dashboard.
        marks = {"reported_head_seq": head.seq} if head is not None else {}
        with self.engine.begin() as conn:
            row = conn.execute(
                select(t.workstations).where(t.workstations.c.id == ws.id).with_for_update()
            ).one()
            held_seq, held_hash = int(row.acked_seq), str(row.acked_hash)
            known = [e for e in entries if e["seq"] <= held_seq]
            fresh = [e for e in entries if e["seq"] > held_seq]
            if known:
                alarm = self._compare_known(conn, ws.id, prev_hash, known)
            if alarm is None and fresh:
                if fresh[0]["seq"] != held_seq + 1:
                    raise HqError(
                        "gap",
                        f"المركز لديه القيود حتى {held_seq}.",
                        f"HQ holds entries up to {held_seq}; send from {held_seq + 1}.",
                        status=409,
                        acked_seq=held_seq,
                    )
                alarm = self._chain(fresh, held_hash)
                if alarm is None:
                    received_at = utc_now_text()
                    for entry in fresh:
                        entry["received_at"] = received_at
                    write_entries(conn, fresh)
                    for reported in window_reports(fresh):
                        record_alarm(conn, ws.id, reported)
                    for forged in heartbeat_alarms(conn, ws.id, ws.public_key, fresh):
                        record_alarm(conn, ws.id, forged)
                    if self.after_ingest is not None:
                        self.after_ingest(conn, ws.id, fresh)
                    held_seq, held_hash = fresh[-1]["seq"], fresh[-1]["hash"]
                    if head is not None:
                        alarm = check_head(conn, ws.id, ws.public_key, head, held_seq)
                        marks |= _signed(head, held_seq, alarm)
                        head = None  # checked
                    conn.execute(
                        update(t.workstations)
                        .where(t.workstations.c.id == ws.id)
                        .values(acked_seq=held_seq, acked_hash=held_hash, **marks)
                    )
                    marks = {}
            if alarm is None and head is not None:
                alarm = check_head(conn, ws.id, ws.public_key, head, held_seq)
                marks |= _signed(head, held_seq, alarm)
            if alarm is None and marks:
                conn.execute(
                    update(t.workstations).where(t.workstations.c.id == ws.id).values(**marks)
                )
        if alarm is not None:
            with self.engine.begin() as conn:
                record_alarm(conn, ws.id, alarm)
            raise HqError(
                "tamper",
                "القيود المرسلة لا تطابق سلسلة المحطة؛ سُجل إنذار تلاعب في المركز الرئيسي.",
                alarm[2],
                status=409,
                acked_seq=held_seq,
            )
        return JournalHead(workstation_id=ws.id, acked_seq=held_seq, acked_hash=held_hash)

    def _compare_known(
        self, conn: Connection, ws_id: str, prev_hash: str, known: list[dict[str, Any]]
    ) -> tuple[int | None, str, str] | None:
        stored = {
            r.seq: r
            for r in conn.execute(
                select(t.journal_entries).where(
                    t.journal_entries.c.workstation_id == ws_id,
                    t.journal_entries.c.seq.between(known[0]["seq"], known[-1]["seq"]),
                )
            )
        }
        for entry in known:
            original = stored.get(entry["seq"])
            if original is None:
                continue
            entry["prev_hash"] = original.prev_hash
            if _entry_hash(entry) != original.hash or entry["hash"] != original.hash:
                return (
                    entry["seq"],
                    "different_entry",
                    f"entry {entry['seq']} differs from the one HQ already holds",
                )
        return None

    @staticmethod
    def _chain(fresh: list[dict[str, Any]], held_hash: str) -> tuple[int | None, str, str] | None:
        prev = held_hash
        expected = fresh[0]["seq"]
        for entry in fresh:
            if entry["seq"] != expected:
                return (entry["seq"], "broken_chain", f"entry {expected} is missing from the batch")
            entry["prev_hash"] = prev
            if _entry_hash(entry) != entry["hash"]:
                return (
                    entry["seq"],
                    "broken_chain",
                    f"entry {entry['seq']} does not continue the chain HQ holds",
                )
            prev = entry["hash"]
            expected += 1
        return None

    @staticmethod
    def _entry_from_row(ws_id: str, row: list[Any]) -> dict[str, Any]:
        if len(row) != len(WIRE_FIELDS):
            raise HqError(
                "malformed",
                "قيد بعدد حقول غير صحيح.",
                "An entry has the wrong number of fields.",
                status=400,
            )
        entry = dict(zip(WIRE_FIELDS, row, strict=True))
        for name in WIRE_FIELDS:
            value = entry[name]
            # Exact types (a JSON true is not a number): one comparison a field.
            ok = (
                type(value) is int and 0 <= value < 2**63
                if name in _INTS
                else type(value) is str and "\x00" not in value  # PostgreSQL's text holds no NUL
            )
            if not ok and name in _INTS and type(value) is float and value.is_integer():
                # JSON's 7.0 is the integer 7 (JSON Schema agrees): hashed as 7, as the
                # window hashed it.
                entry[name] = value = int(value)
                ok = 0 <= value < 2**63
            if not ok:
                raise HqError(
                    "malformed",
                    f"الحقل {name} من نوع غير صحيح.",
                    f"Field {name} has the wrong type.",
                    status=400,
                )
        entry["workstation_id"] = ws_id
        return entry


def _signed(head: SignedHead, held_seq: int, alarm: object) -> dict[str, Any]:
    """The columns that keep a verified head whose entry HQ holds (h0010)."""
    if alarm is not None or head.seq > held_seq or head.seq == 0:
        return {}
    return {
        "signed_head_seq": head.seq,
        "signed_head_hash": head.hash,
        "signed_head_signature": head.signature,
    }
