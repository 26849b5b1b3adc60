"""Debian's chromium, headless, driven by selenium through Debian's chromedriver, with a
phone-sized viewport. `.ci/run` installs both packages; elsewhere the tests skip and say so."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE = {"width": 390, "height": 844, "pixelRatio": 2.0}  # a common phone's CSS viewport
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


DESK = {"width": 1280, "height": 1000, "pixelRatio": 1.0}  # a supervisor's screen at HQ


@pytest.fixture
def phone() -> Iterator[webdriver.Chrome]:
    yield from _chromium(PHONE)


@pytest.fixture
def desk() -> Iterator[webdriver.Chrome]:
    yield from _chromium(DESK)


def _chromium(metrics: dict[str, float]) -> Iterator[webdriver.Chrome]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("needs Debian's chromium and chromium-driver (apt install; .ci/run does)")
    profile = tempfile.mkdtemp(prefix="chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--lang=ar",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
