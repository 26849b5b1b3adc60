"""Business rows read against the journal entries that changed them.

Every ticket and security sheet names, in `last_seq`, the journal entry that last saved
it. An outcome edited in the table (a no-show turned into served, a used sheet set back
to loaded) no longer agrees with that entry, or with the entries the journal holds for
it: these queries list each disagreement. They read; they never repair.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# The append-only triggers created by migration 0001: without them the table can be
# edited in place, so their absence is itself a finding.
JOURNAL_TRIGGERS = ("journal_no_update", "journal_no_delete")

# A ticket's outcome and the entry that must have set it.
_TICKET_OUTCOMES = {"served": ("ticket.served", "ticket.rated"), "no_show": ("ticket.no_show",)}
_OUTCOME_ENTRIES = ("ticket.served", "ticket.no_show", "ticket.rated")

_TICKETS_SQL = text(
    "SELECT t.business_day, t.label, t.status, t.last_seq, j.entry_type, "
    "json_extract(j.payload, '$.label') "
    "FROM queue_tickets t LEFT JOIN journal_entries j ON j.seq = t.last_seq "
    "WHERE t.status IN ('served', 'no_show') "
    "OR j.entry_type IN ('ticket.served', 'ticket.no_show', 'ticket.rated')"
)
_SHEETS_SQL = text(
    "SELECT s.serial, s.status, s.last_seq, j.entry_type, "
    "json_extract(j.payload, '$.first'), json_extract(j.payload, '$.last') "
    "FROM security_sheets s LEFT JOIN journal_entries j ON j.seq = s.last_seq"
)
# The last word the journal has on each sheet that was printed on or spoiled.
_SHEET_ENTRIES_SQL = text(
    "SELECT json_extract(payload, '$.serial'), entry_type FROM journal_entries "
    "WHERE entry_type IN ('sheet.used', 'sheet.spoiled') ORDER BY seq"
)


class EvidenceRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def missing_triggers(self) -> list[str]:
        rows = self._conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        present = {str(r[0]) for r in rows}
        return [name for name in JOURNAL_TRIGGERS if name not in present]

    def ticket_disagreements(self) -> list[tuple[str, str, int]]:
        """(day/label, what disagrees, seq) for each finished ticket whose outcome is not
        the one its last journal entry recorded."""
        found = []
        for day, label, status, last_seq, entry_type, entry_label in self._conn.execute(
            _TICKETS_SQL
        ):
            name = f"{day}/{label}"
            expected = _TICKET_OUTCOMES.get(status)
            if entry_type is None or entry_label != label:
                found.append((name, f"its entry {last_seq} does not name it", last_seq))
            elif (expected is not None and entry_type not in expected) or (
                expected is None and entry_type in _OUTCOME_ENTRIES
            ):
                found.append((name, f"is {status} but entry {last_seq} is {entry_type}", last_seq))
        return found

    def sheet_disagreements(self) -> list[tuple[int, str, int]]:
        """(serial, what disagrees, seq) for each security sheet whose state the journal
        does not explain."""
        final: dict[int, str] = {}
        for serial, entry_type in self._conn.execute(_SHEET_ENTRIES_SQL):
            if isinstance(serial, int):
                final[serial] = entry_type.split(".", 1)[1]
        found = []
        for serial, status, last_seq, entry_type, first, last in self._conn.execute(_SHEETS_SQL):
            recorded = final.pop(serial, None)
            if recorded is not None and recorded != status:
                found.append((serial, f"is {status} but the journal has it {recorded}", last_seq))
            elif recorded is None and status in ("used", "spoiled"):
                found.append((serial, f"is {status} but no entry says so", last_seq))
            elif status == "loaded" and not (
                entry_type == "sheets.loaded"
                and isinstance(first, int)
                and isinstance(last, int)
                and first <= serial <= last
            ):
                found.append((serial, f"is loaded but entry {last_seq} did not load it", last_seq))
        for serial, recorded in final.items():
            found.append((serial, f"is {recorded} in the journal but not in the stock", 0))
        return found
