"""Clocks: the system clock for real use, a simulated one for `simulate` and tests.

Each journal entry gets the wall-clock time (may be wrong or jump) and a monotonic
reading (cannot jump, but restarts with the process: hence the run id).
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Protocol

from counter_app.domain.business_time import business_day, iso_utc
from counter_app.domain.journal import Stamp


class Clock(Protocol):
    def now(self) -> datetime: ...

    def stamp(self) -> Stamp: ...


class SystemClock:
    def __init__(self) -> None:
        self.run_id = str(uuid.uuid4())

    def now(self) -> datetime:
        return datetime.now(UTC)

    def stamp(self) -> Stamp:
        instant = self.now()
        return Stamp(
            device_time=iso_utc(instant),
            monotonic_ns=time.monotonic_ns(),
            run_id=self.run_id,
            business_day=business_day(instant).isoformat(),
        )


class SimulatedClock:
    """A clock that only moves when told to, for seeded simulations."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs an aware start time")
        self._now = start
        self._monotonic_ns = 0
        self.run_id = str(uuid.uuid4())

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        self._monotonic_ns += int(seconds * 1e9)

    def set(self, instant: datetime) -> None:
        """Move the wall clock to `instant`, forwards or backwards, as a clock correction
        would; the monotonic reading only ever moves forwards."""
        delta = (instant - self._now).total_seconds()
        self._now = instant
        self._monotonic_ns += int(max(delta, 0.001) * 1e9)

    def stamp(self) -> Stamp:
        return Stamp(
            device_time=iso_utc(self._now),
            monotonic_ns=self._monotonic_ns,
            run_id=self.run_id,
            business_day=business_day(self._now).isoformat(),
        )
