"""Verifying the stored journal: recompute every hash and every link, name the first break."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from counter_app.domain.journal import GENESIS_HASH, ChainProblem, JournalEntry, verify_chain
from counter_app.store import Database


@dataclass(frozen=True)
class JournalReport:
    entries: int
    last_seq: int
    last_hash: str
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_journal(db: Database, after_seq: int = 0, prev_hash: str | None = None) -> JournalReport:
    """Walk the journal in seq order inside one read snapshot: all of it, or the tail after
    a checkpoint (`after_seq` whose hash was `prev_hash`) verified before."""
    with db.read() as tx:
        if prev_hash is None:  # from the chain's start: genesis, or a replacement's base
            base_seq, base_hash = tx.journal.base()
            if after_seq <= base_seq:
                after_seq, prev_hash = base_seq, base_hash
        count, last_seq, last_hash = 0, after_seq, prev_hash or ""

        def counted() -> Iterator[JournalEntry]:
            nonlocal count, last_seq, last_hash
            for entry in tx.journal.entries(after_seq=after_seq):
                count += 1
                last_seq, last_hash = entry.seq, entry.hash
                yield entry

        problem = verify_chain(
            counted(), first_seq=after_seq + 1, prev_hash=prev_hash or GENESIS_HASH
        )
    return JournalReport(count, last_seq, last_hash, problem)
