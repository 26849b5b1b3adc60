"""What HQ knows of each window between its pushes, for the office dashboard: when it last
made contact (the first call of each sync), its clock against HQ's then, and the head of
its journal at its last push (entries waiting = that head - what HQ holds)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, update

from hq import schema as t
from sync.protocol import utc_now_text


def clock_offset_ms(window_time: str, now: datetime | None = None) -> int | None:
    """The window's clock minus HQ's, from the window's `X-Window-Time` header."""
    try:
        said = datetime.fromisoformat(window_time)
    except ValueError:
        return None
    if said.tzinfo is None:
        return None
    offset = said - (now or datetime.now(UTC))
    return round(offset.total_seconds() * 1000)


def note_contact(engine: Engine, workstation_id: str, window_time: str) -> None:
    values: dict[str, object] = {"last_sync_at": utc_now_text()}
    offset = clock_offset_ms(window_time) if window_time else None
    if offset is not None and abs(offset) < 10 * 365 * 86_400_000:
        values["clock_offset_ms"] = offset
    with engine.begin() as conn:
        conn.execute(
            update(t.workstations).where(t.workstations.c.id == workstation_id).values(**values)
        )


def note_head(engine: Engine, workstation_id: str, head_seq: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(t.workstations)
            .where(t.workstations.c.id == workstation_id)
            .values(reported_head_seq=head_seq)
        )
