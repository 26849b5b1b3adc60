"""What HQ accepts from an administrator or a window before it writes anything: office codes
and names, window numbers, a workstation's public key. Each refusal is a 400 with both
messages; nothing is written."""

from __future__ import annotations

import binascii
import re

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hq.errors import HqError
from sync.protocol import b64d

# "ASW-0101": capitals and digits, with hyphens between (the code travels in workstation
# names, QR codes and file names, so it stays ASCII).
OFFICE_CODE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
MAX_CODE = 12  # the workstation name adds "-W01"; the schema holds 16
MAX_NAME = 100
MAX_GOVERNORATE = 40
MAX_WINDOW = 99  # "W01".."W99" in the workstation name; one byte in the QR


def _refuse(field: str, ar: str, en: str) -> HqError:
    return HqError(field, ar, en, status=400)


def check_office(code: str, name: str, name_ar: str, governorate: str) -> None:
    if not (len(code) <= MAX_CODE and OFFICE_CODE.fullmatch(code)):
        raise _refuse(
            "office",
            f"رمز المكتب حروف لاتينية كبيرة وأرقام وشرطات، حتى {MAX_CODE} حرفًا (مثل ASW-0101)",
            f"An office code is capitals, digits and hyphens, up to {MAX_CODE} characters "
            "(like ASW-0101)",
        )
    for value, most, ar, en in (
        (name, MAX_NAME, "اسم المكتب", "The office's name"),
        (name_ar, MAX_NAME, "الاسم العربي للمكتب", "The office's Arabic name"),
        (governorate, MAX_GOVERNORATE, "المحافظة", "The governorate"),
    ):
        if len(value) > most or not value.isprintable():
            raise _refuse(
                "office",
                f"{ar} حتى {most} حرفًا، بلا رموز تحكم",
                f"{en} is up to {most} characters, with no control characters",
            )
    if not name.strip() or not governorate.strip():
        raise _refuse(
            "office", "اسم المكتب والمحافظة مطلوبان", "The office's name and governorate are needed"
        )


def check_window(window: int) -> None:
    if not 1 <= window <= MAX_WINDOW:
        raise _refuse(
            "window",
            f"رقم الشباك من 1 إلى {MAX_WINDOW}",
            f"A window number is 1 to {MAX_WINDOW}",
        )


def check_public_key(text: str) -> None:
    """A workstation's Ed25519 public key: 32 bytes, base64url without padding."""
    try:
        raw = b64d(text)
        if len(raw) != 32 or not re.fullmatch(r"[A-Za-z0-9_-]{43}", text):
            raise ValueError("not 32 bytes")
        Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, binascii.Error) as exc:
        raise _refuse(
            "bad_key",
            "المفتاح العام للمحطة غير صالح (مفتاح Ed25519 من 32 بايت).",
            "The workstation's public key is not valid (an Ed25519 key of 32 bytes).",
        ) from exc
