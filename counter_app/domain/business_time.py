"""Business time: the business day is the calendar date in Africa/Cairo.

zoneinfo reads the IANA database; the `tzdata` package supplies it on Windows, where
the OS has none, so Cairo's daylight-saving rules are the same at every window.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CAIRO = ZoneInfo("Africa/Cairo")


def business_day(instant: datetime) -> date:
    """The Cairo calendar date of an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("business_day needs an aware datetime")
    return instant.astimezone(CAIRO).date()


def iso_utc(instant: datetime) -> str:
    """The instant as ISO 8601 in UTC with microseconds, as stored in the journal."""
    if instant.tzinfo is None:
        raise ValueError("iso_utc needs an aware datetime")
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


def cairo_local(instant: datetime) -> datetime:
    """The instant in Cairo local time, for display and printing."""
    return instant.astimezone(CAIRO)
