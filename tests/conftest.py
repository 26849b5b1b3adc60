"""Shared fixtures: an in-memory keyring (never the machine's), profiles in tmp folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class MemoryKeyring(KeyringBackend):
    """A keyring that lives and dies with the test: secrets never touch disk."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def profile_dir(tmp_path: Path) -> Path:
    return tmp_path / "profile"


# ---- a real HQ on loopback ------------------------------------------------------------------

from tests.support import hq_server  # noqa: E402

HQ_BACKENDS = ["sqlite", "postgresql"]


def pytest_report_header() -> str:
    if hq_server.POSTGRES_URL:
        return "HQ tests run on SQLite and on PostgreSQL (HQ_TEST_POSTGRES_URL)"
    return "HQ tests run on SQLite only: set HQ_TEST_POSTGRES_URL to add PostgreSQL"


@pytest.fixture(params=HQ_BACKENDS)
def hq(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[hq_server.RunningHq]:
    dropped = None
    if request.param == "postgresql" and not hq_server.POSTGRES_URL:
        pytest.skip("PostgreSQL variant: no server here (set HQ_TEST_POSTGRES_URL; .ci/run does)")
    if request.param == "postgresql":
        url, dropped = hq_server.fresh_postgres_database()
    else:
        url = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    server = hq_server.RunningHq(tmp_path, url)
    server.add_office()
    server.start()
    yield server
    server.stop()
    if dropped:
        hq_server.drop_postgres_database(dropped)
