"""The store a restore replaces is kept aside under a name of its own, even when a
restore runs again within the same second (after one was cut short): never an error,
never one kept store over another."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from counter_app.services import restore


class _SameSecond(datetime):
    @classmethod
    def now(cls, tz: object = None) -> _SameSecond:  # type: ignore[override]
        return cls(2026, 11, 30, 5, 26, 31)


def test_restores_within_one_second_keep_each_store_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(restore, "datetime", _SameSecond)
    current = tmp_path / "counter.db"
    kept = []
    for content in (b"first store", b"second store", b"third store"):
        current.write_bytes(content)
        Path(f"{current}-wal").write_bytes(content + b" wal")
        aside = restore._keep_aside(current)
        assert aside is not None
        kept.append(aside)
        current.unlink()  # the restored copy takes the name (replaced, in the restore)
        current.write_bytes(b"restored")
    assert len(set(kept)) == 3
    assert [k.read_bytes() for k in kept] == [b"first store", b"second store", b"third store"]
    assert [Path(f"{k}-wal").read_bytes() for k in kept] == [
        b"first store wal",
        b"second store wal",
        b"third store wal",
    ]
