"""Telling a scanner's burst from typing, and what a scan is: fuzzed streams never crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counter_app.domain.errors import InputError
from counter_app.domain.scan import MAX_GAP_S, BurstAssembler, Scan, classify

NID = "29001010100015"
MRZ1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"


def feed(assembler: BurstAssembler, text: str, gap: float, start: float = 100.0) -> str | None:
    at, result = start, None
    for ch in [*text, "\n"]:
        result = assembler.feed(ch, at)
        at += gap
    return result


def test_a_fast_run_ended_by_enter_is_a_burst_and_typing_is_not() -> None:
    assert feed(BurstAssembler(), NID, 0.004) == NID
    assert feed(BurstAssembler(), NID, 0.12) is None  # a person typing
    assert feed(BurstAssembler(), "1234", 0.004) is None  # too short to be a scan here


def test_a_pause_before_the_burst_starts_a_new_one() -> None:
    assembler = BurstAssembler()
    assembler.feed("x", 0.0)
    assembler.feed("y", 0.5)  # typed, then the scanner fires
    assert feed(assembler, NID, 0.003, start=2.0) == NID


def test_what_a_scan_is() -> None:
    assert classify(NID) == Scan("national_id", NID)
    assert classify("٢٩٠٠١٠١٠١٠٠٠١٥") == Scan("national_id", NID)
    assert classify(MRZ1.lower()) == Scan("mrz_line", MRZ1)
    assert classify("CQ1|ASW-0101|2026-11-30|T-17") == Scan(
        "ticket", "T-17", office="ASW-0101", day="2026-11-30"
    )
    with pytest.raises(InputError) as refused:
        classify("HELLO-WORLD-1234")
    assert refused.value.field == "scan" and "16 characters" in refused.value.message_en


@settings(max_examples=300)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.characters(), st.just("\n"), st.sampled_from("0123456789<PCQ|-")),
            st.floats(min_value=-1, max_value=1, allow_nan=False),
        ),
        max_size=400,
    )
)
def test_any_stream_of_keys_gives_scans_or_refusals_never_a_crash(
    keys: list[tuple[str, float]],
) -> None:
    assembler = BurstAssembler()
    at = 0.0
    for key, gap in keys:
        at += abs(gap) * MAX_GAP_S * 3
        burst = assembler.feed(key, at)
        if burst is None:
            continue
        try:
            scan = classify(burst)
        except InputError as refused:
            assert refused.message_ar and refused.message_en
        else:
            assert scan.kind in ("national_id", "mrz_line", "ticket")
