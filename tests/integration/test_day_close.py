"""Shifts and the end of the day through the services and the command line, against the
real HQ on 127.0.0.1: counts, differences, the closed day, the failed backup, the close
offline confirmed later, HQ's figures equal to the window's, instructions answered."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from counter_app.cli import main
from counter_app.domain.cash import DEFAULT_TOLERANCE, CashCount
from counter_app.domain.errors import InputError
from counter_app.domain.money import Money
from counter_app.domain.visit import Tender, VisitLine
from counter_app.services.clock import SimulatedClock
from counter_app.services.context import AppContext
from counter_app.services.recorder import DayClosed
from hq import schema as hq_tables
from hq.cli import main as hq_main
from hq.day_report import day_report, instruction_answers
from tests.helpers import open_demo
from tests.integration.test_sync import simulated_window
from tests.support.hq_server import RunningHq


def served_one(ctx: AppContext, cash: int = 0) -> None:
    """A fee paid in cash (what the clerk would take for the simplest service)."""
    ctx.visit.add([VisitLine("traffic_fines", "رسم", "Fee", Money(cash))])
    outcome = ctx.visit.pay(ctx.visit.request([Tender("cash", Money(cash))]))
    ctx.visit.clear()
    for printed in outcome.prints:
        printed.result()


def test_shift_counts_explain_and_approve_a_shortage(tmp_path: Path) -> None:
    ctx = open_demo(tmp_path / "w", clock=SimulatedClock(datetime(2026, 11, 29, 8, tzinfo=UTC)))
    try:
        float_500 = CashCount.of({20000: 2, 5000: 2})
        # The drawer was empty (no close before): a float that differs needs a reason.
        with pytest.raises(InputError) as unexplained:
            ctx.shifts.open_shift(float_500)
        assert unexplained.value.code == "explanation"
        ctx.shifts.open_shift(float_500, "first float, from the office safe")
        served_one(ctx, 2500)
        ctx.shifts.move_cash("out", Money(10000), "safe_deposit", "to the safe")
        with pytest.raises(InputError) as refused:
            ctx.shifts.move_cash("in", Money(100), "birthday")
        assert refused.value.code == "reason"
        summary = ctx.shifts.summary({"cash": 0})
        cash = summary.rows[0]
        assert (cash.opening, cash.taken, cash.paid_out, cash.expected) == (
            50000,
            2500,
            10000,
            42500,
        )
        # Counted EGP 20 short: beyond the EGP 5 tolerance.
        short = CashCount.making(42500 - 2000)
        with pytest.raises(InputError) as no_reason:
            ctx.shifts.close_shift(short)
        assert no_reason.value.code == "explanation"
        with pytest.raises(InputError) as no_supervisor:
            ctx.shifts.close_shift(short, explanation="a note given as change twice")
        assert no_supervisor.value.code == "approver"
        clerk = ctx.session.require_clerk()
        with pytest.raises(InputError):  # nobody approves their own difference
            ctx.shifts.close_shift(short, explanation="a note given twice", supervisor=clerk)
        assert ctx.shifts.is_open()
        supervisor = ctx.session.check_credentials("ahmed", "9876", purpose="cash_difference")
        record = ctx.shifts.close_shift(
            short, explanation="a note given as change twice", supervisor=supervisor
        )
        assert record["approved_by"] == "ahmed"
        cash_row = next(r for r in record["tenders"] if r["tender"] == "cash")
        assert cash_row["difference"] == -2000  # recorded, never zeroed
        assert record["first_seq"] <= record["last_seq"] < record["closed_seq"]
        assert record["grand_total"] == 2500
        # The next shift starts from what this one left: a different float is explained.
        opening = ctx.shifts.opening()
        assert opening.expected == short.total
        with pytest.raises(InputError) as differs:
            ctx.shifts.open_shift(CashCount.of({20000: 1}))
        assert differs.value.code == "explanation"
        ctx.shifts.open_shift(CashCount.of(opening.previous_count))
    finally:
        ctx.close()


def test_a_closed_day_refuses_operations_and_a_failed_backup_stops_the_close(
    tmp_path: Path,
) -> None:
    clock = SimulatedClock(datetime(2026, 11, 29, 8, tzinfo=UTC))
    ctx = open_demo(tmp_path / "w", clock=clock)
    try:
        ctx.shifts.open_shift()
        served_one(ctx, 1500)
        state = ctx.day_close.close_day()
        assert state.status == "open" and state.step == ""  # a shift is still open
        table = {r.tender: r.expected for r in ctx.shifts.summary().rows}
        ctx.shifts.close_shift(CashCount.making(table["cash"]))
        # The backup folder cannot be written: the close stops there, shown as failed.
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the backup folder should be")
        ctx.day_close.backup_folder = blocker / "backups"
        state = ctx.day_close.close_day()
        assert (state.status, state.step) == ("failed", "backup")
        assert "backup" in state.reason_en.lower()
        with pytest.raises(DayClosed):  # the day is marked closed already
            ctx.shifts.open_shift()
        ctx.day_close.backup_folder = tmp_path / "backups"
        state = ctx.day_close.close_day()  # the retry: not enrolled, so it waits for HQ
        assert state.status == "closed" and state.step == "sync"
        assert len(list((tmp_path / "backups").glob("counter-*.db"))) == 1
        with pytest.raises(DayClosed):
            served_one(ctx, 500)
        with pytest.raises(DayClosed):
            ctx.queue.issue_ticket("T")
        clock.set(datetime(2026, 11, 30, 6, tzinfo=UTC))  # the next business day opens
        ctx.shifts.open_shift(CashCount.of(ctx.shifts.opening().previous_count))
    finally:
        ctx.close()


def test_close_offline_then_confirmed_and_hq_equals_the_window(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "window"
    ctx = simulated_window(root)
    ctx.sync.enroll(hq.url, hq.enroll_code())
    hq.service.add_instruction("ASW-0101-W01", "refund", "رد ٥ جنيهات", "Refund EGP 5")
    hq.service.add_instruction("ASW-0101-W01", "notice", "تنبيه", "A notice")
    ctx.sync.sync_once()
    day = ctx.day_close.today()
    ctx.session.sign_in("mona", "1234")
    first, second = ctx.instructions.pending()
    ctx.instructions.answer(first.id, accepted=True)
    with pytest.raises(InputError):  # a dispute says why
        ctx.instructions.answer(second.id, accepted=False, note="")
    ctx.instructions.answer(second.id, accepted=False, note="already refunded on Monday")
    hq.kill()
    state = ctx.day_close.close_day()
    assert state.status == "closed" and state.waiting > 0
    waiting = ctx.day_report.report()
    assert not waiting["closed_and_confirmed"]
    assert any(not r["acknowledged"] for r in waiting["ranges"])
    ctx.close()

    # The command line runs on the real clock: the simulated day is named.
    assert main(["--profile", str(root), "close-day", "--day", day]) == 1  # HQ still away
    assert "waiting for HQ" in capsys.readouterr().err
    hq.start()
    assert main(["--profile", str(root), "close-day", "--day", day]) == 0
    capsys.readouterr()
    assert main(["--profile", str(root), "day-report", "--day", day, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["closed_and_confirmed"] and report["business_day"] == day
    assert all(r["acknowledged"] for r in report["ranges"])
    assert report["transactions"] > 0

    with hq.service.engine.connect() as conn:
        at_hq = day_report(conn, day, "ASW-0101")["offices"]["ASW-0101"]["windows"]["1"]
        answers = {a["id"]: a for a in instruction_answers(conn, "ASW-0101-W01")}
    for name in ("visits", "transactions", "collections_piastres", "by_tender", "by_service"):
        assert at_hq[name] == report[name], name
    assert answers[first.id]["answer"] == "accepted"
    assert answers[second.id]["answer"] == "disputed"
    assert answers[second.id]["note"] == "already refunded on Monday"


def test_hq_sets_the_caps_and_the_window_holds_to_them(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = open_demo(tmp_path / "w", clock=SimulatedClock(datetime.now(UTC)))
    try:
        ctx.sync.enroll(hq.url, hq.enroll_code())
        admin = ["--db", hq.db_url, "--key-file", str(hq.key_file), "office", "limits"]
        assert hq_main([*admin, "ASW-0101", "--certificates-cap", "0"]) == 2  # refused
        assert "out of bounds" in capsys.readouterr().err
        assert hq_main([*admin, "NOWHERE", "--cash-cap", "30"]) == 2
        assert hq_main([*admin, "ASW-0101", "--cash-cap", "30", "--certificates-cap", "5"]) == 0
        assert "EGP 30.00" in capsys.readouterr().out
        assert ctx.limits.limits().source == "default"  # until the window syncs
        ctx.sync.sync_once()
        limits = ctx.limits.limits()
        assert (limits.source, limits.unsynced_cash_cap, limits.unsynced_certificates_cap) == (
            "hq",
            3000,
            5,
        )
        assert limits.cash_tolerance == DEFAULT_TOLERANCE  # not set at HQ: the default

        ctx.shifts.open_shift(CashCount.of({}))
        served_one(ctx, 2500)
        assert ctx.limits.standing().near and not ctx.limits.standing().beyond
        ctx.visit.add([VisitLine("traffic_fines", "رسم", "Fee", Money(2500))])
        request = ctx.visit.request([Tender("cash", Money(2500))])
        with pytest.raises(InputError) as beyond:
            ctx.visit.pay(request)
        assert beyond.value.code == "unsynced_cap" and "EGP 50.00" in beyond.value.message_en
        with pytest.raises(InputError):
            ctx.visit.pay(request, "ahmed", "0000")  # a wrong PIN approves nothing
        outcome = ctx.visit.pay(request, "ahmed", "9876")
        assert not outcome.done.replayed
        ctx.visit.clear()
        ctx.sync.sync_once()
        # HQ holds the approval, by the supervisor, with the figures the window saw.
        with hq.engine.connect() as conn:
            rows = conn.execute(
                select(
                    hq_tables.journal_entries.c.clerk, hq_tables.journal_entries.c.payload
                ).where(hq_tables.journal_entries.c.entry_type == "approval.granted")
            ).all()
        approvals = [(clerk, json.loads(p)) for clerk, p in rows]
        assert [(c, p["action"], p["unsynced_cash_piastres"]) for c, p in approvals] == [
            ("ahmed", "unsynced_cap", 5000)
        ]
        # Synced, the window holds nothing HQ has not seen: the next payment needs nobody.
        assert not ctx.limits.standing().near
        served_one(ctx, 2500)
    finally:
        ctx.close()
