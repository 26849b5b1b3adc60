"""Tickets and receipts drawn as 1-bit images for thermal printers (raster, GS v 0).

Thermal printers cannot print Arabic reliably in text mode, so everything is an image at
the printer's width: 576 px (80 mm at 203 dpi), 512 px (TM-T88) or 384 px (58 mm).
Pillow's basic layout draws text shaped by `printing.shaping`, the same on every OS.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

import segno
from PIL import Image, ImageDraw, ImageFont

from counter_app.domain.business_time import cairo_local
from counter_app.domain.text import to_arabic_indic
from printing.documents import DayReport, QueueTicket, Receipt, RequestSlip
from printing.qr_payload import qr_content
from printing.shaping import visual, wrap
from resources import fonts_dir

WIDTHS = (384, 512, 576)
_TENDERS = {
    "cash": "نقدًا",
    "card": "بطاقة بنكية",
    "prepaid": "كارت خدمات",
    "service_card": "كارت خدمات",
}


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "Amiri-Bold.ttf" if bold else "Amiri-Regular.ttf"
    return ImageFont.truetype(str(fonts_dir() / name), size, layout_engine=ImageFont.Layout.BASIC)


class Paper:
    """A roll of paper of a fixed width; lines are added top to bottom."""

    def __init__(self, width: int) -> None:
        if width not in WIDTHS:
            raise ValueError(f"thermal width must be one of {WIDTHS}")
        self.width = width
        self.margin = width // 32
        self.size = max(18, width // 22)
        self.image = Image.new("L", (width, 4000), 255)
        self.draw = ImageDraw.Draw(self.image)
        self.y = self.margin

    def text(
        self, text: str, *, size: float = 1.0, bold: bool = False, align: str = "right"
    ) -> None:
        font = _font(round(self.size * size), bold)
        usable = self.width - 2 * self.margin
        for line in wrap(text, usable, font.getlength):
            shown = visual(line)
            length = font.getlength(shown)
            x = {
                "right": self.width - self.margin - length,
                "center": (self.width - length) / 2,
                "left": self.margin,
            }[align]
            self.draw.text((x, self.y), shown, font=font, fill=0)
            self.y += round(font.size * 1.3)

    def pair(self, right: str, left: str, *, bold: bool = False) -> None:
        """A label on the right (Arabic side) and a value on the left, on one line."""
        font = _font(self.size, bold)
        shown_left, shown_right = visual(left), visual(right)
        usable = self.width - 2 * self.margin
        if font.getlength(shown_left) + font.getlength(shown_right) + self.size > usable:
            # A long label (a fine's violation and date) takes its own lines above the
            # amount, rather than running into it.
            self.text(right, bold=bold)
            self.draw.text((self.margin, self.y), shown_left, font=font, fill=0)
            self.y += round(font.size * 1.3)
            return
        self.draw.text((self.margin, self.y), shown_left, font=font, fill=0)
        self.draw.text(
            (self.width - self.margin - font.getlength(shown_right), self.y),
            shown_right,
            font=font,
            fill=0,
        )
        self.y += round(font.size * 1.3)

    def rule(self) -> None:
        self.y += self.size // 3
        self.draw.line((self.margin, self.y, self.width - self.margin, self.y), fill=0, width=2)
        self.y += self.size // 2

    def qr(self, payload: bytes) -> None:
        code = segno.make(payload, error="m", mode="byte", boost_error=False)
        # 3 dots (0.375 mm at 203 dpi) per module: phones read it, paper is saved.
        scale = 3 if self.width >= 512 else 2
        rows = [
            bytes(0 if dark else 255 for dark in row) for row in code.matrix_iter(scale=1, border=2)
        ]
        side = len(rows)
        matrix = Image.frombytes("L", (side, side), b"".join(rows)).resize(
            (side * scale, side * scale), Image.Resampling.NEAREST
        )
        self.image.paste(matrix, ((self.width - matrix.width) // 2, self.y))
        self.y += matrix.height + self.size // 3

    def finish(self) -> Image.Image:
        cropped = self.image.crop((0, 0, self.width, self.y + self.margin))
        # Crisp 1-bit: a plain threshold (dithering would grey the glyph edges).
        return cropped.point(lambda value: 255 if value > 160 else 0, mode="1")


def _when(moment: datetime) -> str:
    return to_arabic_indic(cairo_local(moment).strftime("%Y/%m/%d  %H:%M"))


def render_receipt(receipt: Receipt, width: int) -> Image.Image:
    paper = Paper(width)
    if receipt.copy_number:
        paper.text(f"نسخة / COPY {receipt.copy_number}", size=1.3, bold=True, align="center")
    paper.text(receipt.office_ar, size=1.2, bold=True, align="center")
    paper.text(receipt.office_en, size=0.8, align="center")
    title = "إلغاء سداد" if receipt.voids_receipt else "إيصال سداد"
    paper.text(title, size=1.1, bold=True, align="center")
    if receipt.voids_receipt:
        paper.text(
            f"يلغي الإيصال رقم {to_arabic_indic(str(receipt.voids_receipt))} / VOID",
            bold=True,
            align="center",
        )
    if receipt.provisional:
        paper.text("سداد مؤقت - يُسوّى عند المزامنة / PROVISIONAL", bold=True, align="center")
    paper.rule()
    paper.pair(f"شباك {to_arabic_indic(str(receipt.window))}", receipt.clerk)
    paper.pair("التاريخ", _when(receipt.issued_at))
    if receipt.receipt_number:
        paper.pair("رقم الإيصال", to_arabic_indic(str(receipt.receipt_number)))
    paper.pair("رقم القيد", to_arabic_indic(str(receipt.journal_seq)))
    paper.rule()
    for line in receipt.lines:
        paper.pair(line.label_ar, line.amount.format("ar"))
    paper.rule()
    paper.pair("الإجمالي", receipt.total.format("ar"), bold=True)
    _tenders(paper, receipt)
    paper.text(f"فقط {receipt.total.in_arabic_words()}", size=0.9)
    if receipt.qr_payload:
        paper.rule()
        paper.qr(qr_content(receipt.qr_payload, receipt.verify_url))
    paper.text("شكرًا لتعاملكم مع البريد المصري", size=0.9, align="center")
    return paper.finish()


def _tenders(paper: Paper, receipt: Receipt) -> None:
    """How the total was paid, the cash received and the change (or, voided, handed back)."""
    if receipt.tenders:
        for tender in receipt.tenders:
            label = _TENDERS.get(tender.kind, tender.kind)
            if tender.reference:
                label += f" ({tender.reference})"
            paper.pair(label, tender.amount.format("ar"))
        if receipt.voids_receipt:
            paper.pair("يُرد نقدًا للمواطن", receipt.change.format("ar"), bold=True)
        elif receipt.tendered.piastres:
            paper.pair("النقدية المستلمة", receipt.tendered.format("ar"))
    else:
        paper.pair(
            f"المدفوع {_TENDERS.get(receipt.tender, receipt.tender)}",
            receipt.tendered.format("ar"),
        )
    if not receipt.voids_receipt:
        paper.pair("الباقي", receipt.change.format("ar"))


def render_request_slip(slip: RequestSlip, width: int) -> Image.Image:
    paper = Paper(width)
    if slip.copy_number:
        paper.text(f"نسخة / COPY {slip.copy_number}", size=1.3, bold=True, align="center")
    paper.text(slip.office_ar, size=1.2, bold=True, align="center")
    paper.text(slip.office_en, size=0.8, align="center")
    paper.text("إيصال طلب / REQUEST SLIP", size=1.1, bold=True, align="center")
    paper.rule()
    paper.text(slip.service_ar, bold=True)
    paper.text(slip.service_en, size=0.8, align="left")
    paper.text("رقم التتبع / Tracking number", align="center")
    paper.text(slip.tracking, size=1.4 if width >= 512 else 1.1, bold=True, align="center")
    paper.rule()
    paper.pair(f"شباك {to_arabic_indic(str(slip.window))}", slip.clerk)
    paper.pair("التاريخ", _when(slip.issued_at))
    if slip.receipt_number:
        paper.pair("رقم الإيصال", to_arabic_indic(str(slip.receipt_number)))
    paper.pair("رقم القيد", to_arabic_indic(str(slip.journal_seq)))
    if slip.deliver:
        paper.text("يُسلم إلى عنوانك بالبريد السريع", bold=True)
        paper.text("Delivered home by express mail", size=0.8, align="left")
    else:
        paper.text("يُستلم من هذا المكتب بالبطاقة الشخصية", bold=True)
        paper.text("Collect it here with your ID card", size=0.8, align="left")
    paper.text(
        "تصلك رسالة نصية بكل مرحلة. تتبع طلبك برقم التتبع وآخر ٤ أرقام من رقمك القومي",
        size=0.9,
    )
    if slip.tracking_url:
        paper.rule()
        paper.qr(slip.tracking_url.encode())
        paper.text(slip.tracking_url, size=0.7, align="center")
    return paper.finish()


def render_ticket(ticket: QueueTicket, width: int) -> Image.Image:
    paper = Paper(width)
    paper.text(ticket.office_ar, bold=True, align="center")
    paper.text("رقم الدور", align="center")
    shown = to_arabic_indic(str(ticket.number))
    if ticket.letter_ar:
        shown = f"{ticket.letter_ar} {shown}"
    paper.text(shown, size=3.5, bold=True, align="center")
    paper.y += paper.size // 2  # the letter's tail (م, ع) clears the next line
    paper.text(ticket.service_ar, align="center")
    if ticket.category_ar:
        paper.text(f"أولوية: {ticket.category_ar}", bold=True, align="center")
    paper.text(f"أمامك {to_arabic_indic(str(ticket.waiting_ahead))} مواطن", align="center")
    if ticket.estimated_wait_min is not None:
        minutes = to_arabic_indic(str(ticket.estimated_wait_min))
        paper.text(f"الانتظار المتوقع نحو {minutes} دقيقة", align="center")
    paper.text(_when(ticket.issued_at), size=0.8, align="center")
    if ticket.qr_text:
        paper.qr(ticket.qr_text.encode())
    return paper.finish()


def render_day_report(report: DayReport, width: int) -> Image.Image:
    """The end-of-day summary for the window, marked unsynced until HQ holds the day."""
    paper = Paper(width)
    paper.text(report.office_ar, bold=True, align="center")
    paper.text("تقرير نهاية اليوم", size=1.2, bold=True, align="center")
    if not report.synced:
        paper.text("لم تتم المزامنة مع المركز الرئيسي بعد / NOT SYNCED", bold=True, align="center")
    paper.rule()
    paper.pair(f"شباك {to_arabic_indic(str(report.window))}", report.clerk)
    paper.pair("يوم العمل", to_arabic_indic(f"{report.business_day:%Y/%m/%d}"))
    paper.rule()
    for label, amount in report.totals.items():
        paper.pair(label, amount.format("ar"))
    return paper.finish()
