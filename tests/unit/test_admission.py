"""HQ's admission of journal pushes: at most `limit` worked on, `queue` waiting, and past
that a 503 whose Retry-After grows with what HQ holds."""

from __future__ import annotations

import asyncio

import pytest

from hq.admission import Admission, Busy


def test_past_the_limit_and_the_queue_a_push_is_refused_with_a_retry_after() -> None:
    async def scenario() -> tuple[list[str], int, int]:
        admission = Admission(limit=1, queue=1, spread=lambda: 0.0)
        order: list[str] = []
        release = asyncio.Event()

        async def push(name: str) -> None:
            async with admission.slot():
                order.append(name)
                await release.wait()

        first = asyncio.create_task(push("first"))
        await asyncio.sleep(0)  # let the first take its place
        second = asyncio.create_task(push("second"))
        await asyncio.sleep(0)  # and the second begin waiting
        assert (admission.working, admission.waiting) == (1, 1)
        assert admission.full()
        with pytest.raises(Busy) as refused:
            async with admission.slot():
                order.append("third")
        release.set()
        await asyncio.gather(first, second)
        return order, refused.value.retry_after, refused.value.status

    order, retry_after, status = asyncio.run(scenario())
    assert order == ["first", "second"]  # the waiting one went on; the refused one never did
    assert status == 503 and retry_after >= 1


def test_retry_after_is_the_time_to_work_through_what_is_held_spread_up_to_twice() -> None:
    ticks = iter([0.0, 4.0] * 10)  # every push takes 4 s
    admission = Admission(limit=2, queue=0, clock=lambda: next(ticks), spread=lambda: 0.0)

    async def work(n: int) -> None:
        for _ in range(n):
            async with admission.slot():
                pass

    asyncio.run(work(10))  # the running average approaches 4 s a push
    admission.working, admission.waiting = 2, 0
    calm = admission.retry_after()
    admission.working, admission.waiting = 2, 6
    assert calm == 4  # two pushes of ~4 s on two places
    held = admission.retry_after()
    assert held > 3 * calm  # four times as much held: about four times as long
    admission._spread = lambda: 1.0  # the most spread: twice the time
    assert 2 * held - 1 <= admission.retry_after() <= 2 * held
    assert admission.refused == 0  # asking is not refusing
    assert admission.refuse().retry_after >= held
    assert admission.refused == 1


def test_limits_below_one_are_refused() -> None:
    with pytest.raises(ValueError):
        Admission(limit=0)
