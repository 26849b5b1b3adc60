"""The day report as a supervisor reads it: one list of sections (title, rows of label and
value) in Arabic or English, printed as text, on the thermal roll, and as an A4 PDF with
two charts (collections by hour, waiting time by group). Arabic first, then English.

The report itself is a plain dict (see `counter_app.services.day_report`); nothing here
computes a figure, it only lays them out.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from PIL import Image
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from counter_app.domain.business_time import cairo_local
from counter_app.domain.cash import TENDER_NAMES
from counter_app.domain.money import Money
from counter_app.domain.text import to_arabic_indic
from printing.certificate_pdf import amiri_fonts
from printing.raster import Paper
from printing.shaping import visual

Section = tuple[str, list[tuple[str, str]]]

_STATUS = {
    "open": ("اليوم مفتوح", "Day open"),
    "closing": ("جارٍ الإغلاق", "Closing"),
    "failed": ("فشل الإغلاق: أعد المحاولة", "Close FAILED: retry"),
    "closed": ("مغلق، في انتظار تأكيد المركز", "Closed, waiting for HQ"),
    "confirmed": ("مغلق ومؤكد من المركز", "Closed and confirmed"),
}


def _t(lang: str, ar: str, en: str) -> str:
    return ar if lang == "ar" else en


def _n(value: object, lang: str) -> str:
    text = f"{value:,}" if isinstance(value, int) else str(value)
    return to_arabic_indic(text) if lang == "ar" else text


def _tender(code: str, lang: str) -> str:
    return TENDER_NAMES.get(code, (code, code))[0 if lang == "ar" else 1]


def _money(piastres: int, lang: str) -> str:
    return Money(piastres).format(lang)


def _minutes(value: float, lang: str) -> str:
    return _n(f"{value:.1f}", lang) + _t(lang, " د", " min")


def _minutes_whole(value: int, lang: str) -> str:
    return _n(value, lang) + _t(lang, " د", " min")


def _clock(text: str) -> str:
    """An entry's time as the office's clock shows it (HH:MM, Cairo)."""
    return cairo_local(datetime.fromisoformat(text)).strftime("%H:%M")


def sections(report: dict[str, Any], lang: str) -> list[Section]:
    """The report's sections in `lang` ("ar" or "en")."""
    out: list[Section] = []

    def row(ar: str, en: str, value: Any) -> tuple[str, Any]:
        return _t(lang, ar, en), value

    status = _STATUS.get(report["status"], (report["status"], report["status"]))
    head = [
        row("المكتب", "Office", report["office_ar" if lang == "ar" else "office_en"]),
        row("الشباك", "Window", _n(report["window"], lang)),
        row("يوم العمل", "Business day", _n(report["business_day"], lang)),
        row("الحالة", "Status", _t(lang, *status)),
    ]
    if report["status"] in ("failed", "closed") and report.get("close_reason_en"):
        head.append(row("السبب", "Reason", report["close_reason_" + lang]))
    out.append(row("تقرير اليوم", "Day report", head))
    out.append(
        (
            _t(lang, "الحركة", "Activity"),
            [
                row("الزيارات (إيصالات)", "Visits (receipts)", _n(report["visits"], lang)),
                row("المعاملات", "Transactions", _n(report["transactions"], lang)),
                (
                    _t(lang, "العمليات (خدمات)", "Operations (services)"),
                    _n(report["operations"], lang),
                ),
                (
                    _t(lang, "المتحصلات", "Collections"),
                    _money(report["collections_piastres"], lang),
                ),
                (
                    _t(lang, "منها مؤقتة حتى التسوية", "Of which provisional"),
                    _n(report["provisional"], lang),
                ),
            ],
        )
    )
    out.append(
        (
            _t(lang, "حسب وسيلة الدفع", "By tender"),
            [
                (
                    _tender(t, lang),
                    f"{_n(v['count'], lang)} / {_money(v['piastres'], lang)}",
                )
                for t, v in report["by_tender"].items()
            ],
        )
    )
    out.append(
        (
            _t(lang, "حسب الخدمة", "By service"),
            [
                (code, f"{_n(v['count'], lang)} / {_money(v['piastres'], lang)}")
                for code, v in report["by_service"].items()
            ]
            or [row("لا شيء", "None", "")],
        )
    )
    voids = [
        (
            _t(lang, f"إيصال {_n(v['receipt'], lang)}", f"Receipt {v['receipt']}"),
            f"{_money(v['total_piastres'], lang)} · {v['clerk']} → {v['approved_by']}",
        )
        for v in report["voids"]
    ]
    approvals = [
        (a["action"], f"{a['requested_by']} → {a['approved_by']}") for a in report["approvals"]
    ]
    out.append(
        (
            _t(lang, "الإلغاءات والموافقات", "Voids and approvals"),
            voids + approvals or [row("لا شيء", "None", "")],
        )
    )
    sheets = report["sheet_ranges"]

    def fold(ranges: list[list[int]] | list[tuple[int, int]]) -> str:
        text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges) or "-"
        return _n(text, lang)

    out.append(
        (
            _t(lang, "الأوراق المؤمنة", "Security sheets"),
            [
                row("مستخدمة", "Used", fold(sheets["used"])),
                row("تالفة", "Spoiled", fold(sheets["spoiled"])),
                row("شهادات صادرة", "Certificates issued", _n(report["certificates"], lang)),
            ],
        )
    )
    out.append(
        (
            _t(lang, "الطلبات", "Requests taken"),
            [(code, _n(n, lang)) for code, n in report["requests"].items()]
            or [row("لا شيء", "None", "")],
        )
    )
    queue = report["queue"]["office"]
    out.append(
        (
            _t(lang, "الطابور", "Queue"),
            [
                row("تذاكر صادرة", "Tickets issued", _n(queue["issued"], lang)),
                row("خُدموا", "Served", _n(queue["served"], lang)),
                (
                    _t(lang, "انتظار (الوسيط)", "Wait (median)"),
                    _minutes(queue["wait_median_min"], lang),
                ),
                row("انتظار (90٪)", "Wait (p90)", _minutes(queue["wait_p90_min"], lang)),
                (
                    _t(lang, "مدة الخدمة (الوسيط)", "Service (median)"),
                    _minutes(queue["service_median_min"], lang),
                ),
                row("متوسط التقييم", "Mean rating", _n(f"{queue['rating_mean']:.1f}", lang)),
            ],
        )
    )
    closes = []
    for close in report["shift_closes"]:
        for line in close["tenders"]:
            if line["expected"] or line["counted"]:
                closes.append(
                    (
                        f"{close['clerk']} · {_tender(line['tender'], lang)}",
                        _t(lang, "متوقع ", "expected ")
                        + _money(line["expected"], lang)
                        + _t(lang, " · معدود ", " · counted ")
                        + _money(line["counted"], lang)
                        + _t(lang, " · فرق ", " · diff ")
                        + _money(abs(line["difference"]), lang)
                        + ("-" if line["difference"] < 0 else ""),
                    )
                )
        if close.get("approved_by"):
            closes.append(row("اعتمد الفرق", "Difference approved by", close["approved_by"]))
    out.append(row("إغلاق الورديات", "Shift closes", closes or [row("لا شيء", "None", "")]))
    gaps = [
        (
            gap["clerk"],
            _n(f"{_clock(gap['from'])}-{_clock(gap['to'])}", lang)
            + " ("
            + _minutes_whole(gap["minutes"], lang)
            + ")",
        )
        for gap in report.get("silent_gaps", [])
    ]
    out.append(
        row(
            "فترات صمت والوردية مفتوحة",
            "Silent gaps in open shifts",
            gaps or [row("لا شيء", "None", "")],
        )
    )
    ranges = [
        (
            _n(f"{r['first']}-{r['last']}", lang),
            _t(lang, "وصلت المركز", "HQ holds")
            if r["acknowledged"]
            else _t(lang, "في الانتظار", "WAITING"),
        )
        for r in report["ranges"]
    ]
    out.append(row("القيود والمركز", "Entries and HQ", ranges or [("-", "")]))
    return out


def day_report_text(report: dict[str, Any], lang: str) -> str:
    lines = []
    for title, rows in sections(report, lang):
        lines.append(f"== {title} ==")
        width = max((len(label) for label, _ in rows), default=0)
        lines.extend(f"  {label.ljust(width)}  {value}" for label, value in rows)
    return "\n".join(lines) + "\n"


def render_day_summary(report: dict[str, Any], width: int) -> Image.Image:
    """The thermal summary: Arabic, marked plainly unless HQ has confirmed the day."""
    paper = Paper(width)
    paper.text(report["office_ar"], bold=True, align="center")
    paper.text("تقرير نهاية اليوم", size=1.2, bold=True, align="center")
    if not report["closed_and_confirmed"]:
        paper.text("لم يؤكده المركز بعد / NOT CONFIRMED", bold=True, align="center")
    for title, rows in sections(report, "ar")[1:]:
        if title in ("الطلبات", "الأوراق المؤمنة", "القيود والمركز") and width < 512:
            continue
        paper.rule()
        paper.text(title, bold=True)
        for label, value in rows:
            paper.pair(label, value)
    return paper.finish()


# ---- the PDF ------------------------------------------------------------------------------

_BAR = Color(0.16, 0.38, 0.62)
_BAR2 = Color(0.85, 0.47, 0.13)
_GRID = Color(0.8, 0.8, 0.8)
W, H = A4
MARGIN = 16 * mm


class _Page:
    def __init__(self, canvas: Canvas, lang: str) -> None:
        self.c = canvas
        self.lang = lang
        self.regular, self.bold = amiri_fonts()
        self.y = H - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.c.showPage()
            self.y = H - MARGIN

    def text(self, x_side: str, text: str, size: float, bold: bool = False) -> None:
        font = self.bold if bold else self.regular
        self.c.setFont(font, size)
        shown = visual(text)
        if (x_side == "start") == (self.lang == "ar"):
            self.c.drawRightString(W - MARGIN, self.y, shown)
        else:
            self.c.drawString(MARGIN, self.y, shown)

    def row(self, label: str, value: str) -> None:
        self.need(6 * mm)
        self.text("start", label, 10.5)
        self.text("end", value, 10.5)
        self.c.setStrokeColor(_GRID)
        self.c.line(MARGIN, self.y - 1.6 * mm, W - MARGIN, self.y - 1.6 * mm)
        self.y -= 6 * mm

    def title(self, text: str, size: float = 13) -> None:
        self.need(12 * mm)
        self.y -= 2 * mm
        self.text("start", text, size, bold=True)
        self.y -= 7 * mm

    def bars(
        self,
        heading: str,
        series: list[tuple[str, list[float]]],
        unit: str,
        legend: tuple[str, ...] = (),
    ) -> None:
        """A bar chart of one or two values per category, categories in reading order."""
        height = 55 * mm
        self.title(heading)
        self.need(height + 10 * mm)
        top = self.y
        bottom = top - height
        left, right = MARGIN + 14 * mm, W - MARGIN
        peak = max((v for _, values in series for v in values), default=0) or 1
        c = self.c
        c.setFont(self.regular, 8)
        for step in range(5):
            value = peak * step / 4
            y = bottom + height * step / 4
            c.setStrokeColor(_GRID)
            c.line(left, y, right, y)
            c.setFillColor(black)
            shown = f"{value:,.1f}" if peak < 10 else f"{value:,.0f}"
            c.drawRightString(left - 2 * mm, y - 1 * mm, visual(_n(shown, self.lang)))
        c.drawString(MARGIN, top + 2 * mm, visual(unit))
        for k, name in enumerate(legend):
            x = right - (k + 1) * 45 * mm
            c.setFillColor(_BAR if k == 0 else _BAR2)
            c.rect(x, top + 1.5 * mm, 4 * mm, 3 * mm, stroke=0, fill=1)
            c.setFillColor(black)
            c.drawString(x + 5 * mm, top + 2 * mm, visual(name))
        slots = series if self.lang == "en" else list(reversed(series))
        slot = (right - left) / max(1, len(slots))
        for i, (label, values) in enumerate(slots):
            width = slot * 0.7 / max(1, len(values))
            for j, value in enumerate(values):
                c.setFillColor(_BAR if j == 0 else _BAR2)
                x = left + i * slot + slot * 0.15 + j * width
                c.rect(x, bottom, width, height * value / peak, stroke=0, fill=1)
            c.setFillColor(black)
            c.setFont(self.regular, 8 if len(slots) > 12 else 9)
            c.drawCentredString(left + (i + 0.5) * slot, bottom - 4 * mm, visual(label))
        self.y = bottom - 10 * mm


def _charts(page: _Page, report: dict[str, Any]) -> None:
    lang = page.lang
    hours = report["by_hour"]
    page.bars(
        _t(lang, "المتحصلات حسب الساعة", "Collections by hour"),
        [(_n(h, lang), [p / 100]) for h, p in hours.items()] or [("-", [0])],
        _t(lang, "جنيه", "EGP"),
    )
    groups = report["queue"]["group"]
    page.bars(
        _t(lang, "الانتظار حسب المجموعة (الوسيط والـ90٪)", "Waiting by group (median and p90)"),
        [(g, [v["wait_median_min"], v["wait_p90_min"]]) for g, v in sorted(groups.items())]
        or [("-", [0, 0])],
        _t(lang, "دقيقة", "minutes"),
        (_t(lang, "الوسيط", "median"), _t(lang, "٩٠٪ انتظروا أقل من", "90% waited under")),
    )


def day_report_pdf(report: dict[str, Any]) -> bytes:
    """A4: the Arabic report with its charts, then the English one."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(
        f"Day report {report['office']} window {report['window']} {report['business_day']}"
    )
    for n, lang in enumerate(("ar", "en")):
        if n:
            canvas.showPage()
        page = _Page(canvas, lang)
        parts = sections(report, lang)
        title, head = parts[0]
        page.title(title, 16)
        for label, value in head:
            page.row(label, value)
        _charts(page, report)
        for title, rows in parts[1:]:
            page.title(title)
            for label, value in rows:
                page.row(label, value)
    canvas.save()
    return buffer.getvalue()
