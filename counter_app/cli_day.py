"""The end of the day from the command line, for an IT officer or a supervisor:

    counter-app close-day [--day D]
    counter-app acknowledge-tamper --supervisor NAME --note TEXT   (PIN asked)
    counter-app day-report [--day D] [--format text|json|pdf] [--lang ar|en] [--out FILE] [--print]

`close-day` exits 0 only when the day is closed and confirmed by HQ, and otherwise says
what is still waiting and why.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from counter_app.services.context import AppContext
from counter_app.services.day_close import STEP_NAMES, describe
from printing.day_report import day_report_pdf, day_report_text

EXIT_OK, EXIT_CHECK_FAILED = 0, 1


def add_parsers(sub: Any) -> None:
    ack = sub.add_parser(
        "acknowledge-tamper", help="a supervisor acknowledges what the tamper check found"
    )
    ack.add_argument("--supervisor", required=True, help="the supervisor's username")
    ack.add_argument("--note", required=True, help="what the supervisor knows of the cause")
    close = sub.add_parser("close-day", help="close the business day; exit 0 when HQ confirms it")
    close.add_argument("--day", default="", help="the business day, YYYY-MM-DD (today)")
    report = sub.add_parser("day-report", help="the day report: text, JSON or PDF")
    report.add_argument("--day", default="", help="the business day, YYYY-MM-DD (today)")
    report.add_argument("--format", choices=("text", "json", "pdf"), default="text")
    report.add_argument("--lang", dest="report_lang", choices=("ar", "en"), help="one language")
    report.add_argument("--out", type=Path, help="write to this file (pdf: day-report-D.pdf)")
    report.add_argument(
        "--print", dest="print_it", action="store_true", help="also print the thermal summary"
    )


def acknowledge_tamper(ctx: AppContext, args: argparse.Namespace) -> int:
    """A supervisor has seen what was found and says what they know; the PIN is read from
    the terminal (or the first line of standard input when there is no terminal)."""
    held = ctx.evidence.held_by
    if held is None:
        print("nothing waits to be acknowledged / لا يوجد ما يحتاج إقرارًا")
        return EXIT_OK
    with ctx.db.read() as tx:
        entry = tx.journal.get(held)
    if entry is not None:
        for finding in entry.payload_data().get("findings", []):
            print(f"entry {held}: {finding['kind']}: {finding['detail']}")
    pin = getpass.getpass("PIN: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    ctx.evidence.acknowledge(args.supervisor, pin, args.note)
    print(f"acknowledged by {args.supervisor}; operations resume / استؤنفت العمليات")
    return EXIT_OK


def close_day(ctx: AppContext, args: argparse.Namespace) -> int:
    def progress(step: str, done: int, total: int) -> None:
        ar, en = STEP_NAMES[step]
        counted = f" ({done}/{total})" if total > 1 else ""
        print(f"... {en}{counted} / {ar}", flush=True)

    state = ctx.day_close.close_day(progress, day=args.day)
    print(f"{state.business_day}: {describe(state, 'en')} / {describe(state, 'ar')}")
    if state.status == "confirmed":
        print(f"HQ holds every entry up to {state.last_seq}; backup {state.backup}")
        return EXIT_OK
    if state.reason_en:
        print(f"stopped at '{state.step}': {state.reason_en}", file=sys.stderr)
        print(state.reason_ar, file=sys.stderr)
    for r in ctx.day_close.ranges(state.business_day):
        if not r["acknowledged"]:
            print(f"waiting for HQ: entries {r['first']}-{r['last']}", file=sys.stderr)
    print("run close-day again to finish / أعد تشغيل close-day لإتمام الإغلاق", file=sys.stderr)
    return EXIT_CHECK_FAILED


def day_report(ctx: AppContext, args: argparse.Namespace) -> int:
    report = ctx.day_report.report(args.day)
    if args.format == "json":
        text = json.dumps(report, ensure_ascii=False, indent=2, default=list)
        _emit(text, args.out)
    elif args.format == "pdf":
        out = args.out or Path(f"day-report-{report['business_day']}.pdf")
        out.write_bytes(day_report_pdf(report))
        print(f"wrote {out}")
    else:
        langs = (args.report_lang,) if args.report_lang else ("ar", "en")
        _emit("\n".join(day_report_text(report, lang) for lang in langs), args.out)
    if args.print_it:
        outcome = ctx.printing.print_day_summary(report, ctx.session.current_username())
        if outcome.status != "printed":
            print(f"the summary did not print: {outcome.error}", file=sys.stderr)
            return EXIT_CHECK_FAILED
    return EXIT_OK


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
