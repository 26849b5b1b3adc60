"""The receipt printer: a byte sink with a state.

Backends: the simulator (and the file backend, which is the simulator without faults)
write every job's ESC/POS bytes into a folder of the profile, so everything the demo
prints can be inspected. Hardware backends (USB, serial, network, CUPS, Windows) arrive
with the printing capability; configuring one before then is reported, not ignored.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Protocol

from peripherals.base import DeviceError, DeviceState


class ReceiptPrinter(Protocol):
    """The surface every receipt-printer backend offers."""

    name: str
    width_px: int

    def state(self) -> DeviceState: ...

    def send(self, data: bytes) -> None: ...


class SimulatedReceiptPrinter:
    """Writes jobs to `folder/receipt-NNNNNN.escpos`; faults can be set by tests and demos."""

    def __init__(self, folder: Path, width_px: int, *, name: str = "simulator") -> None:
        self.name = name
        self.width_px = width_px
        self._folder = folder
        self._state = DeviceState.READY
        self._lock = threading.Lock()
        existing = sorted(folder.glob("receipt-*.escpos")) if folder.exists() else []
        start = int(existing[-1].stem.split("-")[1]) + 1 if existing else 1
        self._numbers = itertools.count(start)

    def set_state(self, state: DeviceState) -> None:
        with self._lock:
            self._state = state

    def state(self) -> DeviceState:
        with self._lock:
            return self._state

    def send(self, data: bytes) -> None:
        state = self.state()
        if state is not DeviceState.READY:
            raise DeviceError(f"receipt printer is not ready: {state.value}")
        self._folder.mkdir(parents=True, exist_ok=True)
        path = self._folder / f"receipt-{next(self._numbers):06d}.escpos"
        path.write_bytes(data)


def make_receipt_printer(
    backend: str, width_px: int, target: str, printed_dir: Path
) -> ReceiptPrinter:
    """The configured receipt printer, or DeviceError naming what is not available."""
    if backend in ("simulator", "file"):
        folder = Path(target) if target else printed_dir / "receipts"
        return SimulatedReceiptPrinter(folder, width_px, name=backend)
    raise DeviceError(
        f"receipt printer backend '{backend}' is not available in this version; "
        "use 'simulator' or 'file'"
    )
