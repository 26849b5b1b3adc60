"""`hq-server`: set up and run the headquarters service.

hq-server [--db URL] [--key-file PATH] init
hq-server office add CODE --name NAME [--name-ar NAME] --governorate GOV
hq-server office limits CODE [--cash-tolerance EGP] [--cash-cap EGP] [--certificates-cap N]
hq-server enroll-code OFFICE --window N [--hours H]
hq-server user add USERNAME --role clerk|supervisor|admin --office CODE --name NAME
hq-server workstation revoke ID | workstation retire ID
hq-server client-version VERSION
hq-server instruction add WORKSTATION --text-ar .. --text-en .. [--kind notice]
hq-server instruction list [--workstation ID]
hq-server report --day D [--office CODE] [--format table|csv|json]
hq-server alarms
hq-server partitions [--day D ...]
hq-server staff add USERNAME --name NAME [--password-stdin]
hq-server export --from D1 --to D2 [--office CODE] --out DIR
hq-server catalogue import FILE | catalogue show
hq-server prepaid add NUMBER --balance EGP
hq-server serve [--host 127.0.0.1] [--port 8765] [--workers N] [--access-log FILE] [--rate-scale F]
    [--pushes N] [--push-queue N]
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from counter_app.domain.errors import InputError
from counter_app.domain.money import Money
from counter_app.domain.queue import figures_table
from counter_app.domain.requests import tracking_key
from hq.admission import DEFAULT_LIMIT, DEFAULT_QUEUE
from hq.agencies.fines import SimulatedTrafficProsecution
from hq.agencies.requests import Agencies
from hq.audit.export import export
from hq.catalogue import describe, import_catalogue, read_catalogue_file
from hq.day_report import day_report, instruction_answers, render
from hq.db import behind, make_engine, migrate
from hq.errors import HqError
from hq.keys import KeyFileError, create_key_file, load_key_file
from hq.limits import set_office_limits
from hq.partitions import ensure_ahead, partitions_command
from hq.queue_figures import office_day_figures
from hq.requests import RequestDesk
from hq.serve import Served, serve
from hq.service import HqService
from hq.settlement import Settlement
from hq.staff import add_staff

ROLES = ("clerk", "supervisor", "admin")


def _workstation_parser(ws: Any) -> None:
    ws.add_parser(
        "revoke", help="a stolen or suspect PC: its token and its key (its documents show revoked)"
    ).add_argument("workstation_id")
    ws.add_parser(
        "retire", help="a dead or wiped PC: its token only (its documents stay valid)"
    ).add_argument("workstation_id")


def _office_parser(office: Any) -> None:
    add_office = office.add_parser("add")
    add_office.add_argument("code")
    add_office.add_argument("--name", required=True, help="the office's name in English")
    add_office.add_argument("--name-ar", default="", help="the office's name in Arabic")
    add_office.add_argument("--governorate", required=True)
    limits = office.add_parser("limits", help="the office's cash tolerance and unsynced caps")
    limits.add_argument("code")
    limits.add_argument("--cash-tolerance", help="EGP a shift may close out unexplained")
    limits.add_argument("--cash-cap", help="EGP of cash a window may hold unsynced")
    limits.add_argument("--certificates-cap", type=int, help="certificates it may hold unsynced")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r}: اكتب اليوم هكذا 2026-11-30 / write the day as YYYY-MM-DD"
        ) from None


def _journal_parsers(sub: Any) -> None:
    sub.add_parser("alarms", help="list tamper alarms")
    parts = sub.add_parser("partitions", help="the journal's day partitions (PostgreSQL)")
    parts.add_argument(
        "--day",
        action="append",
        default=[],
        type=_day,
        help="also make this day's partition (YYYY-MM-DD), moving its entries there",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hq-server", description="Counter App headquarters")
    parser.add_argument("--db", default="sqlite:///hq.sqlite3", help="database URL")
    parser.add_argument(
        "--key-file",
        type=Path,
        default=Path("hq-signing-key.pem"),
        help="HQ's Ed25519 signing key (PEM, made by init)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create the schema, the signing key and the catalogue")
    _office_parser(sub.add_parser("office").add_subparsers(dest="action", required=True))
    code = sub.add_parser("enroll-code", help="print a one-time enrolment code")
    code.add_argument("office")
    code.add_argument("--window", type=int, required=True)
    code.add_argument("--hours", type=float, default=24.0, help="validity (default 24)")
    user = sub.add_parser("user").add_subparsers(dest="action", required=True)
    add_user = user.add_parser("add")
    add_user.add_argument("username")
    add_user.add_argument("--role", choices=ROLES, required=True)
    add_user.add_argument("--office", required=True)
    add_user.add_argument("--name", help="display name (default: the username)")
    sub.add_parser(
        "client-version", help="the window version HQ approves (windows behind it say so)"
    ).add_argument("version")
    _workstation_parser(sub.add_parser("workstation").add_subparsers(dest="action", required=True))
    instruction = sub.add_parser("instruction").add_subparsers(dest="action", required=True)
    add_ins = instruction.add_parser("add")
    add_ins.add_argument("workstation_id")
    add_ins.add_argument("--text-ar", required=True)
    add_ins.add_argument("--text-en", required=True)
    add_ins.add_argument("--kind", default="notice")
    listing = instruction.add_parser("list", help="instructions and the windows' answers")
    listing.add_argument("--workstation", default="")
    report = sub.add_parser("report", help="a day's figures per office and window")
    report.add_argument("--day", required=True, help="the business day, YYYY-MM-DD")
    report.add_argument("--office", default="")
    report.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _journal_parsers(sub)
    _add_audit_commands(sub)
    cat = sub.add_parser("catalogue").add_subparsers(dest="action", required=True)
    cat.add_parser("import", help="check and import a catalogue (JSON)").add_argument(
        "file", type=Path
    )
    cat.add_parser("show", help="the catalogue in force")
    prepaid = sub.add_parser("prepaid").add_subparsers(dest="action", required=True)
    add_card = prepaid.add_parser("add", help="register a prepaid service card")
    add_card.add_argument("number")
    add_card.add_argument("--balance", required=True, help="balance in EGP, e.g. 500.00")
    _add_request_commands(sub)
    serve = sub.add_parser("serve")
    serve.add_argument(
        "--tick",
        type=float,
        default=5.0,
        help="seconds between SMS deliveries and agency steps (0: never)",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes answering on the port, sharing the database (PostgreSQL)",
    )
    serve.add_argument(
        "--pushes",
        type=int,
        default=DEFAULT_LIMIT,
        help="journal pushes each process works on at once (hq/admission.py)",
    )
    serve.add_argument(
        "--push-queue",
        type=int,
        default=DEFAULT_QUEUE,
        help="pushes each process lets wait; past them it answers 503 with Retry-After",
    )
    serve.add_argument(
        "--access-log",
        type=Path,
        help="append one line per request (address, method, path, status) to this file",
    )
    serve.add_argument(
        "--rate-scale",
        type=float,
        default=1.0,
        help="multiply every caller's request rate (many windows behind one address)",
    )
    serve.add_argument(
        "--fines-adapter",
        default="hq.agencies.fines:SimulatedTrafficProsecution",
        help="module:Class of the traffic prosecution adapter (default: the SIMULATOR)",
    )
    return parser


def _audit(service: HqService, args: argparse.Namespace) -> int:
    """The dashboard's staff, and the auditor's export."""
    if args.command == "staff":
        password = (
            sys.stdin.readline().rstrip("\n")
            if args.password_stdin
            else getpass.getpass("password (10 characters or more): ")
        )
        add_staff(service.engine, args.username, args.name, password)
        print(f"{args.username} may sign in at /dashboard/")
        return 0
    if args.command == "export":
        written = export(
            service.engine, service.key, args.out, args.day_from, args.day_to, args.office
        )
        for name, rows in written.items():
            print(f"{name}.csv: {rows} rows")
        print(f"check it with: python3 {args.out / 'verify_export.py'} {args.out}")
        return 0
    return 2


def _add_audit_commands(sub: Any) -> None:
    people = sub.add_parser("staff").add_subparsers(dest="action", required=True)
    member = people.add_parser("add", help="an HQ staff member for the office dashboard")
    member.add_argument("username")
    member.add_argument("--name", required=True, help="the name the dashboard shows")
    member.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    audit = sub.add_parser("export", help="the auditor's export (docs/audit-export.md)")
    audit.add_argument("--from", dest="day_from", required=True, help="first business day")
    audit.add_argument("--to", dest="day_to", required=True, help="last business day")
    audit.add_argument("--office", default="", help="one office (default: every office)")
    audit.add_argument("--out", type=Path, required=True, help="a new or empty folder")


def _add_request_commands(sub: Any) -> None:
    req = sub.add_parser("requests", help="requests delivered later").add_subparsers(
        dest="action", required=True
    )
    listing = req.add_parser("list", help="the latest requests (500 at most)")
    listing.add_argument("--status", default="")
    listing.add_argument("--office", default="")
    req.add_parser("show", help="one request's stages").add_argument("tracking")
    advance = req.add_parser("advance", help="move requests on as their agencies would")
    advance.add_argument("tracking", nargs="?", default="")
    advance.add_argument("--to", default="", help="the status to move it to")
    advance.add_argument(
        "--due", action="store_true", help="every request whose next stage is due now"
    )
    queue = sub.add_parser("queue", help="queue figures of an office").add_subparsers(
        dest="action", required=True
    )
    fig = queue.add_parser("figures", help="waits, service times, no-shows, ratings of a day")
    fig.add_argument("--office", required=True)
    fig.add_argument("--day", required=True, help="the business day, YYYY-MM-DD")
    fig.add_argument("--target", type=float, default=20, help="the target wait in minutes")
    fig.add_argument("--json", action="store_true")


def _read_pin() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("PIN: ")
        if getpass.getpass("PIN again: ") != first:
            raise HqError("pin", "الرقمان السريان مختلفان.", "The two PINs differ.", status=400)
        return first
    return sys.stdin.readline().strip()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    engine = make_engine(args.db)
    try:
        if args.command == "init":
            migrate(engine)
            ensure_ahead(engine, date.today())
            key = create_key_file(args.key_file)
            service = HqService(engine, key)
            service.seed_catalogue()
            print(f"HQ ready: database {args.db}, signing key {args.key_file}")
            print(f"HQ public key: {service.public_key}")
            return 0
        if behind(engine):
            raise HqError(
                "upgrade",
                "قاعدة بيانات المركز أقدم من هذا البرنامج: شغّل hq-server init لترقيتها.",
                "HQ's database is older than this program: run `hq-server init` to upgrade it "
                "(it keeps every row).",
                status=400,
            )
        service = HqService(engine, load_key_file(args.key_file))
        if args.command == "serve":
            return serve(
                Served(
                    args.db,
                    args.key_file,
                    args.fines_adapter,
                    args.tick,
                    args.access_log,
                    args.pushes,
                    args.push_queue,
                    args.rate_scale,
                ),
                args.host,
                args.port,
                args.workers,
            )
        return _admin(service, args)
    except (HqError, InputError) as exc:
        print(exc.bilingual(), file=sys.stderr)
        return 2
    except KeyFileError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except IntegrityError as exc:
        print(f"refused: that already exists ({exc.orig})", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _admin(service: HqService, args: argparse.Namespace) -> int:
    if args.command == "requests":
        _requests(RequestDesk(service.engine, Agencies.simulated(service.engine)), args)
        return 0
    if args.command in ("staff", "export"):
        return _audit(service, args)
    if args.command in ("report", "partitions"):
        if args.command == "partitions":
            sys.stdout.write(partitions_command(service.engine, date.today(), args.day))
        else:
            with service.engine.connect() as conn:
                sys.stdout.write(render(day_report(conn, args.day, args.office), args.format))
        return 0
    if args.command == "instruction" and args.action == "list":
        with service.engine.connect() as conn:
            for item in instruction_answers(conn, args.workstation):
                note = f" ({item['note']})" if item.get("note") else ""
                print(
                    f"{item['id']:>5}  {item['workstation']}  {item['kind']:<12} "
                    f"{item['answer']:<9}{note}  {item['text_en'][:60]}"
                )
        return 0
    if args.command == "queue":
        with service.engine.connect() as conn:
            result = office_day_figures(conn, args.office, args.day, args.target)
        print(json.dumps(result, indent=1) if args.json else figures_table(result))
        return 0
    return _office_admin(service, args)


def _windows_admin(service: HqService, args: argparse.Namespace) -> None:
    if args.command == "client-version":
        service.set_client_version(args.version)
        print(f"windows older than {args.version.strip()} will tell their IT officer")
    elif args.action == "retire":
        service.retire_workstation(args.workstation_id)
        print(f"workstation {args.workstation_id} retired: enrol its replacement with a new code")
    else:
        service.revoke_workstation(args.workstation_id)
        print(f"workstation {args.workstation_id} revoked: its key and the documents it printed")


def _office_admin(service: HqService, args: argparse.Namespace) -> int:
    if args.command == "office":
        _office(service, args)
    elif args.command == "enroll-code":
        code = service.make_enroll_code(
            args.office, args.window, valid_for=timedelta(hours=args.hours)
        )
        print(code)
    elif args.command == "user":
        pin = _read_pin()
        if not (pin.isdigit() and 4 <= len(pin) <= 8):
            raise HqError(
                "pin", "الرقم السري من 4 إلى 8 أرقام.", "The PIN is 4 to 8 digits.", status=400
            )
        service.add_user(args.username, args.role, args.office, args.name or args.username, pin)
        print(f"user {args.username} added to {args.office}")
    elif args.command in ("workstation", "client-version"):
        _windows_admin(service, args)
    elif args.command == "instruction":
        service.add_instruction(args.workstation_id, args.kind, args.text_ar, args.text_en)
        print("instruction queued")
    elif args.command == "catalogue" and args.action == "import":
        version, catalogue = import_catalogue(service.engine, read_catalogue_file(args.file))
        print(
            f"catalogue version {version} imported: {len(catalogue.services)} services "
            f"({catalogue.version_label}); windows receive it at their next sync"
        )
    elif args.command == "catalogue":
        print(describe(service.engine))
    elif args.command == "prepaid":
        if not (args.number.isdigit() and len(args.number) == 16):
            raise HqError("card", "رقم الكارت 16 رقمًا", "The card number is 16 digits", status=400)
        balance = Money.parse(args.balance)
        Settlement(service.engine, SimulatedTrafficProsecution()).add_prepaid_card(
            args.number, balance.piastres
        )
        print(f"prepaid card {args.number} added with {balance.format('en')}")
    elif args.command == "alarms":
        for alarm in service.tamper_alarms():
            print(
                f"{alarm['raised_at']} {alarm['workstation_id']} seq {alarm['seq']}: "
                f"{alarm['kind']}: {alarm['detail']}"
            )
    return 0


def _office(service: HqService, args: argparse.Namespace) -> None:
    if args.action == "add":
        service.add_office(args.code, args.name, args.governorate, args.name_ar)
        print(f"office {args.code} added")
        return
    held = set_office_limits(
        service.engine,
        args.code,
        cash_tolerance=_piastres(args.cash_tolerance),
        cash_cap=_piastres(args.cash_cap),
        certificates_cap=args.certificates_cap,
    )
    print(
        f"office {args.code}: cash tolerance "
        f"{Money(held['cash_tolerance_piastres']).format('en')}, unsynced cash cap "
        f"{Money(held['unsynced_cash_cap_piastres']).format('en')}, unsynced certificates "
        f"cap {held['unsynced_certificates_cap']}; windows receive them at their next sync"
    )


def _piastres(text: str | None) -> int | None:
    return None if text is None else Money.parse(text).piastres


def _requests(desk: RequestDesk, args: argparse.Namespace) -> None:
    if args.action == "list":
        for row in desk.listing(args.status, args.office):
            print(
                f"{row.tracking}  {row.office_code}  {row.service:<26} {row.status:<22} "
                f"{row.updated_at}"
            )
    elif args.action == "show":
        history = desk.history(tracking_key(args.tracking))
        print(f"{history.tracking}  {history.service}  office {history.office_code}")
        print(f"now: {history.status}  {history.consignment}")
        for stage in history.stages:
            print(f"  {stage.at}  {stage.status:<22} {stage.note_en}")
    elif args.tracking:
        status = desk.advance(tracking_key(args.tracking), args.to)
        print(f"{args.tracking}: {status}")
    elif args.due:
        for tracking, status in desk.advance_due():
            print(f"{tracking}: {status}")
    else:
        raise HqError(
            "usage", "اذكر رقم التتبع أو --due", "Name a tracking number or give --due", status=400
        )
    desk.deliver_sms()


if __name__ == "__main__":
    raise SystemExit(main())
