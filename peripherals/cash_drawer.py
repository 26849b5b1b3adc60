"""The cash drawer: kicked by the receipt printer (ESC/POS), or a simulator, or none.

With the usual wiring the drawer hangs off the receipt printer and opens when the
printer receives the kick that `printing.escpos_bytes` puts in a cash receipt's job, so
it never opens for a payment whose receipt did not reach the printer. The simulator
counts openings for tests and the demo.
"""

from __future__ import annotations

from typing import Protocol


class CashDrawer(Protocol):
    name: str

    def open(self) -> None: ...


class SimulatedCashDrawer:
    name = "SIMULATED cash drawer"

    def __init__(self) -> None:
        self.openings = 0

    def open(self) -> None:
        self.openings += 1


class NoDrawer:
    name = "no cash drawer"

    def open(self) -> None:
        return None


class PrinterKickedDrawer:
    """Opened by the kick inside the cash receipt's print job: nothing to do here."""

    name = "drawer on the receipt printer (ESC/POS kick)"

    def open(self) -> None:
        return None


def make_cash_drawer(backend: str) -> CashDrawer:
    if backend == "escpos":
        return PrinterKickedDrawer()
    if backend == "simulator":
        return SimulatedCashDrawer()
    return NoDrawer()
