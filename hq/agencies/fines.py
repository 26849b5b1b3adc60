"""Traffic fines: the adapter interface and the SIMULATED traffic prosecution.

The simulator answers deterministically from the query (national ID, plate or licence
number), so demos and tests see the same fines every time. It is not a real agency.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Protocol

from sync.protocol import Fine, FinesAnswer, utc_now_text

_VIOLATIONS = (
    ("تجاوز السرعة المقررة", "Speeding", 30000),
    ("الانتظار في الممنوع", "Parking where prohibited", 10000),
    ("عدم ربط حزام الأمان", "No seat belt", 5000),
    ("استخدام الهاتف أثناء القيادة", "Using a phone while driving", 20000),
    ("كسر إشارة المرور", "Running a red light", 50000),
)
_PLACES = ("القاهرة", "الجيزة", "أسوان", "الإسكندرية", "طريق مصر أسوان الزراعي")
_PLATE_LETTERS = "أبجدرسصطعفقلمنهوى"


class FinesAdapter(Protocol):
    name: str

    def inquire(
        self, *, national_id: str = "", plate: str = "", licence: str = ""
    ) -> FinesAnswer: ...


class SimulatedTrafficProsecution:
    """A stand-in for the traffic prosecution's system, for demos and tests only."""

    name = "SIMULATED traffic prosecution"

    def inquire(self, *, national_id: str = "", plate: str = "", licence: str = "") -> FinesAnswer:
        query = national_id or plate or licence
        if not query:
            raise ValueError("a fines inquiry needs a national ID, a plate or a licence number")
        digest = hashlib.sha256(query.encode()).digest()
        count = digest[0] % 4  # 0 to 3 fines
        fines = []
        for index in range(count):
            violation = _VIOLATIONS[digest[index + 1] % len(_VIOLATIONS)]
            day = date(2026, 1, 1) + timedelta(days=digest[index + 5] + index * 30)
            plate_text = (
                plate
                or f"{_PLATE_LETTERS[digest[9] % 17]} {_PLATE_LETTERS[digest[10] % 17]} "
                f"{100 + digest[11] * 3}"
            )
            fines.append(
                Fine(
                    fine_id=f"SIM-{digest.hex()[:8].upper()}-{index + 1}",
                    violation_ar=violation[0],
                    violation_en=violation[1],
                    date=day.isoformat(),
                    place=_PLACES[digest[index + 12] % len(_PLACES)],
                    plate=plate_text,
                    amount_piastres=violation[2],
                )
            )
        return FinesAnswer(
            query=query,
            fines=fines,
            total_piastres=sum(f.amount_piastres for f in fines),
            source=self.name,
            as_of=utc_now_text(),
        )
