"""The append-only journal: entries chained by SHA-256, and the check of that chain.

Every business event at a window is one entry. An entry's hash covers all its fields
and the previous entry's hash, so changing, removing, inserting or reordering any entry
breaks the chain at that point, and `verify_chain` names the first entry where it breaks.
The payload is canonical JSON (sorted keys, no spaces, UTF-8, no floats), so the same
event always hashes the same on every machine and at HQ.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

GENESIS_HASH = "0" * 64
_MAX_PAYLOAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class EntryDraft:
    """What a service wants to record: the event type, its facts, who did it."""

    entry_type: str
    payload: Mapping[str, Any]
    clerk: str


@dataclass(frozen=True)
class Stamp:
    """When an entry was made, as the workstation saw it.

    `device_time` is the wall clock (ISO 8601, UTC) and may be wrong or jump; the
    monotonic reading cannot jump but is only comparable within one `run_id`.
    """

    device_time: str
    monotonic_ns: int
    run_id: str
    business_day: str


@dataclass(frozen=True)
class JournalEntry:
    """One stored journal entry, exactly as hashed."""

    seq: int
    uuid: str
    workstation_id: str
    entry_type: str
    payload: str
    clerk: str
    device_time: str
    monotonic_ns: int
    run_id: str
    business_day: str
    prev_hash: str
    hash: str

    def payload_data(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.payload)
        return data


@dataclass(frozen=True)
class ChainProblem:
    """The first entry at which a journal stops verifying, and why."""

    seq: int
    reason_en: str
    reason_ar: str

    def describe(self) -> str:
        return f"entry {self.seq}: {self.reason_en}\nالقيد {self.seq}: {self.reason_ar}"


def _check_json_value(value: Any, path: str) -> None:
    if isinstance(value, float):
        raise ValueError(f"{path}: floats are not allowed in journal payloads (use integers)")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path}: payload keys must be strings")
            _check_json_value(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_json_value(item, f"{path}[{index}]")
    elif not (value is None or isinstance(value, str | int | bool)):
        raise ValueError(f"{path}: {type(value).__name__} is not a journal payload value")


def workstation_name(office_code: str, window: int) -> str:
    """The name a window's journal, certificate and QR codes carry: "ASW-0101-W01"."""
    return f"{office_code}-W{window:02d}"


# One encoder for every entry (json.dumps with options would build one a call).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any) -> str:
    """Canonical JSON text: sorted keys, no insignificant spaces, UTF-8 characters."""
    return _CANONICAL.encode(value)


def canonical_payload(payload: Mapping[str, Any]) -> str:
    """The canonical text of a payload, refusing floats and non-JSON values."""
    _check_json_value(payload, "payload")
    text = canonical_json(dict(payload))
    if len(text.encode("utf-8")) > _MAX_PAYLOAD_BYTES:
        raise ValueError("journal payload is larger than 64 KiB")
    return text


def compute_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of every field of an entry except its hash."""
    material = (
        fields
        if isinstance(fields, dict) and "hash" not in fields
        else {k: v for k, v in fields.items() if k != "hash"}
    )
    return hashlib.sha256(canonical_json(material).encode("utf-8")).hexdigest()


def make_entry(
    *,
    seq: int,
    prev_hash: str,
    uuid: str,
    workstation_id: str,
    draft: EntryDraft,
    stamp: Stamp,
) -> JournalEntry:
    """Build the next entry of a chain whose last entry has `seq - 1` and `prev_hash`."""
    if not draft.entry_type or len(draft.entry_type) > 64:
        raise ValueError("an entry type is 1 to 64 characters")
    fields: dict[str, Any] = {
        "seq": seq,
        "uuid": uuid,
        "workstation_id": workstation_id,
        "entry_type": draft.entry_type,
        "payload": canonical_payload(draft.payload),
        "clerk": draft.clerk,
        "device_time": stamp.device_time,
        "monotonic_ns": stamp.monotonic_ns,
        "run_id": stamp.run_id,
        "business_day": stamp.business_day,
        "prev_hash": prev_hash,
    }
    return JournalEntry(**fields, hash=compute_hash(fields))


def verify_chain(
    entries: Iterable[JournalEntry],
    *,
    first_seq: int = 1,
    prev_hash: str = GENESIS_HASH,
) -> ChainProblem | None:
    """Walk entries in stored order; return the first problem, or None when all verify.

    `first_seq` and `prev_hash` let a caller verify a tail of the journal from a
    checkpoint it already trusts (HQ does this for each pushed batch).
    """
    expected = first_seq
    for entry in entries:
        if entry.seq > expected:
            return ChainProblem(
                expected,
                f"is missing (the next stored entry is {entry.seq})",
                f"مفقود (القيد المحفوظ التالي رقمه {entry.seq})",
            )
        if entry.seq < expected:
            return ChainProblem(
                entry.seq,
                f"appears out of order (expected entry {expected} here)",
                f"في غير موضعه (المتوقع هنا القيد {expected})",
            )
        if entry.prev_hash != prev_hash:
            return ChainProblem(
                entry.seq,
                "does not link to the entry before it "
                "(entries were removed, inserted or reordered)",
                "لا يرتبط بالقيد السابق له (حُذفت قيود أو أُضيفت أو تغير ترتيبها)",
            )
        recomputed = compute_hash({k: v for k, v in asdict(entry).items() if k != "hash"})
        if recomputed != entry.hash:
            return ChainProblem(
                entry.seq,
                "was altered after it was written (its hash does not match its contents)",
                "عُدِّل بعد كتابته (البصمة لا تطابق محتواه)",
            )
        prev_hash = entry.hash
        expected += 1
    return None
