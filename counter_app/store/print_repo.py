"""Print jobs and security sheets: what was sent to which device, and which sheets were used."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from counter_app.store.schema import print_jobs, security_sheets

# What a print job's document becomes after the retention period (DESIGN.md rule 11).
PURGED = '{"purged":true}'
# A job a restore wrote again from its journal entry, which never holds the document.
RESTORED = '{"restored":true}'


@dataclass(frozen=True)
class PrintJobRow:
    id: int
    kind: str
    document: str
    status: str
    copies: int
    last_error: str | None
    sheet_serial: int | None


_JOB_COLUMNS = (
    print_jobs.c.id,
    print_jobs.c.kind,
    print_jobs.c.document,
    print_jobs.c.status,
    print_jobs.c.copies,
    print_jobs.c.last_error,
    print_jobs.c.sheet_serial,
)


class PrintRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_job(self, kind: str, document: str, seq: int, sheet_serial: int | None = None) -> int:
        result = self._conn.execute(
            insert(print_jobs).values(
                kind=kind,
                document=document,
                status="pending",
                copies=0,
                sheet_serial=sheet_serial,
                created_seq=seq,
                last_seq=seq,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def job(self, job_id: int) -> PrintJobRow | None:
        row = self._conn.execute(select(*_JOB_COLUMNS).where(print_jobs.c.id == job_id)).first()
        return None if row is None else PrintJobRow(*row)

    def set_status(
        self,
        job_id: int,
        status: str,
        seq: int,
        *,
        error: str | None = None,
        copies: int | None = None,
        sheet_serial: int | None = None,
    ) -> None:
        values: dict[str, object] = {"status": status, "last_seq": seq, "last_error": error}
        if copies is not None:
            values["copies"] = copies
        if sheet_serial is not None:
            values["sheet_serial"] = sheet_serial
        self._conn.execute(update(print_jobs).where(print_jobs.c.id == job_id).values(**values))

    def assign_sheet(self, job_id: int, serial: int) -> None:
        """Name the sheet a job is to print on (a restore writing a job again)."""
        self._conn.execute(
            update(print_jobs).where(print_jobs.c.id == job_id).values(sheet_serial=serial)
        )

    def purge_documents(self, up_to_seq: int) -> int:
        """Forget what finished jobs printed (names, national IDs, plates) once their last
        entry is at or before `up_to_seq`: the job, its status and its sheet stay."""
        result = self._conn.execute(
            update(print_jobs)
            .where(
                print_jobs.c.last_seq <= up_to_seq,
                print_jobs.c.status.in_(("printed", "failed")),
                print_jobs.c.document != PURGED,
            )
            .values(document=PURGED)
        )
        return int(result.rowcount or 0)

    def unfinished(self) -> list[PrintJobRow]:
        rows = self._conn.execute(
            select(*_JOB_COLUMNS).where(print_jobs.c.status != "printed").order_by(print_jobs.c.id)
        )
        return [PrintJobRow(*row) for row in rows]

    # ---- security paper ---------------------------------------------------------------

    def load_sheets(self, first: int, last: int, seq: int) -> int:
        known = self._conn.execute(
            select(func.count()).where(security_sheets.c.serial.between(first, last))
        ).scalar_one()
        if known:
            raise ValueError("some of these sheets are already in the stock")
        self._conn.execute(
            insert(security_sheets),
            [
                {"serial": serial, "status": "loaded", "last_seq": seq}
                for serial in range(first, last + 1)
            ],
        )
        return last - first + 1

    def next_sheet(self) -> int | None:
        return self._conn.execute(
            select(func.min(security_sheets.c.serial)).where(security_sheets.c.status == "loaded")
        ).scalar()

    def sheet_status(self, serial: int) -> str | None:
        return self._conn.execute(
            select(security_sheets.c.status).where(security_sheets.c.serial == serial)
        ).scalar()

    def mark_sheet(self, serial: int, status: str, job_id: int, seq: int) -> None:
        self._conn.execute(
            update(security_sheets)
            .where(security_sheets.c.serial == serial)
            .values(status=status, job_id=job_id, last_seq=seq)
        )

    def sheet_counts(self) -> dict[str, int]:
        rows = self._conn.execute(
            select(security_sheets.c.status, func.count()).group_by(security_sheets.c.status)
        )
        return {str(status): int(count) for status, count in rows}
