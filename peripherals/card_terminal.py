"""The bank's card terminal: a simulator, and the standalone terminal most offices have.

A standalone terminal is not connected to the counter: the citizen pays on it, it
prints its slip, and the clerk types the approval code from the slip. A connected
terminal (ECR link) would implement `authorise`; its protocols are the bank's and not
public, so none ships here.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Protocol

from peripherals.base import DeviceError


class CardTerminal(Protocol):
    name: str
    needs_clerk_code: bool  # True: the clerk types the approval code the terminal printed

    def authorise(self, amount_piastres: int, reference: str, cancel: threading.Event) -> str:
        """Charge the card; the approval code, or DeviceError with the reason."""
        ...


class StandaloneTerminal:
    name = "standalone terminal"
    needs_clerk_code = True

    def authorise(self, amount_piastres: int, reference: str, cancel: threading.Event) -> str:
        raise DeviceError("the standalone terminal is not connected: type its approval code")


class SimulatedCardTerminal:
    """Approves every charge with a code derived from it, unless told to decline."""

    name = "SIMULATED card terminal"
    needs_clerk_code = False

    def __init__(self) -> None:
        self.decline_reason: str | None = None
        self.charges: list[tuple[int, str]] = []

    def authorise(self, amount_piastres: int, reference: str, cancel: threading.Event) -> str:
        if cancel.is_set():
            raise DeviceError("the card payment was cancelled")
        if self.decline_reason:
            raise DeviceError(f"the bank declined the card: {self.decline_reason}")
        self.charges.append((amount_piastres, reference))
        digest = hashlib.sha256(f"{reference}:{amount_piastres}".encode()).hexdigest()
        return digest[:6].upper()


def make_card_terminal(backend: str) -> CardTerminal:
    if backend == "simulator":
        return SimulatedCardTerminal()
    if backend == "standalone":
        return StandaloneTerminal()
    raise DeviceError(f"unknown card terminal backend {backend!r}")
