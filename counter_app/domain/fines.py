"""The fines policy: when an offline payment may be taken against a cached inquiry."""

from __future__ import annotations

from datetime import datetime, timedelta

from counter_app.domain.errors import InputError


def age_text(age: timedelta) -> tuple[str, str]:
    """How old an answer is, plainly, in Arabic and English."""
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 60:
        return f"منذ {minutes} دقيقة", f"{minutes} minute(s) ago"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"منذ {hours} ساعة و{minutes} دقيقة", f"{hours} h {minutes} min ago"
    return f"منذ {hours // 24} يوم", f"{hours // 24} days ago"


def check_provisional(inquired_at: datetime, now: datetime, limit_hours: int) -> None:
    """Refuse an offline payment against an inquiry older than the catalogue's limit."""
    age = now - inquired_at
    if age > timedelta(hours=limit_hours):
        ago_ar, ago_en = age_text(age)
        raise InputError(
            "inquiry_age",
            f"آخر استعلام محفوظ كان {ago_ar}، والحد {limit_hours} ساعة: لا يمكن السداد دون "
            "اتصال بالمركز. اطلب من المواطن العودة أو انتظر عودة الاتصال.",
            f"The last saved inquiry was {ago_en}; the limit is {limit_hours} h: fines cannot "
            "be paid without HQ. Ask the citizen to come back, or wait for the link.",
        )
