"""The office dashboard's pages: HTML built on HQ, no script, charts as inline SVG.

Arabic first (right to left) with the English under it, as at the counter. Every value is
escaped; the pages load nothing but their own style sheet.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from counter_app.domain.business_time import cairo_local
from counter_app.domain.requests import status_name
from hq.dashboard import WindowState

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; font-family: "Counter Arabic", system-ui, sans-serif; background: #f4f1ea;
  color: #1d1d1b; line-height: 1.45; }
@font-face { font-family: "Counter Arabic"; src: url("/v/font.ttf") format("truetype"); }
header { background: #1e4d7b; color: #fff; padding: 0.6rem 1rem; display: flex;
  justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; }
header h1 { font-size: 1.2rem; margin: 0; }
header .en { color: #cfe0f0; }
header form { margin: 0; }
main { padding: 1rem; max-width: 75rem; margin: 0 auto; }
section { background: #fff; border-radius: 0.5rem; padding: 0.75rem 1rem; margin-bottom: 1rem; }
h2 { font-size: 1.05rem; margin: 0 0 0.5rem; }
.en { font-family: system-ui, sans-serif; color: #555; font-weight: normal; font-size: 0.85em; }
h2 .en, th .en { display: block; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 0.35rem 0.5rem; border-bottom: 1px solid #ece8df; text-align: start; }
td.n { direction: ltr; text-align: right; font-variant-numeric: tabular-nums; }
tr.alarm td { background: #fde7e4; }
tr.silent td { background: #fff6d6; }
tr.revoked td { color: #888; text-decoration: line-through; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
.chart { flex: 1 1 22rem; }
svg text { font-family: system-ui, sans-serif; font-size: 11px; fill: #333; }
.bar { fill: #1e7b34; } .bar2 { fill: #1e4d7b; }
form.signin { max-width: 22rem; margin: 3rem auto; background: #fff; padding: 1.5rem;
  border-radius: 0.5rem; }
form.signin label { display: block; margin-top: 0.75rem; }
form.signin input { width: 100%; padding: 0.5rem; font-size: 1rem; }
button { padding: 0.45rem 1rem; font-size: 1rem; margin-top: 1rem; }
.problem { color: #b3261e; }
.pick { display: flex; gap: 0.5rem; align-items: end; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def page(title_ar: str, title_en: str, body: str, *, who: str = "") -> str:
    signed = (
        f'<form method="post" action="/dashboard/sign-out"><span>{_e(who)}</span> '
        f'<button type="submit">خروج · Sign out</button></form>'
        if who
        else ""
    )
    return (
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{_e(title_ar)} · {_e(title_en)}</title>"
        '<link rel="stylesheet" href="/dashboard/style.css"></head><body>'
        f'<header><h1>{_e(title_ar)} <span class="en" lang="en">{_e(title_en)}</span></h1>'
        f"{signed}</header><main>{body}</main></body></html>"
    )


def sign_in_page(problem: str = "") -> str:
    said = f'<p class="problem" role="alert">{problem}</p>' if problem else ""
    body = (
        '<form class="signin" method="post" action="/dashboard/sign-in">'
        '<h2>دخول موظفي المركز الرئيسي <span class="en" lang="en">HQ staff sign-in</span></h2>'
        f"{said}"
        '<label for="username">اسم المستخدم · Username</label>'
        '<input id="username" name="username" autocomplete="username" dir="ltr" required>'
        '<label for="password">كلمة المرور · Password</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password"'
        ' dir="ltr" required>'
        '<button type="submit" id="sign-in">دخول · Sign in</button></form>'
    )
    return page("لوحة المكاتب", "Office dashboard", body)


def _h2(ar: str, en: str) -> str:
    return f'<h2>{_e(ar)} <span class="en" lang="en">{_e(en)}</span></h2>'


def _th(ar: str, en: str) -> str:
    return f'<th>{_e(ar)}<span class="en" lang="en">{_e(en)}</span></th>'


def _egp(piastres: int) -> str:
    return f"{piastres / 100:,.2f}"


def _when(iso: str) -> str:
    if not iso:
        return "—"
    return cairo_local(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M")


def windows_section(states: list[WindowState], now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    rows = []
    for s in states:
        kind = "revoked" if s.revoked_at else "alarm" if s.alarms else "silent" if s.silent else ""
        ago = ""
        if s.last_sync_at:
            minutes = int((now - datetime.fromisoformat(s.last_sync_at)).total_seconds() // 60)
            ago = f" ({minutes} min)"
        offset = "—" if s.clock_offset_s is None else f"{round(s.clock_offset_s, 1) + 0:+.1f} s"
        rows.append(
            f'<tr class="{kind}" data-window="{_e(s.workstation_id)}">'
            f"<td>{_e(s.office_code)}</td><td class='n'>{s.window}</td>"
            f"<td class='n' data-f='last_sync'>{_e(_when(s.last_sync_at))}{ago}</td>"
            f"<td class='n' data-f='waiting'>{'—' if s.waiting is None else s.waiting}</td>"
            f"<td class='n' data-f='offset'>{_e(offset)}</td>"
            f"<td class='n' data-f='alarms'>{s.alarms}</td>"
            f"<td class='n' data-f='revoked'>{_e(_when(s.revoked_at)) if s.revoked_at else ''}</td>"
            "</tr>"
        )
    head = "".join(
        _th(ar, en)
        for ar, en in (
            ("المكتب", "Office"),
            ("الشباك", "Window"),
            ("آخر مزامنة", "Last sync"),
            ("قيود تنتظر", "Entries waiting"),
            ("فرق الساعة", "Clock offset"),
            ("إنذارات", "Alarms"),
            ("أُلغي", "Revoked"),
        )
    )
    return (
        f"<section id='windows'>{_h2('الشبابيك', 'Windows')}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _bars(items: list[tuple[str, int]], show: Callable[[int], str], css: str = "bar") -> str:
    """A horizontal bar chart (SVG) of named values."""
    if not items:
        return ""
    top = max(v for _, v in items) or 1
    height = 22 * len(items) + 10
    bars = []
    for i, (name, value) in enumerate(items):
        width = round(260 * value / top)
        y = 5 + 22 * i
        bars.append(
            f'<text x="0" y="{y + 14}">{_e(name)}</text>'
            f'<rect class="{css}" x="90" y="{y}" width="{width}" height="16"/>'
            f'<text x="{95 + width}" y="{y + 13}">{_e(show(value))}</text>'
        )
    return (
        f'<svg role="img" width="440" height="{height}" viewBox="0 0 440 {height}" '
        f'direction="ltr">{"".join(bars)}</svg>'
    )


def _columns(dates: list[str], values: list[int]) -> str:
    """A column chart (SVG) of one value per day."""
    top = max(values) or 1
    step = 28
    cols = []
    for i, (day, value) in enumerate(zip(dates, values, strict=True)):
        h = round(80 * value / top)
        x = 5 + step * i
        cols.append(
            f'<rect class="bar2" x="{x}" y="{100 - h}" width="18" height="{h}"><title>'
            f"{_e(day)}: {value}</title></rect>"
            f'<text x="{x}" y="114">{_e(day[8:])}</text>'
            + (f'<text x="{x}" y="{96 - h}">{value}</text>' if value else "")
        )
    width = 10 + step * len(dates)
    return (
        f'<svg role="img" width="{width}" height="120" viewBox="0 0 {width} 120" '
        f'direction="ltr">{"".join(cols)}</svg>'
    )


def day_section(business_day: str, names: dict[str, str], figures: dict[str, Any]) -> str:
    pick = (
        '<form class="pick" method="get" action="/dashboard/">'
        f'<label>اليوم · Day <input name="day" type="date" value="{_e(business_day)}"></label>'
        '<button type="submit">عرض · Show</button></form>'
    )
    rows, charts = [], []
    for code, office in figures.items():
        for window, f in [("", office), *office["windows"].items()]:
            scope = window or "all"
            rows.append(
                f"<tr data-office='{_e(code)}' data-scope='{_e(scope)}'>"
                f"<td>{_e(names.get(code, code)) if not window else ''}</td>"
                f"<td class='n'>{_e(window or 'الكل · all')}</td>"
                f"<td class='n' data-f='visits'>{f['visits']}</td>"
                f"<td class='n' data-f='transactions'>{f['transactions']}</td>"
                f"<td class='n' data-f='collections'>{_egp(f['collections_piastres'])}</td>"
                f"<td class='n' data-f='voids'>{len(f['voids'])}</td>"
                f"<td class='n' data-f='provisional'>{f['provisional']}</td></tr>"
            )
        per_window = [
            (f"W{w}", int(f["collections_piastres"])) for w, f in office["windows"].items()
        ]
        charts.append(
            f"<div class='chart'><h3>{_e(names.get(code, code))} · {_e(code)}</h3>"
            + _bars(per_window, lambda piastres: f"EGP {_egp(piastres)}")
            + "</div>"
        )
    head = "".join(
        _th(ar, en)
        for ar, en in (
            ("المكتب", "Office"),
            ("الشباك", "Window"),
            ("زيارات", "Visits"),
            ("معاملات", "Transactions"),
            ("التحصيل (ج.م)", "Collections (EGP)"),
            ("إلغاءات", "Voids"),
            ("مؤقت", "Provisional"),
        )
    )
    empty = "" if rows else "<p>لا قيود لهذا اليوم · No entries for this day</p>"
    return (
        f"<section id='day'><h2>أرقام يوم <bdi dir='ltr'>{_e(business_day)}</bdi> "
        f"<span class='en' lang='en'>Figures of {_e(business_day)}</span></h2>"
        f"{pick}{empty}<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f"</table><div class='charts'>{''.join(charts)}</div></section>"
    )


def trend_section(dates: list[str], series: dict[str, list[tuple[int, int]]]) -> str:
    charts = "".join(
        f"<div class='chart' data-office='{_e(code)}'><h3>{_e(code)}</h3>"
        + _columns(dates, [t for t, _ in values])
        + "</div>"
        for code, values in series.items()
    )
    return (
        f"<section id='trend'>{_h2('المعاملات في آخر أسبوعين', 'Transactions, last 14 days')}"
        f"<div class='charts'>{charts}</div></section>"
    )


def backlog_section(backlog: dict[str, dict[str, int]]) -> str:
    rows = "".join(
        f"<tr data-office='{_e(code)}' data-status='{_e(status)}'><td>{_e(code)}</td>"
        f"<td>{_e(status_name(status, 'ar'))}<span class='en' lang='en'> · "
        f"{_e(status_name(status, 'en'))}</span></td><td class='n'>{count}</td></tr>"
        for code, statuses in sorted(backlog.items())
        for status, count in sorted(statuses.items())
    )
    head = _th("المكتب", "Office") + _th("الحالة", "Status") + _th("طلبات", "Requests")
    empty = "" if rows else "<p>لا طلبات معلقة · No requests waiting</p>"
    return (
        f"<section id='backlog'>{_h2('الطلبات المعلقة', 'Request backlog')}{empty}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>"
    )
