"""A replacement PC for a window whose PC died: HQ revokes the old workstation and issues
a code for the same window; the new PC enrols with an empty store, its chain continues
from the last entry HQ held from the old one, and HQ's copy of the window, its figures and
the auditor's export run on across the change. What the dead PC never sent is lost with
it (docs/operations.md says to restore its backup instead when the disk can be read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from counter_app.cli import main as counter_main
from counter_app.domain.errors import InputError
from counter_app.services.clock import SimulatedClock
from counter_app.services.config import load_config, render_config
from counter_app.services.context import AppContext
from counter_app.services.demo import open_demo_workstation
from counter_app.services.enrolment import request_enrolment
from counter_app.services.journal_check import verify_journal
from counter_app.services.profile import Profile
from counter_app.services.simulate import first_simulated_day, simulate
from counter_app.services.sync import SyncProblem
from hq.cli import main as hq_main
from hq.day_report import SUMMARY, day_report
from tests.helpers import open_window
from tests.support.hq_server import RunningHq

WINDOW = "ASW-0101-W01"


def chain(ctx: AppContext) -> list[tuple[int, str]]:
    with ctx.db.read() as tx:
        return [(e.seq, e.hash) for e in tx.journal.entries()]


def signed_head(hq: RunningHq) -> tuple[object, object]:
    with hq.engine.connect() as conn:
        row = conn.execute(
            text("SELECT signed_head_seq, signed_head_hash FROM workstations WHERE id = :w"),
            {"w": WINDOW},
        ).one()
    return (row[0], row[1])


def test_a_replacement_pc_continues_the_windows_journal_at_hq(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = SimulatedClock(datetime.now(UTC))
    old = open_window(tmp_path / "old-pc", window=1, clock=clock)
    start = first_simulated_day(old, 3)
    simulate(old, clock, days=1, seed=3, start=start)
    old.sync.enroll(hq.url, hq.enroll_code(1))
    old.sync.sync_once()
    held = hq.journal_rows(WINDOW)
    assert held == chain(old)
    simulate(old, clock, days=1, seed=4, start=start + timedelta(days=1))
    never_sent = chain(old)[len(held) :]
    assert never_sent  # the PC dies with a day it never synced

    hq.service.revoke_workstation(WINDOW)
    code = hq.enroll_code(1)

    # A store that already holds entries cannot become the window: HQ says so before
    # spending the code.
    with pytest.raises(InputError) as refused:
        open_window(tmp_path / "used-pc", window=1, clock=clock).sync.enroll(hq.url, code)
    assert "empty store" in refused.value.message_en and refused.value.message_ar

    # The IT officer enrols the new PC as a new window is enrolled: no profile yet.
    profile = Profile(tmp_path / "new-pc")
    enrol = ["--profile", str(profile.root), "enroll", "--hq", hq.url, "--code", code]
    assert counter_main(enrol) == 0  # the same code: it was not spent
    assert f"enrolled as {WINDOW}" in capsys.readouterr().out
    # The old PC's last signed head is not the new PC's to vouch for (a restore on the
    # new PC checks HQ's entries against it with the new PC's key).
    assert signed_head(hq) == (None, None)
    # This test's clerks and devices are the demo's (simulate uses them).
    written = load_config(profile.config_path)
    assert (written.office.code, written.window.number) == ("ASW-0101", 1)
    demo = render_config(
        office_code="ASW-0101",
        name_ar=written.office.name_ar,
        name_en=written.office.name_en,
        window=1,
        demo=True,
        hq_url=hq.url,
    )
    profile.config_path.write_text(demo, encoding="utf-8")
    new_clock = SimulatedClock(datetime.now(UTC))
    new = open_demo_workstation(profile, clock=new_clock, log_to_file=False)
    third = start + timedelta(days=2)
    simulate(new, new_clock, days=1, seed=5, start=third)
    mine = chain(new)
    # The new PC's first entry follows the last one HQ held from the old PC.
    assert mine[0][0] == held[-1][0] + 1
    with new.db.read() as tx:
        first = tx.journal.get(mine[0][0])
    assert first is not None and first.prev_hash == held[-1][1]
    checked = verify_journal(new.db)
    assert checked.ok and checked.entries == len(mine)

    report = new.sync.sync_once()
    assert report.acked_seq == chain(new)[-1][0]
    # HQ's copy of the window: the old PC's entries it held, then the new PC's, one chain.
    assert hq.journal_rows(WINDOW) == held + chain(new)
    assert new.uow.waiting_to_sync() == 0
    assert signed_head(hq) == chain(new)[-1]  # the new PC's own, from its first push

    # The old PC's token opens nothing now.
    with pytest.raises(SyncProblem):
        old.sync.sync_once()
    assert hq.journal_rows(WINDOW) == held + chain(new)

    # HQ's figures for window 1 run on: the old PC's day and the new PC's day, each as
    # that PC counted it.
    with hq.engine.connect() as conn:
        for ctx, day in ((old, start), (new, third)):
            at_hq = day_report(conn, day.isoformat())["offices"]["ASW-0101"]["windows"]["1"]
            own = ctx.day_report.report(day.isoformat())
            assert {k: at_hq[k] for k in SUMMARY} == {k: own[k] for k in SUMMARY}

    # The auditor's export verifies across the change: each heartbeat against the key of
    # the PC that wrote it.
    out = tmp_path / "export"
    days = ["--from", start.isoformat(), "--to", third.isoformat()]
    assert hq_main(["--db", hq.db_url, "--key-file", str(hq.key_file), "export", *days,
                    "--out", str(out)]) == 0  # fmt: skip
    from tests.integration.test_audit_export import rows, verify

    code_, said = verify(out, "--hq-key", hq.service.public_key)
    assert code_ == 0, said
    keys = [r for r in rows(out / "workstations.csv") if r["workstation_id"] == WINDOW]
    assert [int(k["first_seq"]) for k in keys] == [1, held[-1][0] + 1]
    assert keys[0]["revoked_at"] and not keys[1]["revoked_at"]
    old.close()
    new.close()


def test_a_retired_pcs_documents_stay_valid_and_its_window_takes_a_new_pc(
    hq: RunningHq, capsys: pytest.CaptureFixture[str]
) -> None:
    """Retiring (a dead or wiped PC) stops its token but keeps its key trusted, so what it
    printed still verifies; revoking (a stolen PC) also puts its key on the trust list."""

    def stop(action: str) -> int:
        return hq_main(["--db", hq.db_url, "--key-file", str(hq.key_file),
                        "workstation", action, "ASW-0101-W02"])  # fmt: skip

    def revoked_keys() -> set[str]:
        return {r["public_key"] for r in hq.service.trust_list().payload["revoked"]}

    def head(token: str) -> int:
        answer = requests.get(
            hq.url + "/v1/journal/head", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        return answer.status_code

    dead = request_enrolment(hq.url, hq.enroll_code(2)).answer
    assert stop("retire") == 0
    assert "retired" in capsys.readouterr().out
    assert head(dead.token) == 403
    assert dead.certificate.public_key not in revoked_keys()
    assert stop("retire") == 2 and stop("revoke") == 2  # once is enough; nothing changes
    assert "already stopped" in capsys.readouterr().err
    assert dead.certificate.public_key not in revoked_keys()

    new = request_enrolment(hq.url, hq.enroll_code(2)).answer
    assert new.workstation_id == "ASW-0101-W02" and new.chain_seq == 0  # HQ held nothing
    assert (head(new.token), head(dead.token)) == (200, 401)
    assert stop("revoke") == 0
    assert revoked_keys() == {new.certificate.public_key}
    assert head(new.token) == 403
