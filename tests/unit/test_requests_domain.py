"""The request's rules: the tracking number's check character, the stages, the form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.errors import InputError
from counter_app.domain.requests import (
    ALPHABET,
    FINAL,
    NEXT,
    STATUSES,
    RequestForm,
    check_form,
    check_transition,
    clean_mobile,
    make_tracking_number,
    tracking_key,
)

FIELDS = ("licence", "postal_address", "mobile")


@given(
    office=st.sampled_from(["ASW-0101", "CAI-0001", "ALX-2207"]),
    window=st.integers(1, 9),
    serial=st.integers(1, 999_999),
)
def test_every_single_mistyped_character_and_swap_is_refused(
    office: str, window: int, serial: int
) -> None:
    printed = make_tracking_number(office, window, serial)
    key = tracking_key(printed)
    assert tracking_key(printed.lower().replace("-", " ")) == key  # spacing and case
    for i, ch in enumerate(key):
        for other in ALPHABET:
            if other != ch:
                with pytest.raises(InputError):
                    tracking_key(key[:i] + other + key[i + 1 :])
    for i in range(len(key) - 1):
        if key[i] != key[i + 1]:
            swapped = key[:i] + key[i + 1] + key[i] + key[i + 2 :]
            with pytest.raises(InputError):
                tracking_key(swapped)


def test_arabic_indic_digits_are_read_as_digits() -> None:
    printed = make_tracking_number("ASW-0101", 1, 42)
    arabic = printed.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert tracking_key(arabic) == tracking_key(printed)


def test_stages_only_move_forward_along_the_plan() -> None:
    check_transition("captured", "submitted")
    check_transition("in_production", "ready_for_collection")
    for final in FINAL:
        for status in STATUSES:
            with pytest.raises(InputError):
                check_transition(final, status)
    with pytest.raises(InputError):
        check_transition("submitted", "dispatched")  # never skips the authority
    reachable = {"captured"}
    for _ in STATUSES:
        reachable |= {n for s in reachable for n in NEXT[s]}
    assert reachable == set(STATUSES)


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("01012345678", "+201012345678"),
        ("٠١١٢٣٤٥٦٧٨٩", "+201123456789"),
        ("+20 15 5123 4567", "+201551234567"),
    ],
)
def test_egyptian_mobiles(text: str, e164: str) -> None:
    assert clean_mobile(text) == e164


@pytest.mark.parametrize("text", ["0101234567", "0223456789", "+441632960000", "hello", ""])
def test_not_an_egyptian_mobile(text: str) -> None:
    with pytest.raises(InputError) as refused:
        clean_mobile(text)
    assert refused.value.field == "mobile"


def good_form(**changes: object) -> RequestForm:
    form = RequestForm(
        national_id="29001010100015",
        name="منى سعيد",
        mobile="01012345678",
        licence="12345678",
        governorate="28",
        district="أسوان أول",
        street="١٢ شارع السوق",
    )
    for key, value in changes.items():
        setattr(form, key, value)
    return form


def test_collection_at_the_office_needs_no_address() -> None:
    details = check_form(good_form(deliver=False, governorate=""), FIELDS, optional_delivery=True)
    assert details.address is None
    with pytest.raises(InputError) as refused:
        check_form(good_form(deliver=False, governorate=""), FIELDS, optional_delivery=False)
    assert refused.value.field == "governorate"


def test_an_appeal_needs_fines_and_grounds() -> None:
    fields = ("fines", "grounds", "mobile")
    with pytest.raises(InputError) as no_fines:
        check_form(good_form(grounds="كانت السيارة في الصيانة"), fields, optional_delivery=False)
    assert no_fines.value.field == "fines"
    with pytest.raises(InputError) as no_grounds:
        check_form(good_form(fines=["F1"], grounds="لا"), fields, optional_delivery=False)
    assert no_grounds.value.field == "grounds"
    details = check_form(
        good_form(fines=["F1", "F1", "F2"], grounds="كانت السيارة في الصيانة"),
        fields,
        optional_delivery=False,
    )
    assert details.fines == ("F1", "F2")


def test_a_relative_names_the_person_on_the_record() -> None:
    fields = ("relation",)
    with pytest.raises(InputError) as refused:
        check_form(good_form(relation="parent", subject_name=""), fields, optional_delivery=False)
    assert refused.value.field == "subject_name"
    with pytest.raises(InputError):
        check_form(good_form(relation="cousin"), fields, optional_delivery=False)
