"""Evidence an insider cannot quietly remove: what the window compares, and what it found.

A hash chain alone can be recomputed by anyone who can write the database. So after every
commit the window seals its head (last seq and hash), signed with the workstation's key
from the keyring, in a file beside the database; at start it compares the seal with the
stored journal. A journal that ends before its seal lost entries (deleted, or a WAL cut
off); one whose entry at the sealed seq has another hash was rewritten. Business rows
are compared with the journal entries that changed them, and HQ's key with the copy
kept in the keyring (DESIGN.md rule 3).

A finding is never repaired: it is journaled (`tamper.detected`), shown, and new
operations wait until a supervisor acknowledges it (`tamper.acknowledged`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DETECTED = "tamper.detected"
ACKNOWLEDGED = "tamper.acknowledged"


@dataclass(frozen=True)
class SealedHead:
    """The head the window last committed, as sealed outside the database."""

    workstation_id: str
    seq: int
    hash: str
    signature: str = ""  # Ed25519 over `body()`; empty before the window is enrolled

    def body(self) -> dict[str, Any]:
        return {"workstation_id": self.workstation_id, "seq": self.seq, "hash": self.hash}


@dataclass(frozen=True)
class Finding:
    """One thing the window found that only tampering (or a damaged disk) explains."""

    kind: str
    detail_en: str
    detail_ar: str
    seq: int | None = None

    def describe(self) -> str:
        return f"{self.detail_en}\n{self.detail_ar}"

    def as_payload(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "detail": self.detail_en}


def compare_seal(
    seal: SealedHead, workstation_id: str, head_seq: int, hash_at_seal: str | None
) -> Finding | None:
    """The seal against the stored journal: its head seq, and the stored hash at the
    sealed seq (None when the journal has no such entry). A journal ahead of its seal is
    normal (a seal is written just after each commit, and a crash can come between)."""
    if seal.workstation_id != workstation_id:
        return Finding(
            "seal_foreign",
            f"the seal belongs to workstation {seal.workstation_id}, not {workstation_id}",
            f"الختم يخص محطة أخرى ({seal.workstation_id})",
        )
    if head_seq < seal.seq:
        return Finding(
            "entries_missing",
            f"the journal ends at entry {head_seq} but entry {seal.seq} was committed and "
            f"sealed: {seal.seq - head_seq} entries are missing (deleted, or the WAL cut off)",
            f"السجل ينتهي عند القيد {head_seq} بينما خُتم القيد {seal.seq}: "
            f"{seal.seq - head_seq} قيود مفقودة",
            seq=head_seq + 1,
        )
    if seal.seq and hash_at_seal != seal.hash:
        return Finding(
            "journal_rewritten",
            f"entry {seal.seq} is not the one that was sealed: the journal was rewritten",
            f"القيد {seal.seq} ليس القيد الذي خُتم: أعيدت كتابة السجل",
            seq=seal.seq,
        )
    return None


def findings_payload(findings: list[Finding]) -> dict[str, Any]:
    return {"findings": [f.as_payload() for f in findings]}
