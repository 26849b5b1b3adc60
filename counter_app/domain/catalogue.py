"""The service catalogue: what a window offers, as data, checked before anything uses it.

HQ authors the catalogue and sends it down signed; a default ships in
`resources/catalogue/` so a new or offline window has one. Every other part of the
program learns which services exist, their fees, fields, offline policy and supervisor
actions from here: nothing else lists services.

`parse_catalogue(data)` returns a `Catalogue` or raises `CatalogueError` naming every bad
field by its dotted path (``services[3].fees[0].piastres``), in Arabic and English.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from counter_app.domain.errors import BilingualError, InputError
from counter_app.domain.money import MAX_AMOUNT_PIASTRES, Money

KINDS = ("fines", "certificate", "request", "verification", "tracking", "fee")
OFFLINE_POLICIES = ("full", "provisional", "deliver_later", "refused")
FIELD_TYPES = (
    "plate",
    "licence",
    "mobile",
    "postal_address",
    "relation",
    "date",
    "count",
    "grounds",
    "fines",
    "photo",
)
SUPERVISOR_ACTIONS = ("void", "reprint", "refund")

Kind = Literal["fines", "certificate", "request", "verification", "tracking", "fee"]
OfflinePolicy = Literal["full", "provisional", "deliver_later", "refused"]
FieldType = Literal[
    "plate",
    "licence",
    "mobile",
    "postal_address",
    "relation",
    "date",
    "count",
    "grounds",
    "fines",
    "photo",
]
SupervisorAction = Literal["void", "reprint", "refund"]
IdentityNeed = Literal["national_id", "passport", "none"]


class CatalogueError(BilingualError, ValueError):
    """The catalogue is not usable; `problems` lists each bad field as (path, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        listing = "\n".join(f"  {path}: {message}" for path, message in problems)
        super().__init__(
            "catalogue",
            f"دليل الخدمات غير صالح ({len(problems)} خطأ):\n{listing}",
            f"The service catalogue is not valid ({len(problems)} problem(s)):\n{listing}",
        )
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


class _Names(_Strict):
    name_ar: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)

    @field_validator("name_ar", "name_en")
    @classmethod
    def _tidy(cls, value: str) -> str:
        return _clean(value)


# The Arabic letters a ticket may carry (spoken by name at the call).
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


class _QueueGroup(_Names):
    code: str = Field(pattern=r"^[A-Z]$")  # the group's key (Latin, for files and HQ)
    # The letter printed and called ("ب ١٢٣"); the code when absent.
    letter_ar: str = Field(default="", pattern=f"^[{ARABIC_LETTERS}]?$")


class _Fee(_Names):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,31}$")
    piastres: int = Field(ge=0, le=MAX_AMOUNT_PIASTRES)
    source: str = Field(min_length=1, max_length=200)  # who set it (or "placeholder")
    optional: bool = False  # e.g. express delivery, chosen by the citizen


class _Service(_Names):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,31}$")
    group: str = Field(pattern=r"^[A-Z]$")
    section_ar: str = Field(min_length=1, max_length=60)
    section_en: str = Field(min_length=1, max_length=60)
    authority: str = Field(min_length=1, max_length=60)
    kind: Kind
    fees: list[_Fee] = Field(max_length=10)
    identity: IdentityNeed
    fields: list[FieldType] = Field(default_factory=list, max_length=len(FIELD_TYPES))
    offline: OfflinePolicy
    offline_age_hours: int = Field(default=24, ge=1, le=24 * 7)
    documents: list[Literal["receipt", "certificate", "request_slip"]] = Field(min_length=1)
    certificate_valid_days: int = Field(default=0, ge=0, le=3650)
    supervisor: list[SupervisorAction] = Field(default_factory=list)


class _Catalogue(_Strict):
    version_label: str = Field(min_length=1, max_length=60)
    queue_groups: list[_QueueGroup] = Field(min_length=1, max_length=26)
    services: list[_Service] = Field(min_length=1, max_length=500)


@dataclass(frozen=True)
class Fee:
    code: str
    name_ar: str
    name_en: str
    amount: Money
    source: str
    optional: bool


@dataclass(frozen=True)
class QueueGroup:
    code: str
    name_ar: str
    name_en: str
    letter_ar: str = ""


@dataclass(frozen=True)
class Service:
    code: str
    name_ar: str
    name_en: str
    group: str
    section_ar: str
    section_en: str
    authority: str
    kind: str
    fees: tuple[Fee, ...]
    identity: str
    fields: tuple[str, ...]
    offline: str
    offline_age_hours: int
    documents: tuple[str, ...]
    certificate_valid_days: int
    supervisor: frozenset[str]

    def name(self, lang: str) -> str:
        return self.name_ar if lang == "ar" else self.name_en

    @property
    def fixed_fees(self) -> tuple[Fee, ...]:
        return tuple(fee for fee in self.fees if not fee.optional)

    def matches(self, text: str) -> bool:
        """Whether a picker search (Arabic or English name, code; any case) finds this."""
        wanted = _fold(text)
        return not wanted or any(
            wanted in _fold(value)
            for value in (self.code, self.name_ar, self.name_en, self.section_ar, self.section_en)
        )


@dataclass(frozen=True)
class Catalogue:
    version_label: str
    queue_groups: tuple[QueueGroup, ...]
    services: tuple[Service, ...]

    def service(self, code: str) -> Service:
        for service in self.services:
            if service.code == code:
                return service
        raise InputError(
            "service",
            f"الخدمة «{code}» غير موجودة في الدليل",
            f"No service '{code}' in the catalogue",
        )

    def group(self, code: str) -> QueueGroup:
        for group in self.queue_groups:
            if group.code == code:
                return group
        raise InputError(
            "queue_group", f"لا توجد مجموعة انتظار «{code}»", f"There is no queue group '{code}'"
        )

    def search(self, text: str) -> list[Service]:
        """The services a picker shows for `text`, grouped by section, catalogue order within."""
        found = [s for s in self.services if s.matches(text)]
        sections = list(dict.fromkeys(s.section_en for s in self.services))
        return sorted(found, key=lambda s: sections.index(s.section_en))


_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "ـ": ""})


def _fold(text: str) -> str:
    """Search folding: case, hamza forms, taa marbuta, alif maqsura and tatweel ignored."""
    return _clean(text).casefold().translate(_ARABIC_FOLD)


def _path(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def parse_catalogue(data: Any) -> Catalogue:
    """Check a catalogue document and return it, or raise `CatalogueError` naming each field."""
    try:
        raw = _Catalogue.model_validate(data)
    except ValidationError as exc:
        raise CatalogueError([(_path(e["loc"]), e["msg"]) for e in exc.errors()]) from exc
    problems = _cross_checks(raw)
    if problems:
        raise CatalogueError(problems)
    return Catalogue(
        version_label=raw.version_label,
        queue_groups=tuple(
            QueueGroup(g.code, g.name_ar, g.name_en, g.letter_ar or g.code)
            for g in raw.queue_groups
        ),
        services=tuple(_service(s) for s in raw.services),
    )


def _cross_checks(raw: _Catalogue) -> list[tuple[str, str]]:
    """What one field cannot say alone: duplicates, unknown groups, kinds and their policy."""
    problems: list[tuple[str, str]] = []
    group_codes = [g.code for g in raw.queue_groups]
    for index, code in enumerate(group_codes):
        if group_codes.index(code) != index:
            problems.append((f"queue_groups[{index}].code", f"'{code}' is listed twice"))
    seen: dict[str, int] = {}
    for index, service in enumerate(raw.services):
        where = f"services[{index}]"
        if service.code in seen:
            problems.append(
                (
                    f"{where}.code",
                    f"'{service.code}' is already services[{seen[service.code]}]",
                )
            )
        seen.setdefault(service.code, index)
        if service.group not in group_codes:
            problems.append((f"{where}.group", f"'{service.group}' is not a queue group"))
        fee_codes = [fee.code for fee in service.fees]
        if len(set(fee_codes)) != len(fee_codes):
            problems.append((f"{where}.fees", "a fee code is listed twice"))
        if len(set(service.fields)) != len(service.fields):
            problems.append((f"{where}.fields", "a field is listed twice"))
        if service.kind == "fines" and service.offline not in ("provisional", "refused"):
            problems.append((f"{where}.offline", "fines are paid online, provisional or refused"))
        if service.kind == "certificate":
            if "certificate" not in service.documents:
                problems.append(
                    (
                        f"{where}.documents",
                        "a certificate service prints a certificate",
                    )
                )
            if service.offline not in ("refused", "deliver_later"):
                problems.append((f"{where}.offline", "a certificate needs the authority online"))
            if service.certificate_valid_days <= 0:
                problems.append((f"{where}.certificate_valid_days", "must be at least 1"))
    return problems


def _service(raw: _Service) -> Service:
    return Service(
        code=raw.code,
        name_ar=raw.name_ar,
        name_en=raw.name_en,
        group=raw.group,
        section_ar=raw.section_ar,
        section_en=raw.section_en,
        authority=raw.authority,
        kind=raw.kind,
        fees=tuple(
            Fee(f.code, f.name_ar, f.name_en, Money(f.piastres), f.source, f.optional)
            for f in raw.fees
        ),
        identity=raw.identity,
        fields=tuple(raw.fields),
        offline=raw.offline,
        offline_age_hours=raw.offline_age_hours,
        documents=tuple(raw.documents),
        certificate_valid_days=raw.certificate_valid_days,
        supervisor=frozenset(raw.supervisor),
    )
