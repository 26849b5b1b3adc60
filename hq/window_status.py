"""What HQ knows of each window between its pushes, for the office dashboard: when it last
made contact (the first call of each sync), its clock against HQ's then, and the head of
its journal at its last push (entries waiting = that head - what HQ holds), which the
ingest writes in its own transaction."""

from __future__ import annotations

from datetime import UTC, datetime

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


def contact(window_time: str) -> dict[str, object]:
    """The workstation columns a sync's first call sets: when, and the clock offset if the
    window said its time (service.head writes them in the same statement as it reads)."""
    values: dict[str, object] = {"last_sync_at": utc_now_text()}
    offset = clock_offset_ms(window_time) if window_time else None
    if offset is not None and abs(offset) < 10 * 365 * 86_400_000:
        values["clock_offset_ms"] = offset
    return values
