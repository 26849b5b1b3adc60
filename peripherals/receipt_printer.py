"""The receipt printer: a byte sink with a state, one backend per connection kind.

- `simulator`: writes each job's ESC/POS bytes (and a PNG preview) into the profile, and
  can be told to run out of paper mid-job, open its cover, stall, or drop the connection;
- `file`: the simulator without faults;
- `network` (raw TCP, port 9100), `usb`, `serial`, `cups`, `win32`: python-escpos.

State is read where the device answers; a device that does not answer is UNKNOWN, never
READY (python-escpos reports "OK" for a silent printer).
"""

from __future__ import annotations

import itertools
import logging
import re
import socket
import threading
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from peripherals.base import DeviceError, DeviceState
from peripherals.escpos_import import escpos_printer_module

Cancel = threading.Event  # set when a job is given up: send nothing more
log = logging.getLogger(__name__)
_USB_TARGET = re.compile(r"^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$")


class ReceiptPrinter(Protocol):
    """The surface every receipt-printer backend offers."""

    name: str
    width_px: int

    def state(self) -> DeviceState: ...

    def send(
        self, data: bytes, preview: Image.Image | None = None, cancel: Cancel | None = None
    ) -> None:
        """Send one job. When `cancel` is set (the job was given up), send nothing more."""
        ...


_NOT_READY = {
    DeviceState.COVER_OPEN: "the printer's cover is open",
    DeviceState.PAPER_OUT: "the printer is out of paper",
    DeviceState.OFFLINE: "the printer is offline",
}


class SimulatedReceiptPrinter:
    """Writes jobs to `folder/receipt-NNNNNN.escpos` (+ .png); faults can be set on command."""

    FAULTS = ("paper_out_mid_job", "cover_open", "stall", "drop_connection")

    def __init__(self, folder: Path, width_px: int, *, name: str = "simulator") -> None:
        self.name = name
        self.width_px = width_px
        self.folder = folder
        self._state = DeviceState.READY
        self._fault: str | None = None
        self._lock = threading.Lock()
        self.release_stall = threading.Event()
        existing = sorted(folder.glob("receipt-*.escpos")) if folder.exists() else []
        start = int(existing[-1].stem.split("-")[1]) + 1 if existing else 1
        self._numbers = itertools.count(start)

    def set_fault(self, fault: str | None) -> None:
        """Inject a fault for the next jobs (None clears it and refills the paper)."""
        if fault is not None and fault not in self.FAULTS:
            raise ValueError(f"unknown fault {fault}")
        with self._lock:
            self._fault = fault
            self._state = {
                None: DeviceState.READY,
                "cover_open": DeviceState.COVER_OPEN,
            }.get(fault, DeviceState.READY)
        if fault != "stall":
            self.release_stall.set()

    def state(self) -> DeviceState:
        with self._lock:
            return self._state

    def send(
        self, data: bytes, preview: Image.Image | None = None, cancel: Cancel | None = None
    ) -> None:
        with self._lock:
            fault, state = self._fault, self._state
        if state is not DeviceState.READY:
            raise DeviceError(_NOT_READY.get(state, f"the printer is not ready ({state.value})"))
        if fault == "stall":
            # A printer that stops answering and later wakes up: it would print what it
            # was sent unless the job was given up meanwhile.
            self.release_stall.clear()
            self.release_stall.wait()  # set_fault() with anything else wakes it
        if cancel is not None and cancel.is_set():
            raise DeviceError("the job was given up before it was printed")
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"receipt-{next(self._numbers):06d}.escpos"
        if fault == "paper_out_mid_job":
            path.write_bytes(data[: len(data) // 2])  # what made it onto paper
            with self._lock:
                self._state = DeviceState.PAPER_OUT
            raise DeviceError("the printer ran out of paper during the job")
        if fault == "drop_connection":
            path.write_bytes(data[: len(data) // 3])
            raise DeviceError("the connection to the printer dropped")
        path.write_bytes(data)
        if preview is not None:
            preview.save(path.with_suffix(".png"))

    def printed_count(self) -> int:
        """How many jobs reached paper (whole or in part)."""
        return len(list(self.folder.glob("receipt-*.escpos"))) if self.folder.exists() else 0


class NetworkReceiptPrinter:
    """A printer on the network, raw ESC/POS on TCP port 9100."""

    def __init__(self, target: str, width_px: int, timeout_s: float = 10.0) -> None:
        host, _, port = target.partition(":")
        self.name = f"network {target}"
        self.width_px = width_px
        self._address = (host, int(port or 9100))
        self._timeout = timeout_s

    def state(self) -> DeviceState:
        # DLE EOT 4: paper sensor status. No answer within the timeout means UNKNOWN.
        try:
            conn = socket.create_connection(self._address, timeout=2)
        except OSError:
            return DeviceState.OFFLINE  # nothing accepts the connection
        try:
            with conn:
                conn.sendall(b"\x10\x04\x04")
                conn.settimeout(2)
                answer = conn.recv(1)
        except OSError:
            return DeviceState.UNKNOWN  # connected but silent: not proof of anything
        if not answer:
            return DeviceState.UNKNOWN
        if answer[0] & 0x60:
            return DeviceState.PAPER_OUT
        if answer[0] & 0x0C:
            return DeviceState.PAPER_LOW
        return DeviceState.READY

    def send(
        self, data: bytes, preview: Image.Image | None = None, cancel: Cancel | None = None
    ) -> None:
        try:
            with socket.create_connection(self._address, timeout=self._timeout) as conn:
                # In slices, so a job given up stops part-way instead of printing later.
                for start in range(0, len(data), 4096):
                    if cancel is not None and cancel.is_set():
                        raise DeviceError("the job was given up before it was printed")
                    conn.sendall(data[start : start + 4096])
        except OSError as exc:
            message = f"the network printer {self.name} did not take the job: {exc}"
            raise DeviceError(message) from exc


class EscposReceiptPrinter:
    """USB, serial, CUPS and Windows printers through python-escpos."""

    def __init__(self, backend: str, target: str, width_px: int) -> None:
        self.name = f"{backend} {target}".strip()
        self.width_px = width_px
        self._backend = backend
        self._target = target

    def _open(self) -> Any:
        printer = escpos_printer_module()
        if self._backend == "usb":
            vendor, _, product = self._target.partition(":")
            return printer.Usb(int(vendor, 16), int(product, 16))
        if self._backend == "serial":
            return printer.Serial(devfile=self._target or "/dev/ttyUSB0")
        if self._backend == "cups":
            return printer.CupsPrinter(self._target or None)
        return printer.Win32Raw(self._target or None)

    def state(self) -> DeviceState:
        try:
            device = self._open()
            status = device.paper_status()
            device.close()
        except Exception as exc:  # python-escpos raises many kinds; each one means "unknown"
            log.warning("receipt printer %s did not answer its status: %s", self.name, exc)
            return DeviceState.UNKNOWN
        # python-escpos answers 2 ("OK") when the printer is silent: only a 1 or 0 is news.
        return {0: DeviceState.PAPER_OUT, 1: DeviceState.PAPER_LOW}.get(status, DeviceState.UNKNOWN)

    def send(
        self, data: bytes, preview: Image.Image | None = None, cancel: Cancel | None = None
    ) -> None:
        if cancel is not None and cancel.is_set():
            raise DeviceError("the job was given up before it was printed")
        try:
            device = self._open()
            device._raw(data)
            device.close()
        except Exception as exc:
            message = f"the receipt printer {self.name} did not take the job: {exc}"
            raise DeviceError(message) from exc


def make_receipt_printer(
    backend: str, width_px: int, target: str, printed_dir: Path
) -> ReceiptPrinter:
    """The configured receipt printer, or DeviceError naming what is not available."""
    if backend in ("simulator", "file"):
        folder = Path(target) if target else printed_dir / "receipts"
        return SimulatedReceiptPrinter(folder, width_px, name=backend)
    if backend == "network":
        host, _, port = target.partition(":")
        if not host or (port and not port.isdigit()):
            raise DeviceError(
                f"a network receipt printer needs target = 'host:9100', not {target!r}"
            )
        return NetworkReceiptPrinter(target, width_px)
    if backend == "usb" and not _USB_TARGET.match(target):
        raise DeviceError(
            f"a USB receipt printer needs target = 'vendor:product' in hex (e.g. '04b8:0202'), "
            f"not {target!r}"
        )
    if backend in ("usb", "serial", "cups", "win32"):
        return EscposReceiptPrinter(backend, target, width_px)
    raise DeviceError(f"receipt printer backend '{backend}' is not known")
