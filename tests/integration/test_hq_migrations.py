"""HQ's migrations are frozen files: what they create does not follow later edits of
hq.schema, so an edit without its own revision shows here as a difference between the
migrated database and hq.schema (SQLite and PostgreSQL)."""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Engine, MetaData, String, Table, event, inspect

from hq.db import make_engine, migrate
from hq.partitions import is_partition
from hq.schema import metadata
from hq.versions import current
from sync import credentials
from tests.helpers import open_demo
from tests.support import hq_server
from tests.support.hq_server import RunningHq

WS = "ASW-0101-W01"

VERSIONS = Path(__file__).parents[2] / "hq" / "migrations" / "versions"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_hq_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    dropped = None
    if request.param == "postgresql":
        if not hq_server.POSTGRES_URL:
            pytest.skip("PostgreSQL variant: no server here (set HQ_TEST_POSTGRES_URL)")
        url, dropped = hq_server.fresh_postgres_database()
    else:
        url = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    engine = make_engine(url)
    yield engine
    engine.dispose()
    if dropped:
        hq_server.drop_postgres_database(dropped)


def differences(engine: Engine, target: MetaData) -> list[object]:
    """What differs, the journal's day partitions (PostgreSQL) not being tables of their own."""

    def include(name: str | None, type_: str, _parents: object) -> bool:
        return not (type_ == "table" and is_partition(name))

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include})
        return list(compare_metadata(context, target))


def test_the_migrations_build_exactly_hq_schema(empty_hq_database: Engine) -> None:
    migrate(empty_hq_database)
    assert differences(empty_hq_database, metadata) == []
    migrate(empty_hq_database)  # a second run finds nothing to do
    assert differences(empty_hq_database, metadata) == []


def test_a_schema_edit_without_a_revision_is_seen(empty_hq_database: Engine) -> None:
    """The check above can fail: a column added to the schema alone is a difference."""
    migrate(empty_hq_database)
    edited = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(edited)
    extra = edited.tables["offices"]
    assert isinstance(extra, Table)
    extra.append_column(Column("motto", String(40), nullable=True))
    found = differences(empty_hq_database, edited)
    assert any("motto" in str(diff) for diff in found)
    assert "motto" not in {c["name"] for c in inspect(empty_hq_database).get_columns("offices")}


def test_no_revision_reads_the_live_schema() -> None:
    """Frozen: a revision writes its tables out; it never imports hq.schema."""
    revisions = sorted(VERSIONS.glob("h*.py"))
    assert revisions
    for path in revisions:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        assert not any(name and name.startswith("hq") for name in imported), path.name
        called = {
            node.func.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        }
        assert "create_all" not in called and "create" not in called, path.name


def test_a_change_committed_while_a_bundle_is_read_is_never_behind_its_version(
    hq: RunningHq, tmp_path: Path
) -> None:
    """An instruction for the window commits between the statements that build its
    instructions bundle. Whatever version the bundle names, its content holds every
    change up to that version: a window storing it never misses one for good."""
    if hq.db_url.startswith("sqlite"):
        pytest.skip("SQLite HQ transactions begin IMMEDIATE: nothing commits mid-read there")
    ctx = open_demo(tmp_path / "window")
    ctx.sync.enroll(hq.url, hq.enroll_code())
    token = credentials.load(WS)
    assert token is not None
    ws = hq.service.authenticate(token.token)
    hq.service.add_instruction(WS, "notice", "أولى", "first")
    committed: list[bool] = []

    def in_between(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        # Right after the first of the bundle's two reads (its version, its content).
        if not committed and (
            "FROM bundle_versions" in statement or "FROM instructions" in statement
        ):
            committed.append(True)
            hq.service.add_instruction(WS, "notice", "ثانية", "second")

    event.listen(hq.service.engine, "after_cursor_execute", in_between)
    try:
        bundle = hq.service.bundle(ws, "instructions")
    finally:
        event.remove(hq.service.engine, "after_cursor_execute", in_between)
    ctx.close()
    assert committed
    texts = [item["text_en"] for item in bundle.payload["items"]]
    with hq.service.engine.connect() as conn:
        latest = current(conn, "instructions", WS)
    assert latest == 2
    # Version 2 may only be named with the second instruction in it.
    assert bundle.version < latest or "second" in texts
    assert "first" in texts


def test_two_changes_at_once_get_two_versions(hq: RunningHq) -> None:
    """Two instructions for one window committed at the same moment: each is a version
    of its own (read-then-write gave both the same number, so a window holding the first
    never fetched the second)."""
    if hq.db_url.startswith("sqlite"):
        pytest.skip("SQLite HQ transactions begin IMMEDIATE: two changes never overlap there")
    hq.service.add_instruction(WS, "notice", "أولى", "first")
    with hq.service.engine.connect() as conn:
        before = current(conn, "instructions", WS)
    # Both writers meet after reading the counter, if they read it at all.
    both_read = threading.Barrier(2, timeout=20)

    def meet(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "bundle_versions" in statement:
            both_read.wait()

    failures: list[BaseException] = []

    def instruct(text: str) -> None:
        try:
            hq.service.add_instruction(WS, "notice", text, text)
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    event.listen(hq.service.engine, "after_cursor_execute", meet)
    try:
        writers = [threading.Thread(target=instruct, args=(t,)) for t in ("second", "third")]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
    finally:
        event.remove(hq.service.engine, "after_cursor_execute", meet)
    assert failures == []
    with hq.service.engine.connect() as conn:
        assert current(conn, "instructions", WS) == before + 2
