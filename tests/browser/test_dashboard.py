"""The office dashboard in a real browser, after a simulated day at three windows: an HQ
staff member signs in by keyboard, and every figure shown equals the window's own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from counter_app.services.clock import SimulatedClock
from counter_app.services.context import AppContext
from counter_app.services.simulate import first_simulated_day, simulate
from hq.evidence import record_alarm
from hq.staff import add_staff
from tests.browser.conftest import SCREENSHOTS
from tests.helpers import open_demo, open_window
from tests.support.hq_server import OFFICE, RunningHq

PASSWORD = "a long HQ password"


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[RunningHq]:
    server = RunningHq(tmp_path, f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    server.add_office()
    add_staff(server.engine, "huda", "هدى سالم", PASSWORD)
    server.start(tick_s=0)
    yield server
    server.stop()


def simulated_day(root: Path, window: int, seed: int) -> AppContext:
    clock = SimulatedClock(datetime.now(UTC))
    ctx = (
        open_demo(root, clock=clock, sign_in=False)
        if window == 1
        else open_window(root, window=window, clock=clock)
    )
    simulate(ctx, clock, days=1, seed=seed, start=first_simulated_day(ctx, 1))
    return ctx


def shown(desk: webdriver.Chrome, css: str) -> dict[str, str]:
    row = desk.find_element(By.CSS_SELECTOR, css)
    return {
        c.get_attribute("data-f"): c.text for c in row.find_elements(By.CSS_SELECTOR, "td[data-f]")
    }


def sign_in(desk: webdriver.Chrome, url: str, password: str) -> None:
    desk.get(f"{url}/dashboard/")  # not signed in: the sign-in page
    WebDriverWait(desk, 10).until(lambda d: d.find_elements(By.ID, "username"))
    desk.find_element(By.ID, "username").send_keys("huda", Keys.TAB, password, Keys.ENTER)


def test_the_dashboard_shows_each_windows_state_and_the_windows_own_figures(
    hq: RunningHq, desk: webdriver.Chrome, tmp_path: Path
) -> None:
    windows = [simulated_day(tmp_path / f"w{n}", n, seed=10 + n) for n in (1, 2, 3)]
    for n, ctx in enumerate(windows, start=1):
        ctx.sync.enroll(hq.url, hq.enroll_code(n))
        ctx.sync.sync_once()
    with hq.engine.begin() as conn:
        record_alarm(conn, "ASW-0101-W02", (7, "window_reported", "a test's alarm"))
    hq.service.revoke_workstation("ASW-0101-W03")
    reports = [ctx.day_report.report(_busiest_day(ctx)) for ctx in windows]
    day = reports[0]["business_day"]
    assert all(r["business_day"] == day for r in reports)  # the same simulated day

    sign_in(desk, hq.url, "not the password")
    WebDriverWait(desk, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".problem"))
    assert "Wrong username or password" in desk.find_element(By.CSS_SELECTOR, ".problem").text
    sign_in(desk, hq.url, PASSWORD)
    WebDriverWait(desk, 10).until(lambda d: d.find_elements(By.ID, "windows"))
    assert "هدى سالم" in desk.find_element(By.TAG_NAME, "header").text

    desk.get(f"{hq.url}/dashboard/?day={day}")
    WebDriverWait(desk, 10).until(lambda d: d.find_elements(By.ID, "day"))
    desk.save_screenshot(str(SCREENSHOTS / "dashboard-day.png"))
    # Each window's state: synced just now, nothing waiting, its clock, alarms, revoked.
    for report in reports:
        state = shown(desk, f"tr[data-window='{report['workstation']}']")
        assert state["waiting"] == "0"
        assert state["offset"].endswith(" s")
        assert abs(float(state["offset"].removesuffix(" s"))) < 5
        assert "(0 min)" in state["last_sync"] or "(1 min)" in state["last_sync"]
    assert shown(desk, "tr[data-window='ASW-0101-W02']")["alarms"] == "1"
    assert shown(desk, "tr[data-window='ASW-0101-W01']")["alarms"] == "0"
    assert shown(desk, "tr[data-window='ASW-0101-W03']")["revoked"] != ""
    # The day's figures: each window's equal its own day report, the office's their sum.
    for report in reports:
        row = shown(desk, f"tr[data-office='{OFFICE}'][data-scope='{report['window']}']")
        assert row["visits"] == str(report["visits"])
        assert row["transactions"] == str(report["transactions"])
        assert row["collections"] == f"{report['collections_piastres'] / 100:,.2f}"
        assert row["voids"] == str(len(report["voids"]))
    office = shown(desk, f"tr[data-office='{OFFICE}'][data-scope='all']")
    assert office["transactions"] == str(sum(r["transactions"] for r in reports))
    collected = sum(r["collections_piastres"] for r in reports)
    assert office["collections"] == f"{collected / 100:,.2f}"
    # Charts: a bar per window, and the trend's column for the day.
    bars = desk.find_elements(By.CSS_SELECTOR, "#day svg rect.bar")
    assert len(bars) == 3
    titles = [
        t.get_attribute("textContent") for t in desk.find_elements(By.CSS_SELECTOR, "#trend title")
    ]
    assert f"{day}: {sum(r['transactions'] for r in reports)}" in titles
    # The request backlog: the requests the windows took and HQ has not finished.
    taken = sum(sum(r["requests"].values()) for r in reports)
    counts = [int(c.text) for c in desk.find_elements(By.CSS_SELECTOR, "#backlog td.n")]
    assert sum(counts) == taken > 0
    desk.execute_script("document.getElementById('trend').scrollIntoView()")
    desk.save_screenshot(str(SCREENSHOTS / "dashboard-trend.png"))

    desk.find_element(By.CSS_SELECTOR, "header button").send_keys(Keys.ENTER)  # sign out
    WebDriverWait(desk, 10).until(lambda d: d.find_elements(By.ID, "username"))
    desk.get(f"{hq.url}/dashboard/")
    assert desk.find_elements(By.ID, "username")  # the session is gone
    for ctx in windows:
        ctx.close()


def _busiest_day(ctx: AppContext) -> str:
    with ctx.db.read() as tx:
        days = [e.business_day for e in tx.journal.entries() if e.entry_type == "payment.recorded"]
    return max(set(days), key=days.count)
