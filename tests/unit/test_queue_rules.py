"""The queue's rules: who is called next (priority with ageing), numbering, figures."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain import queue as rules
from counter_app.domain.errors import InputError
from counter_app.domain.queue import Ticket

T0 = datetime(2026, 11, 30, 6, 30, tzinfo=UTC)


def ticket(n: int, minutes: float, category: str = "normal", group: str = "T") -> Ticket:
    return Ticket(f"{group}-{n}", group, n, T0 + timedelta(minutes=minutes), category=category)


def test_the_longest_waiting_ticket_is_called_first() -> None:
    waiting = [ticket(2, 5), ticket(1, 0), ticket(3, 9)]
    chosen = rules.next_ticket(waiting, ["T"], 1, T0 + timedelta(minutes=10))
    assert chosen is not None and chosen.label == "T-1"


def test_a_priority_ticket_passes_only_those_who_came_less_than_the_head_start_before() -> None:
    now = T0 + timedelta(minutes=30)
    elderly = ticket(9, 20, "elderly")  # waited 10 min, counts as 25
    assert rules.next_ticket([ticket(1, 10), elderly], ["T"], 1, now) == elderly  # 20 min
    assert rules.next_ticket([ticket(1, 0), elderly], ["T"], 1, now).label == "T-1"  # 30 min


def test_a_window_calls_only_its_groups_and_tickets_sent_to_it_by_name() -> None:
    now = T0 + timedelta(minutes=30)
    civil = ticket(1, 0, group="C")
    sent = Ticket("T-4/1", "T", 4, T0 + timedelta(minutes=25), for_window=2)
    assert rules.next_ticket([civil], ["T"], 1, now) is None
    assert rules.next_ticket([civil, sent], ["T"], 2, now) == sent
    assert rules.next_ticket([civil, sent], ["T"], 1, now) is None  # sent to window 2
    assert rules.next_ticket([civil], [], 1, now) == civil  # no groups named: all


def simulate_day(priority_minutes: float, seed: int = 7) -> dict[str, list[float]]:
    """One window through a busy day (one arrival every 1.6 minutes, a third of them
    elderly, 1.55 minutes per citizen): the minutes each ticket waited, by category."""
    rng = random.Random(seed)
    arrivals, clock = [], 0.0
    for n in range(1, 400):
        clock += rng.expovariate(1 / 1.6)
        arrivals.append(ticket(n, clock, "elderly" if rng.random() < 0.33 else "normal"))
    waiting: list[Ticket] = []
    waits: dict[str, list[float]] = {"normal": [], "elderly": []}
    now, i = 0.0, 0
    while i < len(arrivals) or waiting:
        while i < len(arrivals) and (arrivals[i].arrived - T0).total_seconds() / 60 <= now:
            waiting.append(arrivals[i])
            i += 1
        at = T0 + timedelta(minutes=now)
        chosen = rules.next_ticket(waiting, ["T"], 1, at, priority_minutes)  # type: ignore[arg-type]
        if chosen is None:
            now += 0.5
            continue
        waiting.remove(chosen)
        waits[chosen.category].append(now - (chosen.arrived - T0).total_seconds() / 60)
        now += 1.55
    assert sum(map(len, waits.values())) == len(arrivals)
    return waits


def test_nobody_waits_for_ever_over_a_simulated_day() -> None:
    """Against first-come-first-served and against "priority always first" on the same
    day: the elderly wait less than under first-come-first-served, and no ordinary
    ticket waits more than the head start beyond the worst first-come-first-served wait,
    where always-first makes ordinary tickets wait far longer."""
    ageing = simulate_day(rules.PRIORITY_MINUTES)
    fifo = simulate_day(0)
    always_first = simulate_day(10**6)

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    assert mean(ageing["elderly"]) < mean(fifo["elderly"])
    worst_fifo = max(fifo["normal"] + fifo["elderly"])
    assert max(ageing["normal"]) <= worst_fifo + rules.PRIORITY_MINUTES
    assert max(always_first["normal"]) > max(ageing["normal"])


def test_with_no_priority_the_order_is_plain_first_come_first_served() -> None:
    tickets = [ticket(n, n * 0.7) for n in range(1, 30)]
    rng = random.Random(3)
    shuffled = tickets[:]
    rng.shuffle(shuffled)
    order = []
    while shuffled:
        chosen = rules.next_ticket(shuffled, ["T"], 1, T0 + timedelta(hours=1))
        assert chosen is not None
        shuffled.remove(chosen)
        order.append(chosen)
    assert order == tickets


def test_actions_refuse_a_ticket_in_the_wrong_state_in_words() -> None:
    served = rules.with_status(ticket(1, 0), "served")
    with pytest.raises(InputError) as refused:
        rules.check_action(served, "call")
    assert "T-1" in refused.value.message_en and "served" in refused.value.message_en
    assert "T-1" in refused.value.message_ar
    assert rules.check_action(ticket(1, 0), "call") == "called"
    parked = rules.with_status(ticket(1, 0), "parked")
    assert rules.check_action(parked, "resume") == "serving"
    with pytest.raises(InputError):
        rules.check_action(parked, "no_show")
    assert rules.check_action(rules.with_status(ticket(1, 0), "serving"), "no_show") == "no_show"


def test_local_numbers_never_meet_the_hosts() -> None:
    assert rules.local_number(2, 1) == 20001
    assert rules.local_number(3, 9999) == 39999
    with pytest.raises(InputError):
        rules.local_number(2, 10_000)
    rules.check_number(rules.MAX_NUMBER)
    with pytest.raises(InputError):
        rules.check_number(rules.MAX_NUMBER + 1)


@given(st.lists(st.floats(min_value=0, max_value=500), min_size=1, max_size=50))
def test_percentiles_lie_within_the_values(values: list[float]) -> None:
    median, p90 = rules.percentile(values, 50), rules.percentile(values, 90)
    assert min(values) <= median <= p90 <= max(values)


def test_figures_derive_from_the_five_times() -> None:
    def served(
        n: int, wait: float, service: float, window: int, rating: int | None = None
    ) -> Ticket:
        arrived = T0 + timedelta(minutes=n)
        called = arrived + timedelta(minutes=wait)
        return Ticket(
            f"T-{n}",
            "T",
            n,
            arrived,
            status="served",
            called=called,
            started=called,
            ended=called + timedelta(minutes=service),
            window=window,
            clerk=f"c{window}",
            rating=rating,
        )

    tickets = [
        served(1, 5, 4, 1, 5),
        served(2, 10, 6, 1),
        served(3, 30, 8, 2, 3),
        rules.with_status(ticket(4, 3), "no_show", called=T0 + timedelta(minutes=8), window=2),
        ticket(5, 50),  # still waiting: abandoned when the figures are taken
    ]
    office = rules.figures(tickets, target_wait_min=20)
    assert (office.issued, office.served, office.no_show, office.abandoned) == (5, 3, 1, 1)
    assert office.wait_median_min == 5 and office.wait_p90_min == 30
    assert office.service_median_min == 6
    assert office.within_target == 0.75  # 3 of the 4 called within 20 minutes
    assert office.no_show_rate == 0.25
    assert (office.rating_count, office.rating_mean) == (2, 4.0)
    per_window = rules.figures_by(tickets, "window", 20)
    assert sum(f.served for f in per_window.values()) == office.served
    assert per_window["1"].served == 2 and per_window["2"].no_show == 1


def test_a_transfer_keeps_the_place_by_age_and_counts_once() -> None:
    first = rules.with_status(
        ticket(1, 0), "transferred", called=T0 + timedelta(minutes=4), window=1
    )
    copy = rules.transferred_copy(first, "C", None, "T-1/1", 1)
    assert copy.arrived == first.arrived and copy.transferred_from == "T-1"
    later = ticket(2, 1, group="C")
    assert rules.next_ticket([later, copy], ["C"], 2, T0 + timedelta(minutes=10)) == copy
    served = rules.with_status(
        copy, "served", called=T0 + timedelta(minutes=10), ended=T0 + timedelta(minutes=15)
    )
    figures = rules.figures([first, served], 20)
    assert figures.issued == 1 and figures.served == 1 and figures.transferred == 1
    assert figures.wait_median_min == 4  # the wait before the first call only


def test_estimated_wait_shares_the_people_ahead_among_the_windows() -> None:
    assert rules.estimated_wait_minutes(0, [4.0], 1) == 0
    assert rules.estimated_wait_minutes(6, [], 2) == 15  # 5 minutes each before any served
    assert rules.estimated_wait_minutes(4, [2.0, 3.0, 10.0], 1) == 12
