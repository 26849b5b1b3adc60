"""Verifying the stored journal: recompute every hash and every link, name the first break."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from counter_app.domain.journal import ChainProblem, JournalEntry, verify_chain
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


def verify_journal(db: Database) -> JournalReport:
    """Walk the whole journal in seq order inside one read snapshot."""
    count, last_seq, last_hash = 0, 0, ""
    with db.read() as tx:

        def counted() -> Iterator[JournalEntry]:
            nonlocal count, last_seq, last_hash
            for entry in tx.journal.entries():
                count += 1
                last_seq, last_hash = entry.seq, entry.hash
                yield entry

        problem = verify_chain(counted())
    return JournalReport(count, last_seq, last_hash, problem)
