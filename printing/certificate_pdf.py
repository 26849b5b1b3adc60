"""Certificates as PDF onto A4 pre-printed security paper, and the calibration page.

Every printer feeds paper a little differently, so every position is shifted by the
window's registration offsets (millimetres, from config), which the calibration page
helps measure. On real security paper the form is pre-printed and only the values are
printed (`with_form=False`); the demo and file output draw the form too.
Arabic is shaped line by line through `printing.shaping` in the Amiri font.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

import segno
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from counter_app.domain.text import to_arabic_indic
from printing.documents import ClearanceCertificate
from printing.qr_payload import qr_content
from printing.shaping import visual, wrap
from resources import fonts_dir

PAGE_WIDTH, PAGE_HEIGHT = A4
_FORM = Color(0.35, 0.35, 0.35)


@dataclass(frozen=True)
class Registration:
    """Where this printer really puts the page: shift right and down, in millimetres."""

    offset_x_mm: float = 0.0
    offset_y_mm: float = 0.0


@cache
def amiri_fonts() -> tuple[str, str]:
    for name, file in (("Amiri", "Amiri-Regular.ttf"), ("Amiri-Bold", "Amiri-Bold.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(fonts_dir() / file)))
    return "Amiri", "Amiri-Bold"


class _Sheet:
    """Positions are given in mm from the paper's top-left corner, then shifted."""

    def __init__(self, canvas: Canvas, registration: Registration) -> None:
        self.canvas = canvas
        self.dx = registration.offset_x_mm * mm
        self.dy = registration.offset_y_mm * mm
        self.regular, self.bold = amiri_fonts()

    def _xy(self, x_mm: float, y_mm: float) -> tuple[float, float]:
        return x_mm * mm + self.dx, PAGE_HEIGHT - y_mm * mm - self.dy

    def right(
        self,
        x_mm: float,
        y_mm: float,
        text: str,
        size: float = 13,
        *,
        bold: bool = False,
        color: Color = black,
    ) -> float:
        """Arabic text ending at x (its right edge); returns its width in points."""
        font = self.bold if bold else self.regular
        shown = visual(text)
        self.canvas.setFillColor(color)
        self.canvas.setFont(font, size)
        self.canvas.drawRightString(*self._xy(x_mm, y_mm), shown)
        return float(pdfmetrics.stringWidth(shown, font, size))

    def centre(self, y_mm: float, text: str, size: float, *, bold: bool = False) -> None:
        font = self.bold if bold else self.regular
        self.canvas.setFillColor(black)
        self.canvas.setFont(font, size)
        self.canvas.drawCentredString(*self._xy(105, y_mm), visual(text))

    def field(self, x_mm: float, y_mm: float, label: str, value: str, form: bool) -> None:
        """A pre-printed label (drawn only on plain paper) and the value to its left."""
        label_width = pdfmetrics.stringWidth(visual(label), self.regular, 13)
        if form:
            self.right(x_mm, y_mm, label, color=_FORM)
        self.right(x_mm - label_width / mm - 4, y_mm, value, bold=True)

    def paragraph(
        self, x_mm: float, y_mm: float, width_mm: float, text: str, size: float = 13
    ) -> None:
        lines = wrap(
            text, width_mm * mm, lambda shown: pdfmetrics.stringWidth(shown, self.regular, size)
        )
        for index, line in enumerate(lines):
            self.right(x_mm, y_mm + index * size * 0.55, line, size)

    def qr(self, x_mm: float, y_mm: float, side_mm: float, payload: bytes) -> None:
        """The QR as vector squares: crisp on any printer, at any resolution."""
        code = segno.make(payload, error="m", mode="byte", boost_error=False)
        matrix = [list(row) for row in code.matrix_iter(scale=1, border=4)]
        module = side_mm * mm / len(matrix)
        left, top = self._xy(x_mm, y_mm)
        self.canvas.setFillColor(black)
        path = self.canvas.beginPath()
        for row_index, row in enumerate(matrix):
            col = 0
            while col < len(row):
                if not row[col]:
                    col += 1
                    continue
                start = col
                while col < len(row) and row[col]:
                    col += 1
                # One rectangle per run of dark modules in a row: a third of the squares.
                path.rect(
                    left + start * module,
                    top - (row_index + 1) * module,
                    (col - start) * module,
                    module,
                )
        self.canvas.drawPath(path, stroke=0, fill=1)


def _date(day: object) -> str:
    return to_arabic_indic(f"{day:%d/%m/%Y}")


def clearance_certificate_pdf(
    certificate: ClearanceCertificate, registration: Registration, *, with_form: bool = True
) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"Clearance certificate {certificate.document_number}")
    sheet = _Sheet(canvas, registration)
    civil = certificate.document_type == "civil_extract"
    if with_form:
        sheet.centre(22, "جمهورية مصر العربية - البريد المصري", 14, bold=True)
        sheet.centre(38, certificate.title_ar or "شهادة براءة ذمة مرورية", 22, bold=True)
    if certificate.copy_number:
        sheet.centre(50, f"نسخة / COPY {certificate.copy_number}", 16, bold=True)
    sheet.field(190, 20, "مسلسل الورقة:", to_arabic_indic(str(certificate.sheet_serial)), with_form)
    sheet.field(
        190, 62, "رقم الشهادة:", to_arabic_indic(str(certificate.document_number)), with_form
    )
    sheet.field(190, 74, "الرقم القومي:", to_arabic_indic(certificate.national_id), with_form)
    if civil:
        # The record's facts, as the civil registry answered: 8 lines at most fit.
        for index, (label, value) in enumerate(certificate.record[:8]):
            sheet.field(190, 86 + index * 7.5, f"{label}:", to_arabic_indic(value), with_form)
        statement_y = 150.0
    else:
        sheet.field(190, 86, "الاسم:", certificate.citizen_name, with_form)
        sheet.field(190, 98, "رقم اللوحة:", certificate.plate or "-", with_form)
        sheet.field(190, 110, "رقم الرخصة:", to_arabic_indic(certificate.licence or "-"), with_form)
        statement_y = 126.0
    sheet.paragraph(
        190,
        statement_y,
        170,
        certificate.statement_ar
        or "تشهد النيابة العامة لشؤون المرور بأنه لا توجد مخالفات مرورية مسجلة على "
        "الرقم القومي والمركبة المذكورين أعلاه حتى تاريخ إصدار هذه الشهادة.",
    )
    if civil:
        _issue_block(sheet, certificate, with_form, 162)
    else:
        _issue_block(sheet, certificate, with_form, 148)
    sheet.qr(20, 215, 45, qr_content(certificate.qr_payload, certificate.verify_url))
    if with_form:
        sheet.right(190, 240, "للتحقق: امسح الرمز بكاميرا الهاتف", 11, color=_FORM)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _issue_block(sheet: _Sheet, certificate: ClearanceCertificate, form: bool, top: float) -> None:
    """Issued, valid until, the fee in figures and words, and who issued it."""
    sheet.field(190, top, "تاريخ الإصدار:", _date(certificate.issued), form)
    sheet.field(190, top + 12, "صالحة حتى:", _date(certificate.valid_until), form)
    sheet.field(190, top + 24, "الرسوم:", certificate.fee.format("ar"), form)
    sheet.paragraph(190, top + 36, 170, f"({certificate.fee.in_arabic_words()})", 12)
    sheet.field(
        190,
        top + 50,
        "جهة الإصدار:",
        f"{certificate.office_ar} - شباك {to_arabic_indic(str(certificate.window))}",
        form,
    )


def calibration_page_pdf(registration: Registration) -> bytes:
    """Crosses 20 mm from each corner and at the centre, and rulers along two edges.

    Print it on plain A4, measure where the crosses landed, and set offset_x_mm and
    offset_y_mm to (measured - intended) in config.toml.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    sheet = _Sheet(canvas, registration)
    canvas.setLineWidth(0.3)
    for x_mm, y_mm in ((20, 20), (190, 20), (20, 277), (190, 277), (105, 148.5)):
        x, y = sheet._xy(x_mm, y_mm)
        canvas.line(x - 8 * mm, y, x + 8 * mm, y)
        canvas.line(x, y - 8 * mm, x, y + 8 * mm)
        canvas.circle(x, y, 2 * mm)
        canvas.setFont(sheet.regular, 8)
        canvas.drawString(x + 2.5 * mm, y + 2.5 * mm, f"({x_mm:g}, {y_mm:g}) mm")
    for tick in range(0, 211, 5):
        x, y = sheet._xy(tick, 0)
        canvas.line(x, y, x, y - (6 if tick % 10 == 0 else 3) * mm)
    for tick in range(0, 298, 5):
        x, y = sheet._xy(0, tick)
        canvas.line(x, y, x + (6 if tick % 10 == 0 else 3) * mm, y)
    sheet.centre(60, "صفحة المعايرة - Calibration page", 18, bold=True)
    sheet.paragraph(
        185,
        80,
        150,
        "قس المسافة من حافة الورقة إلى مركز كل علامة، ثم اضبط قيمتي الإزاحة "
        "في ملف الإعدادات بالفرق بين المقاس والمكتوب.",
        12,
    )
    canvas.setFont(sheet.regular, 10)
    x, y = sheet._xy(30, 110)
    canvas.drawString(
        x,
        y,
        f"Current offsets: x = {registration.offset_x_mm:+.1f} mm, "
        f"y = {registration.offset_y_mm:+.1f} mm. Measure each cross from "
        "the paper's edges;",
    )
    canvas.drawString(
        x,
        y - 5 * mm,
        "set [devices.document_printer] offset_x_mm and "
        "offset_y_mm to (measured - printed position).",
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
