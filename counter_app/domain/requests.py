"""Requests delivered later: the tracking number, the stages, and the request form's rules.

A request (licence renewal, civil extract for delivery, national-ID card, fine appeal) is
captured at the window, submitted to HQ at sync and moves through the stages below. Its
tracking number is the office, the window, a serial and two check characters, e.g.
``ASW0101-1-000042-1F``: the check (ISO 7064 MOD 97 over base 36) refuses every
mistyped single character and every swap of two neighbours, so a wrong number is never
looked up.

The form's rules (who asks, for whom, where to deliver, which mobile gets the SMS) are
here; which fields a service asks for comes from its catalogue entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers

from counter_app.domain import national_id
from counter_app.domain.errors import InputError
from counter_app.domain.text import clean_free_text, clean_name, normalize_digits

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# The stages, in order, with their names (Arabic, English).
STATUSES: dict[str, tuple[str, str]] = {
    "captured": ("سُجل في الشباك", "captured at the window"),
    "submitted": ("أُرسل إلى الجهة", "submitted to the authority"),
    "accepted": ("قُبل", "accepted"),
    "rejected": ("رُفض", "rejected"),
    "in_production": ("قيد التنفيذ", "in production"),
    "dispatched": ("سُلم للبريد السريع", "dispatched by express mail"),
    "delivered": ("سُلم للمواطن", "delivered"),
    "ready_for_collection": ("جاهز للاستلام من المكتب", "ready for collection at the office"),
    "collected": ("استلمه المواطن", "collected"),
}
# Where each stage may go next. An appeal ends at accepted or rejected.
NEXT: dict[str, tuple[str, ...]] = {
    "captured": ("submitted",),
    "submitted": ("accepted", "rejected"),
    "accepted": ("in_production",),
    "rejected": (),
    "in_production": ("dispatched", "ready_for_collection"),
    "dispatched": ("delivered", "ready_for_collection"),
    "delivered": (),
    "ready_for_collection": ("collected",),
    "collected": (),
}
FINAL = frozenset(s for s, following in NEXT.items() if not following)

RELATIONS: dict[str, tuple[str, str]] = {
    "self": ("صاحب الشأن", "the person named"),
    "parent": ("الأب أو الأم", "father or mother"),
    "child": ("الابن أو الابنة", "son or daughter"),
    "spouse": ("الزوج أو الزوجة", "husband or wife"),
    "sibling": ("الأخ أو الأخت", "brother or sister"),
}
# The relatives who may ask for a civil record of someone else (first degree, spouse).
APPEAL_GROUNDS_MIN = 10


def status_name(status: str, lang: str) -> str:
    names = STATUSES.get(status, (status, status))
    return names[0] if lang == "ar" else names[1]


def check_transition(old: str, new: str) -> None:
    if new not in NEXT.get(old, ()):
        raise InputError(
            "status",
            f"لا ينتقل الطلب من «{status_name(old, 'ar')}» إلى «{status_name(new, 'ar')}»",
            f"A request does not go from {old} to {new}",
        )


# ---- the tracking number ----------------------------------------------------------------


def _as_number(text: str) -> int:
    """The characters as one number in base 36 (0-9, then A-Z)."""
    return int(text, 36)


def _check_characters(body: str) -> str:
    """Two characters that make the whole number, in base 36, leave 1 modulo 97 (ISO 7064
    MOD 97 over base 36). A mistyped character changes the number by d x 36^k and a swap of
    neighbours by (a - b) x 35 x 36^k; 97 is prime and divides neither, so both are
    always caught."""
    wanted = (1 - _as_number(body) * 36 * 36) % 97
    return ALPHABET[wanted // 36] + ALPHABET[wanted % 36]


def _compact(text: str) -> str:
    return "".join(ch for ch in normalize_digits(text).upper() if ch.isalnum())


def make_tracking_number(office_code: str, window: int, serial: int) -> str:
    office = _compact(office_code)
    body = f"{office}{window}{serial:06d}"
    return f"{office}-{window}-{serial:06d}-{_check_characters(body)}"


def tracking_key(text: str) -> str:
    """The tracking number as stored and looked up (capitals and digits only), or
    `InputError` when it is malformed or its check characters do not match."""
    compact = _compact(text)
    if not re.fullmatch(r"[A-Z0-9]{10,24}", compact) or any(c not in ALPHABET for c in compact):
        raise InputError(
            "tracking",
            "رقم التتبع غير مكتمل: انقله كما هو مطبوع على إيصال الطلب",
            "The tracking number is incomplete: copy it as printed on the request slip",
        )
    if _as_number(compact) % 97 != 1:
        raise InputError(
            "tracking",
            "رقم التتبع غير صحيح (حرفا التحقق لا يطابقان): راجع الأرقام",
            "That tracking number is wrong (its check characters do not match): "
            "check each character",
        )
    return compact


# ---- the form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    governorate: str  # a national-ID governorate code
    district: str
    street: str

    def one_line(self) -> str:
        gov = national_id.GOVERNORATES.get(self.governorate, ("", ""))[0]
        return f"{self.street}، {self.district}، {gov}"


@dataclass(frozen=True)
class RequestDetails:
    """What the citizen gives for one request. Personal data: kept only until HQ has it
    and the retention period has passed."""

    national_id: str
    name: str
    mobile: str = ""  # E.164, the number the SMS goes to
    plate: str = ""
    licence: str = ""
    relation: str = ""
    subject_name: str = ""  # the person named on a civil record, when not the applicant
    address: Address | None = None  # for delivery; None: collected at the office
    grounds: str = ""  # an appeal's grounds
    fines: tuple[str, ...] = ()  # an appeal's fines
    photo: bytes = b""  # an ID card's photo (PNG)

    def for_hq(self) -> dict[str, object]:
        """The details as HQ receives them (the photo travels beside them)."""
        return {
            "national_id": self.national_id,
            "name": self.name,
            "mobile": self.mobile,
            "plate": self.plate,
            "licence": self.licence,
            "relation": self.relation,
            "subject_name": self.subject_name,
            "address": None
            if self.address is None
            else {
                "governorate": self.address.governorate,
                "district": self.address.district,
                "street": self.address.street,
            },
            "grounds": self.grounds,
            "fines": list(self.fines),
            "photo_bytes": len(self.photo),
        }


@dataclass
class RequestForm:
    """The clerk's typing, before it is checked."""

    national_id: str = ""
    name: str = ""
    mobile: str = ""
    plate: str = ""
    licence: str = ""
    relation: str = "self"
    subject_name: str = ""
    deliver: bool = True
    governorate: str = ""
    district: str = ""
    street: str = ""
    grounds: str = ""
    fines: list[str] = field(default_factory=list)
    photo: bytes = b""


def clean_mobile(text: str) -> str:
    """An Egyptian mobile number as E.164 (+2010...), or `InputError`."""
    digits = normalize_digits(text).strip()
    try:
        number = phonenumbers.parse(digits, "EG")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 20
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise InputError(
            "mobile",
            "رقم المحمول غير صحيح: ١١ رقمًا يبدأ بـ 010 أو 011 أو 012 أو 015",
            "That is not an Egyptian mobile number: 11 digits starting 010, 011, 012 or 015",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _needs(field_name: str, value: str, ar: str, en: str) -> str:
    if not value:
        raise InputError(field_name, f"{ar} مطلوب", f"The {en} is required")
    return value


def check_form(
    form: RequestForm, fields: tuple[str, ...], *, optional_delivery: bool
) -> RequestDetails:
    """The form checked against the fields its service asks for, or `InputError` naming
    the first field to correct. Nothing else is kept."""
    nid = national_id.parse(normalize_digits(form.national_id)).number
    name = clean_name(form.name, "name")
    mobile = clean_mobile(form.mobile) if "mobile" in fields else ""
    plate = licence = relation = subject = grounds = ""
    if "plate" in fields and form.plate.strip():
        plate = " ".join(normalize_digits(form.plate).split())[:20]
    if "licence" in fields:
        licence = normalize_digits(form.licence).strip()
        if not re.fullmatch(r"[0-9]{6,14}", licence):
            raise InputError(
                "licence",
                "رقم الرخصة من ٦ إلى ١٤ رقمًا",
                "The licence number is 6 to 14 digits",
            )
    if "relation" in fields:
        relation = form.relation
        if relation not in RELATIONS:
            raise InputError(
                "relation", "اختر صلة الطالب بصاحب القيد", "Choose how the applicant is related"
            )
        if relation != "self":
            subject = clean_name(form.subject_name, "subject_name")
    address = None
    if "postal_address" in fields and (form.deliver or not optional_delivery):
        address = _address(form)
    if "grounds" in fields:
        grounds = clean_free_text(form.grounds, "grounds", 1000)
        if len(grounds) < APPEAL_GROUNDS_MIN:
            raise InputError(
                "grounds",
                "اكتب أسباب التظلم (جملة على الأقل)",
                "Write the grounds of the appeal (a sentence at least)",
            )
    fines: tuple[str, ...] = ()
    if "fines" in fields:
        fines = tuple(dict.fromkeys(f for f in form.fines if f))
        if not fines:
            raise InputError(
                "fines",
                "اختر المخالفة أو المخالفات المتظلم منها",
                "Choose the fine or fines the appeal is against",
            )
    if "photo" in fields and not form.photo:
        raise InputError(
            "photo", "التقط صورة المواطن (Ctrl+K)", "Take the citizen's photo (Ctrl+K)"
        )
    return RequestDetails(
        nid,
        name,
        mobile,
        plate,
        licence,
        relation,
        subject,
        address,
        grounds,
        fines,
        form.photo if "photo" in fields else b"",
    )


def _address(form: RequestForm) -> Address:
    if form.governorate not in national_id.GOVERNORATES or form.governorate == "88":
        raise InputError("governorate", "اختر محافظة التوصيل", "Choose the governorate")
    district = clean_free_text(form.district, "district", 60)
    street = clean_free_text(form.street, "street", 200)
    _needs("district", district, "الحي أو المركز", "district")
    if len(street) < 5:
        raise InputError(
            "street",
            "اكتب عنوان التوصيل: الشارع ورقم العقار",
            "Write the delivery address: street and building number",
        )
    return Address(form.governorate, district, street)
