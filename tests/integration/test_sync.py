"""Sync against the real HQ on 127.0.0.1: enrol, push a day, pull bundles, log in offline."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from counter_app.cli import main
from counter_app.domain.errors import InputError
from counter_app.services.clock import SimulatedClock
from counter_app.services.context import AppContext
from counter_app.services.simulate import first_simulated_day, simulate
from counter_app.services.sync import SyncProblem
from sync.protocol import key_fingerprint
from tests.helpers import open_demo, open_window
from tests.support.hq_server import RunningHq


def simulated_window(root: Path, days: int = 1, seed: int = 5, window: int = 1) -> AppContext:
    clock = SimulatedClock(datetime.now(UTC))
    ctx = (
        open_demo(root, clock=clock, sign_in=False)
        if window == 1
        else open_window(root, window=window, clock=clock)
    )
    simulate(ctx, clock, days=days, seed=seed, start=first_simulated_day(ctx, days))
    return ctx


def local_chain(ctx: AppContext) -> list[tuple[int, str]]:
    with ctx.db.read() as tx:
        return [(e.seq, e.hash) for e in tx.journal.entries()]


def test_enrol_push_a_day_pull_bundles_and_sign_in_offline(hq: RunningHq, tmp_path: Path) -> None:
    ctx = simulated_window(tmp_path / "window")
    enrolment = ctx.sync.enroll(hq.url, hq.enroll_code())
    assert enrolment.workstation_id == "ASW-0101-W01"
    hq.service.add_user("sara", "clerk", "ASW-0101", "سارة محمود", "4321")
    hq.service.add_instruction("ASW-0101-W01", "notice", "تعليمات", "Instruction text")

    before = local_chain(ctx)
    report = ctx.sync.sync_once()
    assert set(report.bundles) == {"catalogue", "users", "trust", "instructions", "requests"}
    # One sync ends with nothing waiting: the entries that applying the bundles recorded
    # went up too. HQ holds every entry exactly once, with the same hashes.
    after = local_chain(ctx)
    assert after[: len(before)] == before
    with ctx.db.read() as tx:
        added = Counter(e.entry_type for e in tx.journal.entries(after_seq=before[-1][0]))
        taken = len(tx.requests.waiting_submission(10**9)) + tx.requests.count_details()
    # Each bundle applied, and each request the day took submitted (and now "submitted").
    assert added == Counter(
        {"bundle.applied": 5, "request.submitted": taken, "request.status": taken}
    )
    assert taken > 0
    assert report.acked_seq == after[-1][0] and report.pushed == len(after)
    assert hq.journal_rows("ASW-0101-W01") == after
    assert ctx.uow.waiting_to_sync() == 0

    second = ctx.sync.sync_once()  # nothing new either way
    assert second.bundles == [] and second.pushed == 0
    assert hq.journal_rows("ASW-0101-W01") == local_chain(ctx)

    hq.kill()  # offline from here on
    clerk = ctx.session.sign_in("sara", "٤٣٢١")
    assert clerk.display_name == "سارة محمود"
    catalogue = ctx.catalogue.current()  # HQ's signed bundle, kept for offline use
    assert ctx.sync.bundle("catalogue") is not None
    assert "(HQ v1)" in ctx.catalogue.version_label()
    assert {"traffic_fines", "traffic_clearance"} <= {s.code for s in catalogue.services}
    instructions = ctx.sync.bundle("instructions")
    assert instructions is not None
    assert instructions.payload["items"][0]["text_en"] == "Instruction text"
    ctx.close()


def test_enrolment_codes_are_one_time_and_expire(hq: RunningHq, tmp_path: Path) -> None:
    code = hq.enroll_code()
    first = open_demo(tmp_path / "a", sign_in=False)
    first.sync.enroll(hq.url, code)
    other = open_demo(tmp_path / "b", sign_in=False)
    with pytest.raises(InputError) as used:
        other.sync.enroll(hq.url, code)
    assert "already been used" in used.value.message_en and used.value.message_ar
    with pytest.raises(InputError) as expired:
        other.sync.enroll(hq.url, hq.enroll_code(window=2, hours=-1))
    assert "expired" in expired.value.message_en
    with pytest.raises(InputError) as unknown:
        other.sync.enroll(hq.url, "AAAAA-BBBBB")
    assert "not known" in unknown.value.message_en
    assert other.sync.enrolment() is None
    first.close()
    other.close()


def test_enrolment_for_another_window_is_refused(hq: RunningHq, tmp_path: Path) -> None:
    ctx = open_demo(tmp_path / "w", sign_in=False)  # configured as window 1
    with pytest.raises(InputError, match=r"config\.toml"):
        ctx.sync.enroll(hq.url, hq.enroll_code(window=3))
    assert ctx.sync.enrolment() is None
    ctx.close()


def test_bundles_not_signed_by_the_enrolled_hq_are_refused(hq: RunningHq, tmp_path: Path) -> None:
    ctx = open_demo(tmp_path / "w", sign_in=False)
    ctx.sync.enroll(hq.url, hq.enroll_code())
    # An impostor answering with the same database but another signing key.
    impostor = RunningHq(tmp_path, hq.db_url, key_name="impostor-key.pem")
    impostor.start()
    try:
        enrolment = ctx.sync.enrolment()
        assert enrolment is not None
        assert key_fingerprint(impostor.service.public_key) != key_fingerprint(
            enrolment.hq_public_key
        )
        with ctx.db.write() as tx:
            tx.set_fact(
                "sync.enrolment",
                tx.fact("sync.enrolment").replace(  # type: ignore[union-attr]
                    hq.url, impostor.url
                ),
            )
        with pytest.raises(SyncProblem, match="not signed by HQ"):
            ctx.sync.sync_once()
        assert ctx.sync.bundle("catalogue") is None  # nothing from the impostor was kept
    finally:
        impostor.stop()
    ctx.close()


def test_enroll_sync_and_status_commands(
    hq: RunningHq, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "cli"
    assert main(["--profile", str(profile), "--demo", "simulate", "--days", "1"]) == 0
    assert (
        main(["--profile", str(profile), "enroll", "--hq", hq.url, "--code", hq.enroll_code()]) == 0
    )
    assert main(["--profile", str(profile), "sync"]) == 0
    out = capsys.readouterr().out
    assert "enrolled as ASW-0101-W01" in out and "pushed" in out
    assert main(["--profile", str(profile), "status"]) == 0
    assert "last sync:" in capsys.readouterr().out
    hq.kill()
    assert main(["--profile", str(profile), "sync"]) == 1
    assert "nothing is lost" in capsys.readouterr().err


def test_every_http_call_has_a_timeout(
    hq: RunningHq, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import requests

    calls: list[object] = []
    real = requests.Session.request

    def checked(self: requests.Session, method: str, url: str, **kwargs: object) -> object:
        assert kwargs.get("timeout") is not None, f"{method} {url} without a timeout"
        calls.append(kwargs["timeout"])
        return real(self, method, url, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(requests.Session, "request", checked)
    ctx = simulated_window(tmp_path / "w")
    ctx.sync.enroll(hq.url, hq.enroll_code())
    ctx.sync.sync_once()
    answer = ctx.sync.inquire_fines(national_id="29001012801235")
    assert answer.source.startswith("SIMULATED")
    assert answer.total_piastres == sum(f.amount_piastres for f in answer.fines)
    assert len(calls) >= 7
    ctx.close()


def test_clock_offset_is_measured_and_warned(
    hq: RunningHq,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import time as real_time

    import sync.client

    profile = tmp_path / "w"
    assert (
        main(
            [
                "--profile",
                str(profile),
                "--demo",
                "enroll",
                "--hq",
                hq.url,
                "--code",
                hq.enroll_code(),
            ]
        )
        == 0
    )

    class SlowClock:
        @staticmethod
        def time() -> float:
            return real_time.time() - 600  # this PC is ten minutes behind HQ

        monotonic = staticmethod(real_time.monotonic)

    monkeypatch.setattr(sync.client, "time", SlowClock)
    capsys.readouterr()
    assert main(["--profile", str(profile), "sync"]) == 0
    out = capsys.readouterr().out
    found = re.search(r"WARNING: this computer's clock differs from HQ by (-?\d+) s", out)
    assert found is not None and 595 <= int(found.group(1)) <= 605, out
