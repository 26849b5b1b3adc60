"""The visit's arithmetic and the catalogue's checks: pure domain, no I/O."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.catalogue import CatalogueError, parse_catalogue
from counter_app.domain.errors import InputError
from counter_app.domain.fines import check_provisional
from counter_app.domain.money import Money
from counter_app.domain.visit import Tender, VisitLine, check_approval_code, settle
from resources import default_catalogue_path


def lines(*piastres: int) -> list[VisitLine]:
    return [VisitLine("traffic_fines", "رسم", "Fee", Money(p)) for p in piastres]


def test_cash_gives_change_and_cards_pay_exactly() -> None:
    cash = settle(lines(20000, 500), [Tender("cash", Money(50000))])
    assert cash.total == Money(20500) and cash.change == Money(29500)
    split = settle(
        lines(20500), [Tender("card", Money(10000), "A1B2C3"), Tender("cash", Money(20000))]
    )
    assert split.paid_by("card") == Money(10000) and split.paid_by("cash") == Money(10500)
    assert split.change == Money(9500)


@pytest.mark.parametrize(
    ("tenders", "field"),
    [
        ([Tender("cash", Money(100))], "cash"),  # short
        ([Tender("card", Money(30000), "A1B2")], "tender_amount"),  # no cash back on a card
        ([Tender("card", Money(20500), "A1B2"), Tender("cash", Money(100))], "cash"),
        ([Tender("cash", Money(10000)), Tender("cash", Money(20000))], "tender"),
    ],
)
def test_tenders_that_do_not_add_up_are_refused(tenders: list[Tender], field: str) -> None:
    with pytest.raises(InputError) as refused:
        settle(lines(20500), tenders)
    assert refused.value.field == field and refused.value.message_ar


def test_bad_amounts_and_codes_are_refused() -> None:
    with pytest.raises(InputError):
        Tender("cash", Money(0))
    with pytest.raises(InputError):
        Tender("cheque", Money(100))
    with pytest.raises(InputError):
        settle([], [Tender("cash", Money(100))])
    assert check_approval_code(" ab12cd ") == "AB12CD"
    with pytest.raises(InputError):
        check_approval_code("12")


@given(
    st.lists(st.integers(1, 500_000), min_size=1, max_size=8),
    st.integers(0, 100),
    st.integers(0, 1_000_000),
)
def test_what_the_tenders_pay_always_adds_up_to_the_total(
    fees: list[int], card_share: int, extra_cash: int
) -> None:
    total = sum(fees)
    card = total * card_share // 100
    tenders = [Tender("card", Money(card), "AB12")] if card else []
    due = total - card
    if due:
        tenders.append(Tender("cash", Money(due + extra_cash)))
    settled = settle(lines(*fees), tenders)
    assert sum((a for _k, a in settled.applied), Money(0)) == settled.total == Money(total)
    assert settled.change == Money(extra_cash if due else 0)


def test_provisional_payment_only_against_a_recent_inquiry() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    check_provisional(now - timedelta(hours=23), now, 24)
    with pytest.raises(InputError) as refused:
        check_provisional(now - timedelta(hours=25), now, 24)
    assert "25 h" in refused.value.message_en and "24 h" in refused.value.message_en


def test_the_default_catalogue_is_valid_and_searchable_in_both_languages() -> None:
    catalogue = parse_catalogue(json.loads(default_catalogue_path().read_text(encoding="utf-8")))
    codes = {s.code for s in catalogue.services}
    assert {"traffic_fines", "traffic_clearance", "licence_renewal", "mobile_link"} <= codes
    assert all(f.source for s in catalogue.services for f in s.fees)
    assert [s.code for s in catalogue.search("شهاده براءة")] == ["traffic_clearance"]
    assert catalogue.search("licence")[0].code == "licence_renewal"
    assert [s.code for s in catalogue.search("MOBILE_LINK")] == ["mobile_link"]


def test_a_bad_catalogue_names_each_field() -> None:
    document = json.loads(default_catalogue_path().read_text(encoding="utf-8"))
    document["services"][0]["kind"] = "magic"
    document["services"][1]["code"] = document["services"][2]["code"]
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(document)
    assert [p for p, _m in refused.value.problems] == ["services[0].kind"]
    document["services"][0]["kind"] = "fines"
    document["services"][4]["group"] = "Z"
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(document)
    paths = [p for p, _m in refused.value.problems]
    assert "services[2].code" in paths and "services[4].group" in paths
    assert "services[4].group" in refused.value.message_ar
