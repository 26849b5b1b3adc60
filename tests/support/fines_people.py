"""People the simulated traffic prosecution answers about, found by asking it."""

from __future__ import annotations

from hq.agencies.fines import SimulatedTrafficProsecution


def person_with_fines(count: int, skip: int = 0) -> str:
    """The national ID of the (skip+1)-th person the simulator gives at least `count` fines."""
    adapter = SimulatedTrafficProsecution()
    found = 0
    for serial in range(1000, 9999):
        number = f"2900101280{serial}"
        if len(adapter.inquire(national_id=number).fines) >= count:
            if found == skip:
                return number
            found += 1
    raise AssertionError("no such person in the simulator")


def person_without_fines() -> str:
    adapter = SimulatedTrafficProsecution()
    for serial in range(1000, 9999):
        number = f"2900101280{serial}"
        if not adapter.inquire(national_id=number).fines:
            return number
    raise AssertionError("no such person in the simulator")
