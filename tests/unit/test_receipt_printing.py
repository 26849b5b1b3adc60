"""Receipts and tickets: ESC/POS decoded back into the image, the command sequence, the QR."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import ImageChops

from counter_app.domain.money import Money
from counter_app.services.verification import payload_from_symbol
from printing.documents import QueueTicket, Receipt, ReceiptLine
from printing.escpos_bytes import raster_job
from printing.qr_payload import DocumentFacts, encode, verify
from printing.raster import WIDTHS, render_receipt, render_ticket
from tests.support.escpos_decode import decode
from tests.support.signing import certified_signer

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "printing"
HQ = Ed25519PrivateKey.generate()


def receipt(copy: int = 0, tender: str = "cash") -> Receipt:
    facts = DocumentFacts(
        "receipt", 1234, 0, "ASW-0101", 1, datetime.now(UTC).date(), 0, "", 30500, b"\x00" * 8
    )
    return Receipt(
        "مكتب بريد أسوان الرئيسي",
        "Aswan Main Post Office",
        1,
        "منى عبد الرحمن",
        datetime(2026, 11, 23, 8, 35, tzinfo=UTC),
        (
            ReceiptLine("مخالفة تجاوز السرعة", "Speeding", Money(30000)),
            ReceiptLine("رسوم الخدمة", "Service fee", Money(500)),
        ),
        tender,
        Money(40000),
        1234,
        encode(facts, certified_signer(HQ)),
        copy,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_escpos_bytes_decode_back_to_the_rendered_raster(width: int) -> None:
    image = render_receipt(receipt(), width)
    assert image.mode == "1" and image.width == width
    decoded = decode(raster_job(image, open_drawer=True))
    assert ImageChops.difference(decoded.image().convert("L"), image.convert("L")).getbbox() is None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / f"receipt-{width}.png")


def test_command_sequence_kicks_the_drawer_only_for_cash() -> None:
    image = render_receipt(receipt(), 576)
    cash = decode(raster_job(image, open_drawer=True)).commands
    card = decode(raster_job(image, open_drawer=False)).commands
    assert cash[0] == "init" and cash[-1] == "drawer"
    assert cash[cash.index("cut") - 1] in ("feed", "raster") and "raster" in cash
    assert cash.index("cut") < cash.index("drawer")
    assert "drawer" not in card and card[-1] == "cut"
    assert not [c for c in cash if c.startswith("unknown")]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", ["", "https://verify.post.example.eg/v/"])
def test_the_printed_qr_reads_back_and_verifies(width: int, page: str) -> None:
    """The raw payload, or the verification page's address with it after "#" (a longer
    symbol): both read back at 2 dots a module on 58 mm paper and 3 on 80 mm."""
    printed = replace(receipt(), verify_url=page)
    image = decode(raster_job(render_receipt(printed, width))).image()
    results = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(results) == 1 and results[0].format == zxingcpp.BarcodeFormat.QRCode
    assert bytes(results[0].bytes).startswith(page.encode())
    payload = payload_from_symbol(bytes(results[0].bytes))
    assert payload == printed.qr_payload
    assert verify(payload, HQ.public_key()).document_number == 1234


def test_a_reprint_is_marked_as_a_copy() -> None:
    original = render_receipt(receipt(), 576)
    copy = render_receipt(receipt(copy=2), 576)
    # One line more, the "نسخة / COPY 2" banner: not any number of extra lines.
    assert 20 <= copy.height - original.height <= 120


def test_ticket_renders_at_every_width() -> None:
    ticket = QueueTicket(
        "مكتب بريد أسوان الرئيسي",
        17,
        "المخالفات المرورية",
        datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
        3,
    )
    for width in WIDTHS:
        image = render_ticket(ticket, width)
        assert image.width == width and image.getbbox() is not None


def test_unsupported_width_is_refused() -> None:
    with pytest.raises(ValueError, match="thermal width"):
        render_receipt(receipt(), 500)


def test_day_report_says_when_the_day_is_not_synced() -> None:
    from datetime import date

    from printing.documents import DayReport
    from printing.raster import render_day_report

    totals = {"نقدًا": Money(1_250_000), "بطاقات": Money(300_000)}
    unsynced = render_day_report(DayReport("مكتب", 1, date(2026, 11, 23), "منى", totals), 576)
    synced = render_day_report(
        DayReport("مكتب", 1, date(2026, 11, 23), "منى", totals, synced=True), 576
    )
    assert 20 <= unsynced.height - synced.height <= 120  # one line more: NOT SYNCED
    assert decode(raster_job(unsynced)).image().size == unsynced.size


def test_printing_does_not_send_the_programs_logs_to_stderr() -> None:
    # python-escpos calls logging.basicConfig() on import; our import undoes it.
    import subprocess
    import sys

    code = (
        "import logging\n"
        "from PIL import Image\n"
        "from printing.escpos_bytes import raster_job\n"
        "raster_job(Image.new('1', (384, 8), 1))\n"
        "print(len(logging.getLogger().handlers))\n"
        "logging.getLogger('counter_app').warning('a line for the log file only')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "0"
    # basicConfig's handler would print it as "WARNING:counter_app:..." (Python's own
    # last-resort handler prints the bare message, and only with no handler configured).
    assert "WARNING:counter_app:" not in result.stderr
