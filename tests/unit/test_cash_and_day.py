"""The drawer, the caps and the day's figures as pure rules: counts by denomination, the
tender table a shift closes with, when a cap warns and when it needs a supervisor, and
the figures a day report (the window's and HQ's) is made of."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.caps import CapStanding
from counter_app.domain.cash import (
    DENOMINATIONS,
    CashCount,
    Movement,
    Payment,
    beyond_tolerance,
    reason_names,
    signed_money,
    tender_table,
)
from counter_app.domain.day_figures import DayEntry, day_figures, serial_ranges
from counter_app.domain.errors import InputError

SMALLEST = min(DENOMINATIONS)


@given(st.integers(min_value=0, max_value=50_000_000))
def test_making_an_amount_uses_the_fewest_pieces_and_drops_only_what_no_coin_holds(
    amount: int,
) -> None:
    count = CashCount.making(amount)
    assert count.total == amount - amount % SMALLEST
    # Greedy on these denominations is the fewest pieces: no denomination could be
    # swapped for a larger one, so each count stays below what the next one up makes.
    for smaller, larger in zip(DENOMINATIONS[1:], DENOMINATIONS, strict=False):
        assert count.count_of(smaller) * smaller < larger or larger % smaller
    assert CashCount.from_payload(count.as_payload()) == count


def test_a_typed_count_reads_pounds_by_pieces_in_either_digits() -> None:
    count = CashCount.parse("200x3, 0.25×4, ٥٠x٢, 200x1")
    assert (count.count_of(20000), count.count_of(25), count.count_of(5000)) == (4, 4, 2)
    assert count.total == 4 * 20000 + 4 * 25 + 2 * 5000


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("200", "count"),  # no pieces
        ("abc x 2", "count"),
        ("300x1", "denomination"),  # no EGP 300 note
        ("200x-1", "count"),
        ("1x100001", "count"),  # more pieces than a drawer holds
    ],
)
def test_a_count_that_cannot_be_read_is_refused_in_both_languages(text: str, field: str) -> None:
    with pytest.raises(InputError) as refused:
        CashCount.parse(text)
    assert refused.value.field == field
    assert refused.value.message_ar and refused.value.message_en


def test_the_tender_table_adds_up_and_a_void_gives_the_money_back_from_this_drawer() -> None:
    payments = [
        Payment(10, 1, (("cash", 2500),)),
        Payment(12, 2, (("cash", 1000), ("card", 4000))),
    ]
    voids = [Payment(12, 2, (("cash", 1000), ("card", 4000)), voided_seq=14)]
    movements = [Movement(15, 5000, "change_fund"), Movement(16, -2000, "safe_deposit")]
    rows = {
        r.tender: r
        for r in tender_table(50000, payments, voids, movements, {"cash": 55000, "card": 0})
    }
    cash, card, prepaid = rows["cash"], rows["card"], rows["prepaid"]
    assert (cash.taken, cash.voided, cash.paid_in, cash.paid_out) == (3500, 1000, 5000, 2000)
    assert cash.expected == 50000 + 3500 - 1000 + 5000 - 2000
    assert cash.difference == 55000 - cash.expected
    assert (card.expected, card.difference, prepaid.expected) == (0, 0, 0)
    assert cash.as_payload()["difference"] == cash.difference


def test_the_tolerance_is_inclusive_and_a_difference_keeps_its_sign() -> None:
    rows = tender_table(0, [Payment(1, 1, (("cash", 1000),))], [], [], {"cash": 500})
    assert rows[0].difference == -500
    assert beyond_tolerance(rows, 500) == []
    assert beyond_tolerance(rows, 499) == [rows[0]]
    assert signed_money(-500, "en").startswith("-") and signed_money(500, "en").startswith("+")
    assert not signed_money(0, "en").startswith(("+", "-"))


def test_a_cash_movement_needs_a_known_reason() -> None:
    assert all(reason_names("out", "safe_deposit"))
    with pytest.raises(InputError):
        reason_names("in", "birthday")


def test_a_cap_warns_from_four_fifths_and_needs_a_supervisor_only_beyond_it() -> None:
    standing = CapStanding(cash=0, cash_cap=10000, certificates=0, certificates_cap=10)
    assert not standing.near
    assert standing.after(7999, 0).near is False
    assert standing.after(8000, 0).near and not standing.after(8000, 0).beyond
    assert not standing.after(10000, 10).beyond  # at the cap: still within
    over = standing.after(10001, 11)
    assert over.cash_beyond and over.certificates_beyond
    refusal = over.refusal()
    assert refusal.field == "unsynced_cap"
    assert "EGP 100.01" in refusal.message_en and "11" in refusal.message_en
    assert "١١" in refusal.message_ar
    only_certificates = standing.after(0, 11).refusal()
    assert "cash" not in only_certificates.message_en


def _entry(
    seq: int,
    kind: str,
    payload: dict[str, object],
    hour_utc: int = 6,
    window: str = "W1",
    clerk: str = "mona",
) -> DayEntry:
    return DayEntry(seq, kind, payload, clerk, datetime(2026, 11, 28, hour_utc, tzinfo=UTC), window)


def _payment(seq: int, uuid: str, total: int, window: str = "W1", hour_utc: int = 6) -> DayEntry:
    return _entry(
        seq,
        "payment.recorded",
        {
            "payment": uuid,
            "total": total,
            "tenders": [{"kind": "cash", "amount": total}],
            "lines": [{"service": "traffic_fines", "amount": total}],
        },
        hour_utc,
        window,
    )


def test_the_day_counts_standing_payments_per_window_by_cairo_hour() -> None:
    entries = [
        _payment(1, "a", 2500),
        _payment(2, "b", 4000, hour_utc=9),
        _entry(3, "approval.granted", {"action": "void", "requested_by": "mona"}, clerk="ahmed"),
        _entry(
            4,
            "payment.voided",
            {
                "payment": "b",
                "total": 4000,
                "approved_by": "ahmed",
                "reason": "wrong service",
                "receipt": 2,
            },
        ),
        # The same payment identity at another window is another payment (HQ adds up).
        _payment(1, "a", 1000, window="W2"),
        _entry(5, "sheet.used", {"serial": 101}),
        _entry(6, "sheet.used", {"serial": 102}),
        _entry(7, "sheet.spoiled", {"serial": 104}),
        _entry(8, "request.captured", {"service": "licence_renewal"}),
    ]
    figures = day_figures(entries)
    assert (figures["visits"], figures["transactions"]) == (3, 2)
    assert figures["collections_piastres"] == 2500 + 1000
    assert figures["by_tender"]["cash"] == {"count": 2, "piastres": 3500}
    assert figures["by_hour"] == {"08": 3500}  # 06:00 UTC is 08:00 in Cairo
    assert [v["approved_by"] for v in figures["voids"]] == ["ahmed"]
    assert figures["approvals"][0]["approved_by"] == "ahmed"
    assert figures["sheets"] == {"used": [101, 102], "spoiled": [104]}
    assert figures["requests"] == {"licence_renewal": 1}
    assert serial_ranges(figures["sheets"]["used"] + [103, 110]) == [(101, 103), (110, 110)]
