"""Queue figures at HQ: an office's day rebuilt from the ticket entries its workstations
synced (the host's, and each window's own while the host was away), by the same rules the
window uses (`counter_app.domain.queue.replay` and `figures`)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from counter_app.domain.queue import TicketEvent, figures_report, replay
from hq.schema import journal_entries as j
from hq.schema import workstations as w


def office_day_figures(
    conn: Connection, office: str, day: str, target_wait_min: float = 20
) -> dict[str, Any]:
    """The day's figures (see `figures_report`) from the entries HQ holds."""
    rows = conn.execute(
        select(j.c.entry_type, j.c.payload, j.c.clerk, j.c.device_time)
        .join(w, w.c.id == j.c.workstation_id)
        .where(
            w.c.office_code == office,
            j.c.business_day == day,
            j.c.entry_type.like("ticket.%"),
        )
        .order_by(j.c.device_time, j.c.workstation_id, j.c.seq)
    )
    events = [TicketEvent(r[0], json.loads(r[1]), r[2], datetime.fromisoformat(r[3])) for r in rows]
    return figures_report(replay(events), target_wait_min)
