"""Receipt raster + ESC/POS bytes per width, and the certificate PDF.

Baselines in the same run: for receipts, the raster format's own floor (width x height
/ 8 bytes, what GS v 0 must carry) and Pillow drawing the same lines unshaped; for the
certificate, ReportLab drawing the same page's text with no shaping and no QR.
"""

from __future__ import annotations

import io
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bench.table import print_table
from counter_app.domain.money import Money
from printing.certificate_pdf import Registration, _fonts, clearance_certificate_pdf
from printing.documents import ClearanceCertificate, Receipt, ReceiptLine
from printing.escpos_bytes import raster_job
from printing.qr_payload import DocumentFacts, details_digest, encode
from printing.raster import WIDTHS, _font, render_receipt
from tests.support.signing import certified_signer

RUNS = 30


def _timed(call: object) -> float:
    assert callable(call)
    call()
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _documents() -> tuple[Receipt, ClearanceCertificate]:
    hq = Ed25519PrivateKey.generate()
    signer = certified_signer(hq)
    today = date.today()
    facts = DocumentFacts("receipt", 1234, 0, "ASW-0101", 1, today, 0, "", 30500, b"\0" * 8)
    receipt = Receipt(
        "مكتب بريد أسوان الرئيسي",
        "Aswan Main Post Office",
        1,
        "منى عبد الرحمن",
        datetime.now(UTC),
        (
            ReceiptLine("مخالفة تجاوز السرعة", "Speeding", Money(30000)),
            ReceiptLine("رسوم الخدمة", "Service fee", Money(500)),
        ),
        "cash",
        Money(40000),
        1234,
        encode(facts, signer),
    )
    cert_facts = DocumentFacts(
        "clearance_certificate",
        120345,
        4500871,
        "ASW-0101",
        1,
        today,
        30,
        "29001012801235",
        3500,
        details_digest({"name": "x"}),
    )
    certificate = ClearanceCertificate(
        4500871,
        120345,
        "محمد أحمد علي",
        "29001012801235",
        "أ ب ج ١٢٣",
        "1234567",
        today,
        today + timedelta(days=30),
        Money(3500),
        "مكتب بريد أسوان الرئيسي",
        1,
        encode(cert_facts, signer),
    )
    return receipt, certificate


def _unshaped_receipt(width: int, height: int) -> None:
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = _font(max(18, width // 22))
    for row in range(0, height - 30, 34):
        draw.text((10, row), "مخالفة تجاوز السرعة 300.00", font=font, fill=0)
    image.convert("1")


def _plain_page() -> None:
    regular, _ = _fonts()
    canvas = Canvas(io.BytesIO(), pagesize=A4)
    canvas.setFont(regular, 13)
    for row in range(20):
        canvas.drawRightString(500, 800 - row * 30, "تشهد النيابة العامة لشؤون المرور")
    canvas.save()


def run() -> None:
    receipt, certificate = _documents()
    rows = []
    for width in WIDTHS:
        image = render_receipt(receipt, width)
        data = raster_job(image, open_drawer=True)
        ours = _timed(lambda w=width: raster_job(render_receipt(receipt, w), open_drawer=True))
        plain = _timed(lambda w=width, h=image.height: _unshaped_receipt(w, h))
        floor = width * image.height / 8
        rows.append(
            (
                f"receipt {width} px",
                ours,
                plain,
                ours / plain,
                len(data) / 1024,
                floor / 1024,
                len(data) / floor,
            )
        )
    pdf_ms = _timed(lambda: clearance_certificate_pdf(certificate, Registration()))
    plain_ms = _timed(_plain_page)
    size = len(clearance_certificate_pdf(certificate, Registration())) / 1024
    rows.append(("certificate PDF (A4)", pdf_ms, plain_ms, pdf_ms / plain_ms, size, "-", "-"))
    print_table(
        f"Printing (median of {RUNS}; aims: receipt <= 30 ms and <= 20 KB, certificate <= 150 ms)",
        ["document", "ms", "baseline ms", "vs baseline", "KB", "raster floor KB", "vs floor"],
        rows,
    )
