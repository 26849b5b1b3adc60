"""The window's day report: the day's figures from its journal entries (the same rule HQ
uses, `domain.day_figures`), the shifts' closes, the day close's state and, for every range
of the day's entries, whether HQ has acknowledged it."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from counter_app.domain.day_figures import DayEntry, day_figures, serial_ranges
from counter_app.domain.errors import InputError
from counter_app.services.config import CounterConfig
from counter_app.services.day_close import DayCloseService
from counter_app.services.recorder import UnitOfWork


def parse_day(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise InputError(
            "day",
            f"«{text}» ليس تاريخًا: اكتب مثل 2026-11-29",
            f"'{text}' is not a date: 2026-11-29",
        ) from None


class DayReportService:
    def __init__(self, uow: UnitOfWork, config: CounterConfig, close: DayCloseService) -> None:
        self._uow = uow
        self._config = config
        self._close = close

    def report(self, day: str = "") -> dict[str, Any]:
        day = parse_day(day) if day else self._close.today()
        with self._uow.db.read() as tx:
            entries = [
                DayEntry(
                    e.seq,
                    e.entry_type,
                    json.loads(e.payload),
                    e.clerk,
                    datetime.fromisoformat(e.device_time),
                )
                for e in tx.journal.on_day(day)
            ]
        figures = day_figures(entries, self._config.queue.target_wait_minutes)
        state = self._close.state(day)
        ranges = self._close.ranges(day)
        confirmed = state.status == "confirmed"
        return {
            "office": self._config.office.code,
            "office_ar": self._config.office.name_ar,
            "office_en": self._config.office.name_en,
            "window": self._config.window.number,
            "workstation": self._config.workstation_id,
            "business_day": day,
            "status": state.status,
            "closed_and_confirmed": confirmed,
            "close_step": state.step,
            "close_reason_ar": state.reason_ar,
            "close_reason_en": state.reason_en,
            "backup": state.backup,
            "entries": len(entries),
            "first_seq": entries[0].seq if entries else 0,
            "last_seq": entries[-1].seq if entries else 0,
            "acked_seq": self._uow.acked_seq,
            "ranges": ranges,
            "waiting": sum(
                int(r["last"]) - int(r["first"]) + 1 for r in ranges if not r["acknowledged"]
            ),
            "sheet_ranges": {
                kind: serial_ranges(serials) for kind, serials in figures["sheets"].items()
            },
            **figures,
        }
