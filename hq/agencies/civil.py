"""The civil registry's records (birth, death, marriage, divorce) for extracts printed at
the window: the adapter interface and the SIMULATED civil registry.

The simulator answers deterministically from the national ID: everyone has a birth record
(the birth date and governorate are the national ID's own), and some people have
marriage, divorce or death records. It is not a real agency.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from counter_app.domain import national_id
from sync.protocol import CivilRecord, utc_now_text

RECORD_KINDS = ("birth", "death", "marriage", "divorce")
_NAMES = ("محمد", "أحمد", "محمود", "علي", "حسن", "مصطفى", "إبراهيم", "يوسف")
_WOMEN = ("فاطمة", "مريم", "زينب", "نور", "سارة", "هدى", "منى", "آمنة")
_HAS = {"birth": 256, "marriage": 160, "divorce": 40, "death": 20}  # out of 256


class CivilRegistry(Protocol):
    name: str

    def record(self, kind: str, number: str) -> CivilRecord | None: ...


class SimulatedCivilRegistry:
    """A stand-in for the civil registry's system, for demos and tests only."""

    name = "SIMULATED civil registry"

    def record(self, kind: str, number: str) -> CivilRecord | None:
        person = national_id.parse(number)
        seed = hashlib.sha256(f"{kind}|{number}".encode()).digest()
        if seed[0] >= _HAS[kind]:
            return None
        names = hashlib.sha256(number.encode()).digest()  # the same person in every record
        male = person.gender is national_id.Gender.MALE
        first = (_NAMES if male else _WOMEN)[names[1] % 8]
        father, grandfather = _NAMES[names[2] % 8], _NAMES[names[3] % 8]
        full = f"{first} {father} {grandfather}"
        place = person.governorate_ar
        facts: list[tuple[str, str]] = [("الاسم", full)]
        if kind == "birth":
            facts += [
                ("تاريخ الميلاد", person.birth_date.strftime("%Y/%m/%d")),
                ("محل الميلاد", place),
                ("اسم الأب", f"{father} {grandfather}"),
                ("اسم الأم", f"{_WOMEN[names[4] % 8]} {_NAMES[names[5] % 8]}"),
                ("النوع", person.gender.label_ar),
            ]
        elif kind in ("marriage", "divorce"):
            spouse = (_WOMEN if male else _NAMES)[seed[6] % 8] + " " + _NAMES[seed[7] % 8]
            year = max(person.birth_date.year + 20, 2000) + seed[8] % 20
            facts += [
                ("اسم الزوج الآخر", spouse),
                (
                    "تاريخ الواقعة",
                    f"{min(year, 2025)}/{1 + seed[9] % 12:02d}/{1 + seed[10] % 28:02d}",
                ),
                ("جهة التسجيل", f"سجل مدني {place}"),
            ]
        else:
            facts += [
                ("تاريخ الوفاة", f"2025/{1 + seed[9] % 12:02d}/{1 + seed[10] % 28:02d}"),
                ("محل الوفاة", place),
            ]
        return CivilRecord(
            kind=kind,
            national_id=number,
            registry_number=f"{seed[11] * 256 + seed[12]:05d}/{2000 + seed[13] % 25}",
            facts=[list(f) for f in facts],
            source=self.name,
            as_of=utc_now_text(),
        )
