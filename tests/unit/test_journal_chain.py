"""The hash chain in the domain: what it detects, and canonical payloads."""

from __future__ import annotations

import dataclasses

import pytest

from counter_app.domain.journal import (
    GENESIS_HASH,
    EntryDraft,
    JournalEntry,
    Stamp,
    canonical_payload,
    make_entry,
    verify_chain,
)


def chain(n: int) -> list[JournalEntry]:
    entries: list[JournalEntry] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        entry = make_entry(
            seq=seq,
            prev_hash=prev,
            uuid=f"00000000-0000-0000-0000-{seq:012d}",
            workstation_id="ASW-0101-W01",
            draft=EntryDraft("ticket.issued", {"number": seq, "service": "fines"}, "mona"),
            stamp=Stamp(
                f"2026-11-23T08:{seq % 60:02d}:00.000000+00:00", seq * 1000, "r", "2026-11-23"
            ),
        )
        entries.append(entry)
        prev = entry.hash
    return entries


def test_an_intact_chain_verifies() -> None:
    assert verify_chain(chain(20)) is None
    assert verify_chain([]) is None


def test_each_field_is_covered_by_the_hash() -> None:
    entries = chain(5)
    for field in dataclasses.fields(JournalEntry):
        if field.name in ("hash", "seq", "prev_hash"):
            continue
        value = getattr(entries[2], field.name)
        changed = value + 1 if isinstance(value, int) else value + "x"
        tampered = list(entries)
        tampered[2] = dataclasses.replace(entries[2], **{field.name: changed})
        problem = verify_chain(tampered)
        assert problem is not None and problem.seq == 3, field.name
        assert "altered" in problem.reason_en


def test_a_missing_entry_is_named() -> None:
    entries = chain(10)
    del entries[6]
    problem = verify_chain(entries)
    assert problem is not None and problem.seq == 7 and "missing" in problem.reason_en


def test_a_reordered_pair_is_named_at_the_first_of_the_two() -> None:
    entries = chain(10)
    swapped = [dataclasses.replace(e) for e in entries]
    swapped[4], swapped[5] = (
        dataclasses.replace(entries[5], seq=5),
        dataclasses.replace(entries[4], seq=6),
    )
    problem = verify_chain(swapped)
    assert problem is not None and problem.seq == 5 and "link" in problem.reason_en


def test_a_forged_entry_with_a_recomputed_hash_still_breaks_the_next_link() -> None:
    entries = chain(6)
    forged = make_entry(
        seq=3,
        prev_hash=entries[1].hash,
        uuid=entries[2].uuid,
        workstation_id="ASW-0101-W01",
        draft=EntryDraft("ticket.issued", {"number": 999, "service": "fines"}, "mona"),
        stamp=Stamp(entries[2].device_time, entries[2].monotonic_ns, "r", "2026-11-23"),
    )
    entries[2] = forged
    problem = verify_chain(entries)
    assert problem is not None and problem.seq == 4


def test_tail_verification_from_a_checkpoint() -> None:
    entries = chain(10)
    assert verify_chain(entries[5:], first_seq=6, prev_hash=entries[4].hash) is None
    assert verify_chain(entries[5:], first_seq=6, prev_hash=entries[3].hash) is not None


def test_canonical_payload_is_order_independent_and_refuses_floats() -> None:
    assert canonical_payload({"b": 1, "a": "ج"}) == canonical_payload({"a": "ج", "b": 1})
    assert canonical_payload({"a": "ج"}) == '{"a":"ج"}'
    with pytest.raises(ValueError, match="float"):
        canonical_payload({"amount": 1.5})
    with pytest.raises(ValueError, match="float"):
        canonical_payload({"lines": [{"fee": 0.1}]})
    with pytest.raises(ValueError):
        canonical_payload({"when": object()})
