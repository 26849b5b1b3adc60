"""Fetching a window's own entries back from HQ, for a store restored from an older backup.

HQ's answer is taken only as far as it checks out here:

- the entries continue the backup's own chain: each one's hash is recomputed over its
  fields and linked to the one before, the first to the backup's last entry;
- they are numbered without a gap up to the head HQ says it holds;
- the last head this window signed whose entry HQ holds verifies with this window's own
  key and names an entry of that chain, so nobody without the window's key made up the
  entries up to it (entries after it, from a push cut short, hold by the chain alone and
  are counted);
- each heartbeat's own signature verifies.

Any failure refuses the restore: nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from counter_app.domain.errors import InputError
from counter_app.domain.heartbeat import HEARTBEAT
from counter_app.domain.journal import JournalEntry, verify_chain
from sync.protocol import (
    WIRE_FIELDS,
    JournalRange,
    SignatureError,
    heartbeat_verifies,
    verify,
)

# Asks HQ for this window's entries after a seq (one page of them).
FetchPage = Callable[[int], JournalRange]


@dataclass(frozen=True)
class Fetched:
    entries: list[JournalEntry]
    acked_seq: int  # HQ's head: the last of `entries`
    signed_seq: int  # the last entry this window's own signature vouches for


def _refused(ar: str, en: str) -> InputError:
    return InputError("hq_copy", ar, en)


def fetch_own_entries(
    fetch: FetchPage,
    workstation_id: str,
    public_key: str,
    after: tuple[int, str],
    acked_seq: int,
    enrolled_seq: int | None,
    backup_hash_at: Callable[[int], str | None] = lambda _seq: None,
) -> Fetched:
    """This window's entries after `after` (the backup's last seq and hash) up to
    `acked_seq`, checked as the module says. `backup_hash_at`: an entry's hash in the
    backup (the head HQ holds signed may be one of the backup's own)."""
    after_seq, after_hash = after
    entries: list[JournalEntry] = []
    prev_hash = after_hash
    signed = None
    while not entries or entries[-1].seq < acked_seq:
        last = entries[-1].seq if entries else after_seq
        page = fetch(last)
        if page.workstation_id != workstation_id:
            raise _refused(
                "أرسل المركز قيود محطة أخرى", f"HQ answered with {page.workstation_id}'s entries"
            )
        if not page.rows:
            break
        if page.rows[0][0] != last + 1:  # each page goes on from the last: no loop, no gap
            raise _refused(
                "أرسل المركز قيودًا في غير ترتيبها",
                f"HQ answered entries after {last} with entry {page.rows[0][0]}",
            )
        if not entries and page.prev_hash != after_hash:
            raise _refused(
                f"نسخة المركز من القيد {after_seq} تختلف عن النسخة الاحتياطية",
                f"HQ's entry {after_seq} differs from the backup's: this backup is not this "
                "window's history as HQ holds it; call HQ",
            )
        for row in page.rows:
            entry = _entry(workstation_id, row, prev_hash)
            entries.append(entry)
            prev_hash = entry.hash
        signed = page.signed_head
    problem = verify_chain(entries, first_seq=after_seq + 1, prev_hash=after_hash)
    if problem is not None:
        raise _refused(
            f"قيود المركز لا تكمل سلسلة النسخة الاحتياطية: القيد {problem.seq} {problem.reason_ar}",
            f"HQ's entries do not continue the backup's chain: entry {problem.seq} "
            f"{problem.reason_en}",
        )
    if not entries or entries[-1].seq != acked_seq:
        held = entries[-1].seq if entries else after_seq
        raise _refused(
            "لم يرسل المركز كل القيود التي لديه",
            f"HQ says it holds entries to {acked_seq} but sent them only to {held}",
        )
    hashes = {after_seq: after_hash, **{e.seq: e.hash for e in entries}}
    signed_seq = _check_signed_head(
        signed, workstation_id, public_key, lambda seq: hashes.get(seq) or backup_hash_at(seq)
    )
    _check_heartbeats(entries, workstation_id, public_key, enrolled_seq)
    return Fetched(entries, acked_seq, signed_seq)


def _entry(workstation_id: str, row: list[Any], prev_hash: str) -> JournalEntry:
    if len(row) != len(WIRE_FIELDS):
        raise _refused("قيد تالف من المركز", "HQ sent an entry with the wrong number of fields")
    fields = dict(zip(WIRE_FIELDS, row, strict=True))
    try:
        return JournalEntry(
            seq=int(fields["seq"]),
            uuid=str(fields["uuid"]),
            workstation_id=workstation_id,
            entry_type=str(fields["entry_type"]),
            payload=str(fields["payload"]),
            clerk=str(fields["clerk"]),
            device_time=str(fields["device_time"]),
            monotonic_ns=int(fields["monotonic_ns"]),
            run_id=str(fields["run_id"]),
            business_day=str(fields["business_day"]),
            prev_hash=prev_hash,
            hash=str(fields["hash"]),
        )
    except (TypeError, ValueError) as exc:
        raise _refused("قيد تالف من المركز", f"HQ sent an unreadable entry ({exc})") from exc


def _check_signed_head(
    signed: Any,
    workstation_id: str,
    public_key: str,
    hash_at: Callable[[int], str | None],
) -> int:
    if signed is None:
        raise _refused(
            "لا يحمل المركز رأس سجل موقعًا من هذا الشباك: لا تُستعاد القيود؛ استبدل جهاز الشباك",
            "HQ holds no journal head signed by this window, so its entries cannot be checked "
            "against the window's own key: replace the window's PC instead (docs/operations.md)",
        )
    try:
        verify(public_key, signed.body(workstation_id), signed.signature)
    except SignatureError as exc:
        raise _refused(
            "توقيع رأس السجل لدى المركز لا يطابق مفتاح هذا الشباك",
            "The journal head HQ holds is not signed by this window's key: call HQ",
        ) from exc
    if hash_at(signed.seq) != signed.hash:
        raise _refused(
            "رأس السجل الموقع لا يطابق القيود التي أرسلها المركز",
            f"The head this window signed (entry {signed.seq}) is not among the entries "
            "HQ sent: call HQ",
        )
    return int(signed.seq)


def _check_heartbeats(
    entries: list[JournalEntry], workstation_id: str, public_key: str, enrolled_seq: int | None
) -> None:
    for entry in entries:
        if entry.entry_type != HEARTBEAT:
            continue
        fields = {
            "seq": entry.seq,
            "prev_hash": entry.prev_hash,
            "device_time": entry.device_time,
            "payload": entry.payload,
        }
        if not heartbeat_verifies(public_key, workstation_id, fields, enrolled_seq):
            raise _refused(
                f"توقيع نبضة الوردية في القيد {entry.seq} لا يطابق مفتاح هذا الشباك",
                f"The shift heartbeat at entry {entry.seq} is not signed by this window's key",
            )
