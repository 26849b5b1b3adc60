"""HQ's side of the evidence: tamper alarms, the window's signed head, and the findings a
window reports about itself.

Every alarm names the window and the sequence number. A window that keeps retrying the
same refused push does not fill the table: an alarm equal to the window's last one (same
kind, same seq) is not written again.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, func, insert, select

from counter_app.domain.heartbeat import HEARTBEAT
from hq import schema as t
from sync.protocol import SignatureError, SignedHead, heartbeat_verifies, utc_now_text, verify

Alarm = tuple[int | None, str, str]  # (seq, kind, detail)


def record_alarm(conn: Connection, workstation_id: str, alarm: Alarm) -> None:
    seq, kind, detail = alarm
    last = conn.execute(
        select(t.tamper_alarms.c.kind, t.tamper_alarms.c.seq)
        .where(t.tamper_alarms.c.workstation_id == workstation_id)
        .order_by(t.tamper_alarms.c.id.desc())
        .limit(1)
    ).first()
    if last is not None and (last.kind, last.seq) == (kind, seq):
        return
    conn.execute(
        insert(t.tamper_alarms).values(
            workstation_id=workstation_id,
            seq=seq,
            kind=kind,
            detail=detail[:2000],
            raised_at=utc_now_text(),
        )
    )


def check_head(
    conn: Connection, workstation_id: str, public_key: str, head: SignedHead, held_seq: int
) -> Alarm | None:
    """The window's signed head against what HQ holds (after this push's entries)."""
    try:
        verify(public_key, head.body(workstation_id), head.signature)
    except SignatureError:
        return (head.seq, "bad_head_signature", "the window's head is not signed by its key")
    if head.seq < held_seq:
        return (
            head.seq,
            "head_backwards",
            f"the window's journal ends at entry {head.seq} but HQ holds entries up to "
            f"{held_seq}: entries HQ holds were removed at the window",
        )
    if head.seq == 0:
        return None
    stored = conn.execute(
        select(t.journal_entries.c.hash).where(
            t.journal_entries.c.workstation_id == workstation_id,
            t.journal_entries.c.seq == head.seq,
        )
    ).scalar_one_or_none()
    if stored is not None and stored != head.hash:
        return (
            head.seq,
            "fork",
            f"the window's entry {head.seq} is not the one HQ holds: its journal forked",
        )
    return None


def window_reports(entries: list[dict[str, Any]]) -> list[Alarm]:
    """What windows found about themselves (`tamper.detected`), as alarms."""
    alarms: list[Alarm] = []
    for entry in entries:
        if entry["entry_type"] != "tamper.detected":
            continue
        try:
            findings = json.loads(entry["payload"]).get("findings", [])
            detail = "; ".join(f"{f['kind']}: {f['detail']}" for f in findings)
        except (ValueError, AttributeError, KeyError, TypeError):
            detail = "(findings unreadable)"
        alarms.append((entry["seq"], "window_reported", detail or "(no findings listed)"))
    return alarms


def heartbeat_alarms(
    conn: Connection, workstation_id: str, public_key: str, entries: list[dict[str, Any]]
) -> list[Alarm]:
    """Every heartbeat HQ receives must be signed by the window's key over its place in
    the journal (`counter_app.domain.heartbeat`); one that is not was forged, or entries
    before it were removed or edited and the chain recomputed before the push."""
    beats = [e for e in entries if e["entry_type"] == HEARTBEAT]
    if not beats:
        return []
    enrolled = [e["seq"] for e in entries if e["entry_type"] == "workstation.enrolled"]
    enrolled_seq = conn.execute(
        select(func.min(t.journal_entries.c.seq)).where(
            t.journal_entries.c.workstation_id == workstation_id,
            t.journal_entries.c.entry_type == "workstation.enrolled",
        )
    ).scalar()
    if enrolled_seq is not None:
        enrolled.append(int(enrolled_seq))
    first_enrolled = min(enrolled, default=None)
    return [
        (
            entry["seq"],
            "bad_heartbeat",
            f"heartbeat {entry['seq']} is not signed by the window's key for its place in "
            "the journal: entries before it were removed or edited, or it was forged",
        )
        for entry in beats
        if not heartbeat_verifies(public_key, workstation_id, entry, first_enrolled)
    ]
