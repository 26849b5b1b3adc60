"""Heartbeats: while a shift is open the window journals a signed `shift.heartbeat` every
few minutes, so that a stretch of the day with no entries at all is visible afterwards.

Each heartbeat is signed with the workstation's key over its own place in the journal
(seq, the previous entry's hash, its time and its shift). Deleting or editing anything
before a heartbeat, and recomputing the chain, leaves that heartbeat's signature wrong;
deleting the heartbeats too leaves a silent gap between the marks that remain. Only the
holder of the key can fill a gap (DESIGN.md rule 3; docs/threat-model.md).

A gap is not itself proof of tampering: a window that was switched off or crashed with
a shift open is silent too. It is shown (day report, HQ's figures) for a supervisor to
explain, never held against operations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

HEARTBEAT = "shift.heartbeat"
INTERVAL = timedelta(minutes=5)
# One missed beat is tolerated (a long print job, a slow disk); two are a silent gap.
SILENT_AFTER = 2 * INTERVAL + timedelta(minutes=1)


def heartbeat_body(
    workstation_id: str, seq: int, prev_hash: str, device_time: str, shift: int
) -> dict[str, Any]:
    """What a heartbeat's signature covers: where it stands in the journal, and when."""
    return {
        "type": HEARTBEAT,
        "workstation_id": workstation_id,
        "seq": seq,
        "prev_hash": prev_hash,
        "device_time": device_time,
        "shift": shift,
    }


def shift_of(entry_type: str, payload: Mapping[str, Any], seq: int) -> int | None:
    """The shift an entry marks, named by the seq of its `shift.opened` entry, or None
    for entries that are not a shift's marks."""
    if entry_type == "shift.opened":
        return seq
    if entry_type == HEARTBEAT:
        return int(payload.get("shift", 0)) or None
    if entry_type == "shift.closed":
        return int(payload.get("first_seq", 0)) - 1 or None
    return None


@dataclass(frozen=True)
class Mark:
    """One of a shift's marks: its opening, a heartbeat, its close."""

    window: str
    shift: int
    seq: int
    clerk: str
    time: datetime  # aware, as the window's wall clock said


@dataclass(frozen=True)
class SilentGap:
    """A stretch of an open shift with no heartbeat: between two marks of one shift."""

    window: str
    clerk: str
    after_seq: int
    before_seq: int
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def as_payload(self) -> dict[str, Any]:
        return {
            "window": self.window,
            "clerk": self.clerk,
            "after_seq": self.after_seq,
            "before_seq": self.before_seq,
            "from": self.start.isoformat(timespec="seconds"),
            "to": self.end.isoformat(timespec="seconds"),
            "minutes": self.minutes,
        }


def silent_gaps(marks: Iterable[Mark], limit: timedelta = SILENT_AFTER) -> list[SilentGap]:
    """Gaps longer than `limit` between consecutive marks (in journal order) of each
    shift. A wall clock set back gives a negative step, which is not a gap."""
    shifts: dict[tuple[str, int], list[Mark]] = defaultdict(list)
    for mark in marks:
        shifts[(mark.window, mark.shift)].append(mark)
    gaps: list[SilentGap] = []
    for rows in shifts.values():
        rows.sort(key=lambda m: m.seq)
        for before, after in pairwise(rows):
            if after.time - before.time > limit:
                gaps.append(
                    SilentGap(
                        before.window, after.clerk, before.seq, after.seq, before.time, after.time
                    )
                )
    gaps.sort(key=lambda g: (g.start, g.window))
    return gaps
