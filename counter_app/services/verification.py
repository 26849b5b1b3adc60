"""Verifying a printed certificate or receipt: find its QR, check it against HQ's key.

Reads a PDF (rendered with poppler's pdftoppm), an image, or the payload as text
(base64url), decodes the QR with zxing-cpp, and verifies both signatures with HQ's public
key and, when the window holds one, HQ's revocation list.
"""

from __future__ import annotations

import binascii
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import zxingcpp
from PIL import Image

from counter_app.domain.business_time import business_day
from counter_app.domain.money import Money
from printing.qr_payload import DocumentFacts, InvalidDocument, verify
from sync.protocol import b64d, load_public_key

# Only QR codes: a 1D reader can "see" a barcode in a row of printed text.
QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


class UnreadableDocument(Exception):
    """No QR could be read from the file."""


@dataclass(frozen=True)
class Verified:
    facts: DocumentFacts

    def lines(self) -> list[str]:
        f = self.facts
        amount = Money(f.amount_piastres)
        return [
            f"VALID / صالحة: {f.document_type} no. {f.document_number}",
            f"  sheet serial / مسلسل الورقة: {f.sheet_serial or '-'}",
            f"  issued by / جهة الإصدار: {f.workstation_id}",
            f"  issued / تاريخ الإصدار: {f.issued}  valid until / صالحة حتى: {f.valid_until}",
            f"  national ID / الرقم القومي: {f.national_id or '-'}",
            f"  amount / المبلغ: {amount.format('en')} / {amount.format('ar')}",
            f"  details digest / بصمة البيانات المطبوعة: {f.details_digest.hex()}",
        ]


def payloads_from_file(path: Path) -> list[bytes]:
    if path.suffix.lower() == ".pdf":
        if shutil.which("pdftoppm") is None:
            raise UnreadableDocument("reading PDFs needs poppler's pdftoppm (poppler-utils)")
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["pdftoppm", "-r", "200", "-png", str(path), f"{tmp}/page"],
                check=True,
                capture_output=True,
                timeout=120,
            )
            images = [Image.open(page) for page in sorted(Path(tmp).glob("page*.png"))]
            found = [
                r.bytes for image in images for r in zxingcpp.read_barcodes(image, formats=QR_ONLY)
            ]
    else:
        found = [r.bytes for r in zxingcpp.read_barcodes(Image.open(path), formats=QR_ONLY)]
    if not found:
        raise UnreadableDocument(f"no QR code could be read from {path}")
    return [payload_from_symbol(bytes(content)) for content in found]


def payload_from_symbol(content: bytes) -> bytes:
    """The signed payload a QR symbol holds: the fragment of the verification page's
    address, or (printed before the page) the raw payload itself."""
    if content.startswith((b"https://", b"http://")):
        return payload_from_text(content.decode("ascii", errors="replace"))
    return content


def payload_from_text(text: str) -> bytes:
    """The payload as unpadded base64url, or the verification page's address with it in
    the fragment (`https://.../v/#<payload>`); whitespace anywhere (a pasted, wrapped line)
    is ignored, any other character refuses the text."""
    compact = "".join(text.split())
    if compact.startswith(("https://", "http://")):
        _page, hash_sign, compact = compact.partition("#")
        if not hash_sign:
            raise UnreadableDocument("the address carries no payload after '#'")
    if not compact or not BASE64URL.fullmatch(compact):
        raise UnreadableDocument("the text is not a base64url payload")
    try:
        return b64d(compact)
    except (binascii.Error, ValueError) as exc:
        raise UnreadableDocument("the text is not a base64url payload") from exc


def check(
    payload: bytes, hq_public_key: str, revoked: frozenset[bytes], today: date | None = None
) -> Verified:
    """Verified facts, or InvalidDocument with the reason. The time checks use `today`,
    by default the date in Cairo now."""
    today = today or business_day(datetime.now(UTC))
    return Verified(
        verify(payload, load_public_key(hq_public_key), revoked_keys=revoked, today=today)
    )


__all__ = [
    "InvalidDocument",
    "UnreadableDocument",
    "Verified",
    "check",
    "payload_from_symbol",
    "payload_from_text",
    "payloads_from_file",
]
