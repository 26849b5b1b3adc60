"""Silent gaps: where an open shift went without a heartbeat (domain.heartbeat)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from counter_app.domain.day_figures import DayEntry, day_figures
from counter_app.domain.heartbeat import (
    HEARTBEAT,
    INTERVAL,
    SILENT_AFTER,
    Mark,
    shift_of,
    silent_gaps,
)

T0 = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)  # 09:00 in Cairo


def marks(*minutes: float, shift: int = 10, window: str = "") -> list[Mark]:
    return [
        Mark(window, shift, shift + i, "mona", T0 + timedelta(minutes=m))
        for i, m in enumerate(minutes)
    ]


def test_regular_beats_and_one_missed_beat_are_not_a_gap() -> None:
    step = INTERVAL.total_seconds() / 60
    assert silent_gaps(marks(*(step * i for i in range(12)))) == []
    assert silent_gaps(marks(0, step, 3 * step)) == []  # one beat missed (a slow print job)


def test_a_quiet_stretch_is_one_gap_with_its_ends() -> None:
    rows = marks(0, 5, 10, 47, 52)
    [gap] = silent_gaps(rows)
    assert (gap.after_seq, gap.before_seq) == (rows[2].seq, rows[3].seq)
    assert (gap.start, gap.end) == (rows[2].time, rows[3].time)
    assert gap.minutes == 37 and gap.clerk == "mona"
    assert gap.as_payload()["from"] == rows[2].time.isoformat(timespec="seconds")


def test_the_limit_is_two_missed_beats() -> None:
    limit = SILENT_AFTER.total_seconds() / 60
    assert silent_gaps(marks(0, limit)) == []
    assert len(silent_gaps(marks(0, limit + 0.5))) == 1


def test_gaps_are_per_shift_and_window_and_a_clock_set_back_is_not_one() -> None:
    # Two windows beating in turn: neither is silent, though their marks interleave.
    both = marks(0, 10, 20, 30, window="W01") + marks(5, 15, 25, 35, window="W02")
    assert silent_gaps(both) == []
    # A shift closed at 10:00 and the next opened at 11:00: the hour between is no gap.
    assert silent_gaps(marks(0, 5, shift=10) + marks(65, 70, shift=20)) == []
    # The wall clock set back an hour between two beats.
    assert silent_gaps(marks(0, 5, -55, -50)) == []


def test_the_day_figures_list_gaps_from_the_journal_entries() -> None:
    def entry(seq: int, kind: str, minute: float, **payload: object) -> DayEntry:
        return DayEntry(seq, kind, payload, "mona", T0 + timedelta(minutes=minute))

    entries = [
        entry(10, "shift.opened", 0),
        entry(11, HEARTBEAT, 1, shift=10),
        entry(12, "identity.captured", 3),
        entry(13, HEARTBEAT, 6, shift=10),
        entry(14, HEARTBEAT, 40, shift=10),  # 34 minutes with nothing signed
        entry(15, "shift.closed", 42, first_seq=11, tenders=[]),
    ]
    assert [shift_of(e.entry_type, e.payload, e.seq) for e in entries] == [
        10,
        10,
        None,
        10,
        10,
        10,
    ]
    [gap] = day_figures(entries)["silent_gaps"]
    assert (gap["after_seq"], gap["before_seq"], gap["minutes"]) == (13, 14, 34)
